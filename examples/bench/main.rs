//! Benchmark: booking throughput (distinct slots, one contended slot, and one doctor with
//! 0, 100,000 and 1,000,000 past appointments), doctor dashboard
//! latency with 100,000 appointments, a month of offered times for a doctor with a full
//! calendar, live updates (booking-to-event latency, idle streams' memory), and the server's
//! memory, against the release binary.
//!
//!     scripts/bench.sh                    # SQLite, and PostgreSQL when TEST_DATABASE_URL is set
//!     cargo run --release --features ssr --example bench -- sqlite|postgres [server binary]
//!
//! The server runs as its own process (so its RSS is its own); this program seeds data
//! directly through the data layer and drives the HTTP API with concurrent clients.

use appointments::domain::hours::{DayHours, WeeklyHours};
use appointments::domain::profile::ProfileInput;
use appointments::domain::validation::Price;
use appointments::domain::{Role, TimeRange};
use appointments::server::auth::{create_account, NewAccount};
use appointments::server::config::Config;
use appointments::server::db::{appointments as appointment_rows, profiles, services, Db};
use appointments::server::{app, scheduling};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const CLIENTS: usize = 16;
const DOCTORS: usize = 10;
const DAYS: i64 = 60;
const SLOT_MINUTES: u32 = 15;
const DISTINCT_BOOKINGS: usize = 20_000;
const CONTENDED_ROUNDS: usize = 300;
const DASHBOARD_ROWS: i64 = 100_000;
/// Days of back-to-back appointments for the calendar benchmark's doctor.
const CALENDAR_DAYS: i64 = 120;
const PASSWORD: &str = "benchmark password";
/// Idle live streams held open against one server process.
const IDLE_STREAMS: usize = 10_000;

mod insight;
mod live;
mod outbox;

struct Setup {
    doctors: Vec<(i64, i64)>,
    first_day: DateTime<Utc>,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engine = args
        .first()
        .map(String::as_str)
        .unwrap_or("sqlite")
        .to_string();
    let binary = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "target/release/appointments".into());
    let (url, cleanup) = database(&engine).await;
    let mut config = Config::from_env().expect("config");
    config.database_url = url.clone();
    let db = app::open_database(&config).await.expect("database");
    let setup = seed(&db).await;

    let port = 3200 + (std::process::id() % 500) as u16;
    let mut server = start_server(&binary, &url, port);
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&base).await;
    let idle_rss = rss_kib(server.id());
    let clients = log_in_clients(&db, &base).await;

    println!("## {engine}\n");
    println!("| measure | result |\n|---|---|");
    println!("| server RSS, idle | {} MiB |", idle_rss / 1024);
    // `BENCH_ONLY=insight` runs the Insight measures alone.
    if std::env::var("BENCH_ONLY").is_ok_and(|only| only == "insight") {
        insight::section(&db, &base).await;
        let _ = server.kill();
        let _ = server.wait();
        cleanup_database(cleanup).await;
        return;
    }
    // `BENCH_ONLY=live` runs the live-update measures alone.
    let only_live = std::env::var("BENCH_ONLY").is_ok_and(|only| only == "live");
    if only_live {
        live_section(&engine, &binary, &url, &base, server.id(), &clients, &setup).await;
        let _ = server.kill();
        let _ = server.wait();
        cleanup_database(cleanup).await;
        return;
    }
    // `BENCH_ONLY=outbox`: the booking load, then the outbox's delivery rate.
    if std::env::var("BENCH_ONLY").is_ok_and(|only| only == "outbox") {
        distinct_slots(&clients, &setup).await;
        outbox::section(&db, &config).await;
        let _ = server.kill();
        let _ = server.wait();
        cleanup_database(cleanup).await;
        return;
    }
    let peak = Arc::new(AtomicUsize::new(idle_rss));
    let sampler = sample_rss(server.id(), peak.clone());
    distinct_slots(&clients, &setup).await;
    contended_slot(&clients, &setup).await;
    history_cost(&db, &clients, &setup).await;
    outbox::section(&db, &config).await;
    println!(
        "| server RSS, peak under booking load | {} MiB |",
        peak.load(Ordering::Relaxed) / 1024
    );
    sampler.abort();
    dashboard(&db, &base, &setup).await;
    calendar_month(&db, &base).await;
    println!(
        "| server RSS after the dashboard runs | {} MiB |",
        rss_kib(server.id()) / 1024
    );
    live_section(&engine, &binary, &url, &base, server.id(), &clients, &setup).await;
    insight::section(&db, &base).await;
    // Last: the password guessing leaves this address throttled for a minute.
    memory_bursts(&base, server.id(), &setup).await;

    let _ = server.kill();
    let _ = server.wait();
    cleanup_database(cleanup).await;
}

