//! Insight at scale: 100 doctors (Berlin, weekdays 08:00-18:00) with about 1,040,000
//! appointments over two years, loaded straight into the table (the triggers keep the day
//! sums as they would for bookings), then reports timed through the HTTP API.

use super::{p50_p95, session, PASSWORD};
use appointments::domain::hours::{DayHours, WeeklyHours};
use appointments::domain::insight::LocalStart;
use appointments::domain::wall_clock::resolve_local;
use appointments::domain::Role;
use appointments::server::auth::{create_account, NewAccount};
use appointments::server::db::{services, Db};
use appointments::server::scheduling;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Berlin;
use serde_json::{json, Value};
use std::time::Instant;

const DOCTORS: usize = 100;
/// Weekdays of history and future per doctor, and 30-minute visits per day.
const WEEKDAYS: i64 = 520;
const VISITS_PER_DAY: i64 = 20;
const RUNS: usize = 20;

pub async fn section(db: &Db, base: &str) {
    let started = Instant::now();
    let count = populate(db).await;
    println!(
        "| Insight: {count} appointments of {DOCTORS} doctors loaded (triggers keeping day sums) | {:.0} s |",
        started.elapsed().as_secs_f64()
    );
    let rows = db
        .scalar_i64("SELECT COUNT(*) FROM insight_days")
        .await
        .unwrap();
    println!("| Insight: stored day rows | {rows} |");
    let admin = session(base, "insight-admin@bench.test").await;
    let doctor = session(base, "insight0@bench.test").await;
    let today = Utc::now().date_naive();
    let cases: [(&str, &reqwest::Client, i64); 4] = [
        ("one doctor, 30 days", &doctor, 29),
        ("one doctor, 366 days", &doctor, 365),
        ("all 100 doctors, 30 days", &admin, 29),
        ("all 100 doctors, 366 days", &admin, 365),
    ];
    for (label, client, days) in cases {
        let body = json!({ "from": today - Duration::days(days), "to": today });
        let (p50, p95) = timed(client, &format!("{base}/api/insight"), Some(&body)).await;
        println!("| Insight report, {label}: p50 / p95 | {p50:.1} ms / {p95:.1} ms |");
    }
    let from = today - Duration::days(365);
    let csv = format!("{base}/api/insight.csv?from={from}&to={today}");
    let (p50, p95) = timed(&admin, &csv, None).await;
    println!("| Insight CSV, all 100 doctors, 366 days: p50 / p95 | {p50:.1} ms / {p95:.1} ms |");
}

/// Times `RUNS` requests (after one warm-up), in milliseconds.
async fn timed(client: &reqwest::Client, url: &str, body: Option<&Value>) -> (f64, f64) {
    let mut times = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        let request = match body {
            Some(body) => client.post(url).json(body),
            None => client.get(url),
        };
        let reply = request.send().await.unwrap();
        assert!(reply.status().is_success(), "{url}: {}", reply.status());
        reply.bytes().await.unwrap();
        if run > 0 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    p50_p95(times)
}

async fn account(db: &Db, role: Role, email: &str) -> i64 {
    let account = NewAccount {
        name: email,
        email,
        password: PASSWORD,
        role,
        time_zone: "Europe/Berlin",
    };
    create_account(db, account).await.unwrap().id
}

/// The doctors, their hours and service, and their appointments; returns how many.
async fn populate(db: &Db) -> usize {
    account(db, Role::Admin, "insight-admin@bench.test").await;
    let patient = account(db, Role::Patient, "insight-patient@bench.test").await;
    let workday = DayHours::parse("08:00-18:00").unwrap();
    let mut week = WeeklyHours::default();
    for day in &mut week.days[..5] {
        *day = workday.clone();
    }
    let days = weekdays();
    let mut total = 0;
    for n in 0..DOCTORS {
        let doctor = account(db, Role::Doctor, &format!("insight{n}@bench.test")).await;
        scheduling::set_weekly_hours(db, doctor, &week)
            .await
            .unwrap();
        let fields = services::ServiceFields {
            name: "Visit",
            description: "",
            duration_minutes: 30,
            price: None,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            slot_step_minutes: None,
            video: false,
        };
        let service = services::insert(db, doctor, &fields, 0).await.unwrap().id;
        let rows: Vec<String> = days
            .iter()
            .flat_map(|&day| (0..VISITS_PER_DAY).map(move |slot| (day, slot)))
            .map(|(day, slot)| row(doctor, patient, service, day, slot, n))
            .collect();
        for chunk in rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO appointments (doctor_id, patient_id, service_id, starts_at, ends_at, \
                 blocked_from, blocked_until, status, notes, created_at, updated_at, local_day, \
                 local_hour) VALUES {}",
                chunk.join(", ")
            );
            db.execute(&sql).await.unwrap();
        }
        total += rows.len();
    }
    db.settle_after_bulk_load().await.unwrap();
    total
}

/// The weekdays around today: most in the past, the rest ahead.
fn weekdays() -> Vec<NaiveDate> {
    let start = Utc::now().date_naive() - Duration::days(600);
    start
        .iter_days()
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .take(WEEKDAYS as usize)
        .collect()
}

/// One appointment: a status and lead time that vary from slot to slot, past or future.
fn row(doctor: i64, patient: i64, service: i64, day: NaiveDate, slot: i64, n: usize) -> String {
    let time = NaiveTime::from_hms_opt(8, 0, 0).unwrap() + Duration::minutes(30 * slot);
    let start = resolve_local(&Berlin, day, time);
    let end = start + Duration::minutes(30);
    let local = LocalStart::of(&Berlin, start);
    let mix = (slot * 7 + day.ordinal() as i64 + n as i64) % 20;
    let status = match (start < Utc::now(), mix) {
        (true, 0..=1) => "cancelled",
        (true, 2) => "no_show",
        (true, 3) => "rejected",
        (true, _) => "completed",
        (false, 0..=2) => "cancelled",
        (false, 3..=6) => "pending",
        (false, _) => "confirmed",
    };
    let lead_days = (slot * 5 + n as i64) % 45;
    let created = (start - Duration::days(lead_days)).timestamp();
    let (s, e) = (start.timestamp(), end.timestamp());
    format!(
        "({doctor}, {patient}, {service}, {s}, {e}, {s}, {e}, '{status}', '', {created}, {created}, {}, {})",
        local.day, local.hour
    )
}
