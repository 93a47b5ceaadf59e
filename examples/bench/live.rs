//! Live updates: how soon a booking reaches a connected stream (in the same process, and on
//! PostgreSQL through a second process), and what idle streams cost the server in memory.

use super::{rss_kib, slot, start_server, wait_for, Setup, DOCTORS, PASSWORD};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BOOKINGS: usize = 300;
/// Slot rows (one per doctor) the live runs book, after those the throughput runs use.
const FIRST_ROW: usize = 2100;

/// Arrival times of `appointment` events on a stream, by appointment id.
type Arrivals = Arc<Mutex<HashMap<i64, Instant>>>;

/// Logs in as doctor 0 and returns the session cookie (`name=value`).
async fn doctor_cookie(base: &str) -> String {
    let reply = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .json(&json!({ "email": "doctor0@bench.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "doctor log-in");
    let cookie = reply.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

/// Reads `GET /api/live` as doctor 0 in the background, noting when each event arrives.
async fn listen(base: &str, cookie: &str) -> Arrivals {
    let arrivals: Arrivals = Arc::default();
    let mut response = reqwest::Client::new()
        .get(format!("{base}/api/live"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "live stream");
    let seen = arrivals.clone();
    tokio::spawn(async move {
        let mut text = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            let now = Instant::now();
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = text.find("\n\n") {
                let block: String = text.drain(..end + 2).collect();
                if let Some(id) = appointment_id(&block) {
                    seen.lock().unwrap().entry(id).or_insert(now);
                }
            }
        }
    });
    // Until `ready`, the stream may not be subscribed yet.
    tokio::time::sleep(Duration::from_millis(300)).await;
    arrivals
}

fn appointment_id(block: &str) -> Option<i64> {
    let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    value["appointment_id"].as_i64()
}

/// Books one time after another through `book_base` and reports how long each took to
/// reach the stream on `stream_base`, from the booking's request and from its reply.
/// One process: bookings and stream on the same server.
pub async fn one_process(base: &str, patient: &reqwest::Client, setup: &Setup) {
    latency("one process", base, base, patient, setup, FIRST_ROW).await;
}

async fn latency(
    label: &str,
    book_base: &str,
    stream_base: &str,
    patient: &reqwest::Client,
    setup: &Setup,
    first_row: usize,
) {
    let arrivals = listen(stream_base, &doctor_cookie(stream_base).await).await;
    let (mut from_request, mut from_reply) = (Vec::new(), Vec::new());
    for n in 0..BOOKINGS {
        // Every row's first slot is doctor 0's, whose stream this is.
        let (doctor, at) = slot(setup, (first_row + n) * DOCTORS);
        let sent = Instant::now();
        let reply = patient
            .post(format!("{book_base}/api/book"))
            .json(&json!({ "doctor_id": doctor.0, "service_id": doctor.1, "starts_at": at, "notes": "" }))
            .send()
            .await
            .unwrap();
        assert!(
            reply.status().is_success(),
            "booking {n}: {}",
            reply.status()
        );
        let body: serde_json::Value = reply.json().await.unwrap();
        let replied = Instant::now();
        let id = body["id"].as_i64().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let arrived = loop {
            if let Some(at) = arrivals.lock().unwrap().get(&id).copied() {
                break at;
            }
            assert!(
                Instant::now() < deadline,
                "booking {id} never reached the stream"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        from_request.push(arrived.duration_since(sent).as_secs_f64() * 1000.0);
        from_reply.push(arrived.saturating_duration_since(replied).as_secs_f64() * 1000.0);
    }
    let (request, reply) = (percentiles(from_request), percentiles(from_reply));
    println!("| live: booking to event on a stream, {label} ({BOOKINGS} bookings) | from the request p50 {:.2} ms, p99 {:.2} ms; after the reply p50 {:.2} ms, p99 {:.2} ms |", request.0, request.1, reply.0, reply.1);
}

fn percentiles(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    (at(50), at(99))
}

/// The same measure across two processes: bookings through this one, the stream on a
/// second server process on the same database.
pub async fn across_processes(
    binary: &str,
    url: &str,
    book_base: &str,
    patient: &reqwest::Client,
    setup: &Setup,
) {
    let port = 3700 + (std::process::id() % 500) as u16;
    let mut other = start_server(binary, url, port);
    let other_base = format!("http://127.0.0.1:{port}");
    wait_for(&other_base).await;
    latency(
        "two processes",
        book_base,
        &other_base,
        patient,
        setup,
        FIRST_ROW + BOOKINGS,
    )
    .await;
    let _ = other.kill();
    let _ = other.wait();
}

/// Opens `count` idle streams (plain TCP, as many browsers would) and reports the server's
/// RSS at 1,000 and at `count` open streams. The streams stay open until they are dropped.
pub async fn idle_streams(base: &str, pid: u32, count: usize) {
    let cookie = doctor_cookie(base).await;
    let addr = base.trim_start_matches("http://").to_string();
    let request = format!("GET /api/live HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n");
    let before = rss_kib(pid);
    let mut open = Vec::with_capacity(count);
    let started = Instant::now();
    for n in 1..=count {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut first = [0u8; 512];
        let read = stream.read(&mut first).await.unwrap();
        assert!(
            first[..read].starts_with(b"HTTP/1.1 200"),
            "stream {n} refused"
        );
        open.push(stream);
        if n == 1000 || n == count {
            tokio::time::sleep(Duration::from_secs(2)).await;
            println!(
                "| live: {n} idle streams open | server RSS {} MiB ({} MiB before), opened in {:.1} s |",
                rss_kib(pid) / 1024,
                before / 1024,
                started.elapsed().as_secs_f64()
            );
        }
    }
    drop(open);
}