async fn database(engine: &str) -> (String, Option<(String, String)>) {
    let name = format!("appt_bench_{}", std::process::id());
    if engine == "postgres" {
        let admin = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let pool = sqlx::PgPool::connect(&admin).await.expect("PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        return (url, Some((admin, name)));
    }
    let path = std::env::temp_dir().join(format!("{name}.db"));
    let _ = std::fs::remove_file(&path);
    (format!("sqlite://{}", path.display()), None)
}

async fn cleanup_database(cleanup: Option<(String, String)>) {
    if let Some((admin, name)) = cleanup {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&pool)
            .await;
    }
}

/// Doctors with a 15-minute service and round-the-clock availability for 60 days.
async fn seed(db: &Db) -> Setup {
    let first_day = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let mut doctors = Vec::new();
    for n in 0..DOCTORS {
        doctors.push(bench_doctor(db, n, first_day).await);
    }
    Setup { doctors, first_day }
}

/// An account with the benchmark's password, in UTC; returns its id.
async fn bench_account(db: &Db, role: Role, name: &str, email: &str) -> i64 {
    let account = NewAccount {
        name,
        email,
        password: PASSWORD,
        role,
        time_zone: "UTC",
    };
    create_account(db, account).await.unwrap().id
}

/// Doctor `n` (`doctor{n}@bench.test`) with a 15-minute service, open booking rules and
/// round-the-clock availability for `DAYS` days from `first_day`.
async fn bench_doctor(db: &Db, n: usize, first_day: DateTime<Utc>) -> (i64, i64) {
    let email = format!("doctor{n}@bench.test");
    let doctor = bench_account(db, Role::Doctor, "Dr. Bench", &email).await;
    let price = Price::parse(1000, "EUR").unwrap();
    let fields = services::ServiceFields {
        name: "Visit",
        description: "",
        duration_minutes: SLOT_MINUTES,
        price: Some(&price),
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        slot_step_minutes: None,
        video: false,
    };
    let service = services::insert(db, doctor, &fields, Utc::now().timestamp())
        .await
        .unwrap()
        .id;
    let spans: Vec<_> = (0..DAYS)
        .map(|d| {
            TimeRange::new(
                first_day + Duration::days(d),
                first_day + Duration::days(d + 1),
            )
            .unwrap()
        })
        .collect();
    scheduling::add_spans(db, doctor, &spans, Utc::now())
        .await
        .unwrap();
    open_rules(db, doctor).await;
    (doctor, service)
}

fn start_server(binary: &str, url: &str, port: u16) -> Child {
    Command::new(binary)
        .env("DATABASE_URL", url)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("SEED_DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        // The outbox is delivered by the benchmark itself (see outbox.rs), not the server.
        .env("DELIVER_MESSAGES", "false")
        // The benchmark's few patients book thousands of times: lift the per-patient limits.
        .env("MAX_PENDING_PER_DOCTOR", "100000000")
        .env("MAX_PENDING_TOTAL", "100000000")
        .env("BOOKING_ATTEMPTS_PER_MINUTE", "100000000")
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {binary}: {e} (build it with `cargo leptos build --release`)")
        })
}

async fn wait_for(base: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{base}/login")).await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server did not start");
}

fn rss_kib(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn sample_rss(pid: u32, peak: Arc<AtomicUsize>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
}

async fn log_in_clients(db: &Db, base: &str) -> Vec<(reqwest::Client, String)> {
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let email = format!("patient{n}@bench.test");
        bench_account(db, Role::Patient, "Patient", &email).await;
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let reply = client
            .post(format!("{base}/api/login"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success());
        clients.push((client, base.to_string()));
    }
    clients
}

async fn book(client: &reqwest::Client, base: &str, doctor: (i64, i64), at: DateTime<Utc>) -> u16 {
    let body =
        json!({ "doctor_id": doctor.0, "service_id": doctor.1, "starts_at": at, "notes": "" });
    match client
        .post(format!("{base}/api/book"))
        .json(&body)
        .send()
        .await
    {
        Ok(reply) => reply.status().as_u16(),
        Err(_) => 0,
    }
}

/// Slot `n` of the setup: spread over doctors, then over time.
fn slot(setup: &Setup, n: usize) -> ((i64, i64), DateTime<Utc>) {
    let doctor = setup.doctors[n % DOCTORS];
    let at = setup.first_day + Duration::minutes(i64::from(SLOT_MINUTES) * (n / DOCTORS) as i64);
    (doctor, at)
}

/// Books `slots` with all clients concurrently; returns (requests, requests per second, failed).
async fn book_all(
    clients: &[(reqwest::Client, String)],
    slots: Vec<((i64, i64), DateTime<Utc>)>,
) -> (usize, f64, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let slots = Arc::new(slots);
    let mut tasks = Vec::new();
    for (client, base) in clients {
        let (client, base, next, slots) =
            (client.clone(), base.clone(), next.clone(), slots.clone());
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(doctor, at)) = slots.get(n) else {
                    return statuses;
                };
                statuses.push(book(&client, &base, doctor, at).await);
            }
        }));
    }
    let statuses: Vec<u16> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    (
        statuses.len(),
        statuses.len() as f64 / elapsed,
        statuses.len() - ok,
    )
}

async fn distinct_slots(clients: &[(reqwest::Client, String)], setup: &Setup) {
    let slots = (0..DISTINCT_BOOKINGS).map(|n| slot(setup, n)).collect();
    let (count, rate, failed) = book_all(clients, slots).await;
    println!(
        "| distinct slots: {count} bookings, {CLIENTS} clients | {rate:.0} bookings/s, {failed} failed |"
    );
}

/// Runs `clients` loops of `request` for `seconds`; returns how many requests were answered.
async fn hammer<F, Fut>(clients: usize, seconds: u64, request: F) -> usize
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let until = Instant::now() + std::time::Duration::from_secs(seconds);
    let tasks = (0..clients).map(|n| {
        let request = request.clone();
        tokio::spawn(async move {
            let mut done = 0;
            while Instant::now() < until {
                request(n).await;
                done += 1;
            }
            done
        })
    });
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .sum()
}

/// A request maker for `hammer`: client `n` logs in as `patient{n}` with `password`.
fn log_in_as_patients(
    base: &str,
    password: &'static str,
) -> impl Fn(usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
       + Clone
       + Send
       + 'static {
    let base = base.to_string();
    move |n: usize| {
        let base = base.clone();
        Box::pin(async move {
            let body = json!({ "email": format!("patient{n}@bench.test"), "password": password });
            let http = reqwest::Client::new();
            let _ = http
                .post(format!("{base}/api/login"))
                .json(&body)
                .send()
                .await;
        })
    }
}

/// Server memory through bursts of password hashing and photo decoding, and after each.
async fn memory_bursts(base: &str, pid: u32, setup: &Setup) {
    let base = base.to_string();
    let log_in = log_in_as_patients(&base, PASSWORD);
    let peak = Arc::new(AtomicUsize::new(0));
    let sampler = sample_rss(pid, peak.clone());
    let logins = hammer(8, 5, log_in).await;
    let label = format!("8 clients logging in for 5 s ({logins} log-ins)");
    report_burst(&label, pid, &peak).await;
    let doctor = doctor_session(&base).await;
    let png = large_png();
    peak.store(0, Ordering::Relaxed);
    let uploads = (0..4).map(|_| {
        let form = reqwest::multipart::Form::new().part(
            "photo",
            reqwest::multipart::Part::bytes(png.clone()).file_name("big.png"),
        );
        doctor
            .post(format!("{base}/api/doctors/{}/photo", setup.doctors[0].0))
            .multipart(form)
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(uploads)
        .await
        .into_iter()
        .map(|r| r.map(|r| r.status().as_u16()).unwrap_or(0))
        .collect();
    let label = format!("4 parallel 8000x8000 photo uploads (statuses {statuses:?})");
    report_burst(&label, pid, &peak).await;
    let wrong = log_in_as_patients(&base, "wrong password");
    peak.store(0, Ordering::Relaxed);
    let guesses = hammer(8, 5, wrong).await;
    let label = format!(
        "8 clients guessing passwords for 5 s ({guesses} answers, 429 after the 5th per account)"
    );
    report_burst(&label, pid, &peak).await;
    sampler.abort();
}

/// Prints a burst's peak RSS and the RSS once the server has had 5 s to settle.
async fn report_burst(label: &str, pid: u32, peak: &AtomicUsize) {
    let during = peak.load(Ordering::Relaxed);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    println!(
        "| {label} | peak {} MiB, 5 s later {} MiB |",
        during / 1024,
        rss_kib(pid) / 1024
    );
}

/// An 8000x8000 PNG (the largest accepted side), small on the wire because it is one colour.
fn large_png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(8000, 8000, image::Rgb([200, 220, 240]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// Past appointments per doctor for the history benchmark, in the order they are run
/// (`HISTORY_SIZES=1000000,100000,0` reverses it, to tell warm-up from history).
fn history_sizes() -> Vec<i64> {
    std::env::var("HISTORY_SIZES")
        .unwrap_or_else(|_| "0,100000,1000000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("HISTORY_SIZES: numbers"))
        .collect()
}
const HISTORY_BOOKINGS: usize = 3_000;

/// Booking throughput for one doctor with 0, 100,000 and 1,000,000 past appointments: every
/// overlap search is bounded on both sides, so the figures should match.
async fn history_cost(db: &Db, clients: &[(reqwest::Client, String)], setup: &Setup) {
    for (i, rows) in history_sizes().into_iter().enumerate() {
        let doctor = bench_doctor(db, DOCTORS + i, setup.first_day).await;
        past_appointments(db, doctor, rows).await;
        let slots = (0..HISTORY_BOOKINGS)
            .map(|n| {
                let minutes = i64::from(SLOT_MINUTES) * n as i64;
                (doctor, setup.first_day + Duration::minutes(minutes))
            })
            .collect();
        let (count, rate, failed) = book_all(clients, slots).await;
        println!(
            "| one doctor with {rows} past appointments: {count} bookings, {CLIENTS} clients | {rate:.0} bookings/s, {failed} failed |"
        );
    }
}

async fn contended_slot(clients: &[(reqwest::Client, String)], setup: &Setup) {
    let started = Instant::now();
    let (mut wins, mut conflicts, mut other) = (0, 0, 0);
    for round in 0..CONTENDED_ROUNDS {
        let (doctor, at) = slot(setup, DISTINCT_BOOKINGS + round);
        let attempts = clients
            .iter()
            .map(|(client, base)| book(client, base, doctor, at));
        let statuses = futures::future::join_all(attempts).await;
        let won = statuses.iter().filter(|s| **s == 200).count();
        assert_eq!(won, 1, "exactly one booking per contended slot");
        wins += won;
        conflicts += statuses.iter().filter(|s| **s == 409).count();
        other += statuses.iter().filter(|s| **s != 200 && **s != 409).count();
    }
    let requests = wins + conflicts + other;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "| one contended slot: {CONTENDED_ROUNDS} rounds of {CLIENTS} clients | {:.0} requests/s; {wins} booked, {conflicts} answered 409, {other} other |",
        requests as f64 / elapsed
    );
}

/// A client logged in as doctor 0.
async fn doctor_session(base: &str) -> reqwest::Client {
    session(base, "doctor0@bench.test").await
}

/// A client with its own cookie jar, logged in as `email` (benchmark password).
async fn session(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = json!({ "email": email, "password": PASSWORD });
    let reply = client
        .post(format!("{base}/api/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert!(
        reply.status().is_success(),
        "log-in {email}: {}",
        reply.status()
    );
    client
}

/// Adds appointments for doctor 0 until it has `DASHBOARD_ROWS`, then times dashboard pages.
async fn dashboard(db: &Db, base: &str, setup: &Setup) {
    let (doctor, service) = setup.doctors[0];
    let sql = format!("SELECT COUNT(*) FROM appointments WHERE doctor_id = {doctor}");
    let existing = db.scalar_i64(&sql).await.unwrap();
    past_appointments(db, (doctor, service), DASHBOARD_ROWS - existing).await;
    let client = doctor_session(base).await;
    let filters = [
        ("upcoming, page 1", json!({ "from": setup.first_day })),
        ("all, page 1", json!({})),
        (
            "confirmed, page 200",
            json!({ "status": "confirmed", "page": 200 }),
        ),
        (
            "one day",
            json!({ "from": setup.first_day, "to": setup.first_day + Duration::days(1) }),
        ),
    ];
    for (name, filter) in filters {
        let mut times = Vec::new();
        for _ in 0..40 {
            let started = Instant::now();
            let reply = client
                .post(format!("{base}/api/doctor/dashboard"))
                .json(&json!({ "filter": filter }))
                .send()
                .await
                .unwrap();
            assert!(reply.status().is_success());
            reply.bytes().await.unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "| dashboard with {DASHBOARD_ROWS} appointments, {name} | p50 {:.1} ms, p95 {:.1} ms |",
            times[times.len() / 2],
            times[times.len() * 95 / 100]
        );
    }
}

/// The patient the bulk-inserted appointments belong to.
async fn first_patient(db: &Db) -> i64 {
    let sql = "SELECT MIN(id) FROM users WHERE role = 'patient'";
    db.scalar_i64(sql).await.unwrap()
}

/// Adds `count` appointments for the doctor, 15 minutes apart, all ending before now.
async fn past_appointments(db: &Db, (doctor, service): (i64, i64), count: i64) {
    let patient = first_patient(db).await;
    // Past and future history, 15 minutes apart, ending before the benchmark's own bookings.
    let statuses = [
        "completed",
        "confirmed",
        "cancelled",
        "pending",
        "no_show",
        "rejected",
    ];
    let end = Utc::now().timestamp() - 3600;
    let step = 15 * 60;
    let rows: Vec<(i64, &str)> = (0..count.max(0))
        .map(|n| (end - (n + 1) * step, statuses[(n % 6) as usize]))
        .collect();
    for chunk in rows.chunks(2000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(start, status)| (*start, start + step, *status))
            .collect();
        insert_rows(db, (doctor, patient, service), &rows).await;
    }
    analyze(db).await;
}

/// Inserts appointments `(start, end, status)` without buffers, straight into the table.
async fn insert_rows(
    db: &Db,
    (doctor, patient, service): (i64, i64, i64),
    rows: &[(i64, i64, &str)],
) {
    let mut sql = String::from(
        "INSERT INTO appointments (doctor_id, patient_id, service_id, starts_at, ends_at, \
         blocked_from, blocked_until, status, notes, created_at, updated_at) VALUES ",
    );
    let values: Vec<String> = rows
        .iter()
        .map(|(start, end, status)| {
            format!("({doctor}, {patient}, {service}, {start}, {end}, {start}, {end}, '{status}', '', {start}, {start})")
        })
        .collect();
    sql.push_str(&values.join(", "));
    db.execute(&sql).await.unwrap();
}

async fn analyze(db: &Db) {
    db.settle_after_bulk_load().await.unwrap();
}

/// No notice and a year's horizon, so every benchmark time can be booked.
async fn open_rules(db: &Db, doctor: i64) {
    let input = ProfileInput {
        min_notice_minutes: 0,
        horizon_days: 365,
        change_notice_hours: 0,
        ..ProfileInput::default()
    };
    profiles::save(db, doctor, &input.validate().unwrap())
        .await
        .unwrap();
}

fn p50_p95(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (times[times.len() / 2], times[times.len() * 95 / 100])
}

/// A doctor in Europe/Berlin working Monday to Saturday, 08:00-12:00 and 13:00-19:00, with
/// a 15-minute service offered every 5 minutes, and every quarter hour booked for
/// `CALENDAR_DAYS` days except one in ten. Times the offer for the next month: the domain
/// computation alone, the service call with its queries, and the HTTP request.
async fn calendar_month(db: &Db, base: &str) {
    let account = NewAccount {
        name: "Dr. Full",
        email: "full@bench.test",
        password: PASSWORD,
        role: Role::Doctor,
        time_zone: "Europe/Berlin",
    };
    let doctor = create_account(db, account).await.unwrap().id;
    open_rules(db, doctor).await;
    let fields = services::ServiceFields {
        name: "Quick check",
        description: "",
        duration_minutes: 15,
        price: None,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        slot_step_minutes: Some(5),
        video: false,
    };
    let service = services::insert(db, doctor, &fields, 0).await.unwrap().id;
    let workday = DayHours::parse("08:00-12:00, 13:00-19:00").unwrap();
    let mut week = WeeklyHours::default();
    for day in &mut week.days[..6] {
        *day = workday.clone();
    }
    scheduling::set_weekly_hours(db, doctor, &week)
        .await
        .unwrap();
    let patient = first_patient(db).await;
    // Fill the calendar through the same schedule the server offers from.
    let now = Utc::now();
    let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let schedule = appointments::domain::schedule::Schedule {
        zone: &zone,
        weekly: &week,
        overrides: &[],
        extra: &[],
        rules: Default::default(),
    };
    let timing = appointments::domain::schedule::ServiceTiming {
        duration_minutes: 15,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        step_minutes: 15,
    };
    let starts = schedule.candidates(
        &timing,
        now + Duration::hours(1),
        now + Duration::days(CALENDAR_DAYS),
    );
    let rows: Vec<(i64, i64, &str)> = starts
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 10 != 9)
        .map(|(_, t)| (t.timestamp(), t.timestamp() + 900, "confirmed"))
        .collect();
    for chunk in rows.chunks(2000) {
        insert_rows(db, (doctor, patient, service), chunk).await;
    }
    analyze(db).await;
    let (from, to) = (now, now + Duration::days(31));

    let window = TimeRange::new(from, to).unwrap();
    let busy = appointment_rows::busy(db, doctor, &scheduling::widened(&window), None)
        .await
        .unwrap();
    let step5 = appointments::domain::schedule::ServiceTiming {
        step_minutes: 5,
        ..timing
    };
    let mut offered = 0;
    let domain: Vec<f64> = (0..200)
        .map(|_| {
            let started = Instant::now();
            offered = schedule.offered(&step5, &busy, &window, now).len();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let mut service_call = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        scheduling::free_times(
            db,
            doctor,
            service,
            &window,
            scheduling::Asking::Booking,
            now,
        )
        .await
        .unwrap();
        service_call.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let client = reqwest::Client::new();
    let mut http = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let reply = client
            .post(format!("{base}/api/free_times"))
            .json(&json!({ "doctor_id": doctor, "service_id": service, "from": from, "to": to }))
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success());
        reply.bytes().await.unwrap();
        http.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let line = |name: &str, (p50, p95): (f64, f64)| {
        println!("| month of offered times ({} booked in {CALENDAR_DAYS} days, {} in the month, {offered} offered), {name} | p50 {p50:.2} ms, p95 {p95:.2} ms |", rows.len(), busy.len());
    };
    line("domain computation", p50_p95(domain));
    line("service call with its queries", p50_p95(service_call));
    line("HTTP request", p50_p95(http));
}

/// Booking-to-event latency (and on PostgreSQL across two processes), then idle streams.
async fn live_section(
    engine: &str,
    binary: &str,
    url: &str,
    base: &str,
    pid: u32,
    clients: &[(reqwest::Client, String)],
    setup: &Setup,
) {
    live::one_process(base, &clients[0].0, setup).await;
    if engine == "postgres" {
        live::across_processes(binary, url, base, &clients[0].0, setup).await;
    }
    live::idle_streams(base, pid, IDLE_STREAMS).await;
}
