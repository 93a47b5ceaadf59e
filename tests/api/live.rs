//! Live updates: every change reaches the streams allowed to see it, within a second, across
//! app processes, and a stream that reconnects gets exactly what it missed.

use crate::on_both_databases;
use crate::sse::SseEvent;
use crate::support::{Clinic, Engine, TestApp};
use chrono::Duration;
use serde_json::json;
use std::time::{Duration as Wait, Instant};

on_both_databases!(
    a_booking_reaches_the_doctors_stream_within_a_second,
    a_reconnecting_stream_gets_exactly_what_it_missed,
    a_patients_stream_carries_only_their_own_appointments,
    the_public_calendar_stream_says_only_which_doctor_changed,
    streams_need_a_user_or_an_existing_doctor,
    an_id_from_beyond_the_feed_gets_a_resync_and_then_every_change,
    a_change_through_one_process_reaches_a_stream_on_another,
    a_dropped_database_listener_is_caught_up_from_the_audit_trail,
);

const SECOND: Wait = Wait::from_secs(1);
const A_WHILE: Wait = Wait::from_secs(5);

impl Clinic {
    /// The patient books the `n`th half hour of the span.
    async fn book_nth(&self, n: i64) -> i64 {
        let at = self.span.start() + Duration::minutes(30 * n);
        let reply = self.patient.post("book", self.booking(at)).await;
        assert_eq!(reply.status, 200, "book: {}", reply.body);
        reply.body["id"].as_i64().unwrap()
    }
}

fn appointment_of(event: &SseEvent) -> i64 {
    event.data["appointment_id"].as_i64().unwrap()
}

async fn a_booking_reaches_the_doctors_stream_within_a_second(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut stream = clinic.doctor.live("", None).await;
    stream.until("ready", A_WHILE).await;
    let booked_at = Instant::now();
    let id = clinic.book_first().await;
    let event = stream
        .next_change(SECOND)
        .await
        .expect("no event within a second");
    assert!(booked_at.elapsed() < SECOND);
    assert_eq!(event.event, "appointment");
    assert_eq!(appointment_of(&event), id);
    assert_eq!(event.data["status"], "pending");
    assert_eq!(event.data["doctor_id"], clinic.doctor_id);
    // The doctor confirms: one more event, with the new status.
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    let event = stream
        .next_change(SECOND)
        .await
        .expect("confirmation event");
    assert_eq!(event.data["status"], "confirmed");
}

async fn a_reconnecting_stream_gets_exactly_what_it_missed(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut stream = clinic.doctor.live("", None).await;
    stream.until("ready", A_WHILE).await;
    let first = clinic.book_nth(0).await;
    let seen = stream.next_change(A_WHILE).await.expect("first event");
    assert_eq!(appointment_of(&seen), first);
    drop(stream);

    // While the screen is away: two bookings and a confirmation.
    let second = clinic.book_nth(1).await;
    let third = clinic.book_nth(2).await;
    assert_eq!(clinic.doctor.act(second, "confirm").await.status, 200);

    let mut stream = clinic.doctor.live("", seen.id).await;
    let opening = stream.until("ready", A_WHILE).await;
    let missed: Vec<(i64, String)> = opening
        .iter()
        .filter(|e| e.event == "appointment")
        .map(|e| {
            (
                appointment_of(e),
                e.data["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        missed,
        [
            (second, "pending".to_string()),
            (third, "pending".to_string()),
            (second, "confirmed".to_string())
        ]
    );
    let ids: Vec<i64> = opening.iter().filter_map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    assert!(ids[0] > seen.id.unwrap());
    // And nothing twice afterwards: the next event is the next change.
    let fourth = clinic.book_nth(3).await;
    let next = stream.next_change(A_WHILE).await.expect("live again");
    assert_eq!(appointment_of(&next), fourth);
}

async fn a_patients_stream_carries_only_their_own_appointments(app: &TestApp) {
    let clinic = app.clinic().await;
    let other = app.client();
    other.register("Other", "other@example.test").await;
    let mut mine = clinic.patient.live("", None).await;
    mine.until("ready", A_WHILE).await;
    let mut theirs = other.live("", None).await;
    theirs.until("ready", A_WHILE).await;

    let at = clinic.span.start() + Duration::minutes(60);
    let reply = other.post("book", clinic.booking(at)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let their_id = reply.body["id"].as_i64().unwrap();
    let my_id = clinic.book_first().await;

    let event = mine.next_change(A_WHILE).await.expect("own event");
    assert_eq!(appointment_of(&event), my_id);
    let event = theirs.next_change(A_WHILE).await.expect("their event");
    assert_eq!(appointment_of(&event), their_id);
    // Catching up from the beginning shows the same: only one's own appointments.
    let mut replay = clinic.patient.live("", Some(0)).await;
    let opening = replay.until("ready", A_WHILE).await;
    let ids: Vec<i64> = opening
        .iter()
        .filter(|e| e.event == "appointment")
        .map(appointment_of)
        .collect();
    assert_eq!(ids, [my_id]);
    assert!(mine.next_change(Wait::from_millis(300)).await.is_none());
}

async fn the_public_calendar_stream_says_only_which_doctor_changed(app: &TestApp) {
    let clinic = app.clinic().await;
    let anyone = app.client();
    let query = format!("?doctor={}", clinic.doctor_id);
    let mut stream = anyone.live(&query, None).await;
    stream.until("ready", A_WHILE).await;
    clinic.book_first().await;
    let event = stream.next_change(A_WHILE).await.expect("times event");
    assert_eq!(event.event, "times");
    assert_eq!(event.data, json!({ "doctor_id": clinic.doctor_id }));
}

async fn streams_need_a_user_or_an_existing_doctor(app: &TestApp) {
    let clinic = app.clinic().await;
    let anyone = app.client();
    assert_eq!(anyone.try_live("", None).await.status(), 401);
    assert_eq!(anyone.try_live("?doctor=999999", None).await.status(), 404);
    let patient_id = clinic.patient.post("me", json!({})).await.body["id"].clone();
    let not_a_doctor = format!("?doctor={patient_id}");
    assert_eq!(anyone.try_live(&not_a_doctor, None).await.status(), 404);
    assert_eq!(anyone.try_live("?doctor=abc", None).await.status(), 400);
}

async fn a_change_through_one_process_reaches_a_stream_on_another(app: &TestApp) {
    let clinic = app.clinic().await;
    let other_process = app.second_process().await;
    let mut stream = clinic.doctor.on(&other_process).live("", None).await;
    stream.until("ready", A_WHILE).await;
    let booked_at = Instant::now();
    let id = clinic.book_first().await;
    // PostgreSQL carries it by NOTIFY; SQLite is one process by design, and a second one
    // only finds the change when it next reads the audit trail (every few seconds).
    let wait = match app.engine() {
        Engine::Postgres => SECOND,
        Engine::Sqlite => Wait::from_secs(7),
    };
    let event = stream
        .next_change(wait)
        .await
        .expect("event from the other process");
    assert_eq!(appointment_of(&event), id);
    if app.engine() == Engine::Postgres {
        assert!(booked_at.elapsed() < SECOND, "{:?}", booked_at.elapsed());
    }
}

/// The database connection a process listens on is killed: whatever was committed meanwhile
/// still reaches the streams (read back from the audit trail), and they are told to resync.
async fn a_dropped_database_listener_is_caught_up_from_the_audit_trail(app: &TestApp) {
    if app.engine() != Engine::Postgres {
        return; // SQLite has no listener connection.
    }
    let clinic = app.clinic().await;
    let other_process = app.second_process().await;
    let mut stream = clinic.doctor.on(&other_process).live("", None).await;
    stream.until("ready", A_WHILE).await;
    let killed = app
        .db
        .scalar_i64(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();
    assert!(killed >= 1, "no listener connection found");
    let id = clinic.book_first().await;
    let mut seen = Vec::new();
    while let Some(event) = stream.next(Wait::from_secs(8)).await {
        let done = event.event == "appointment";
        seen.push(event);
        if done {
            break;
        }
    }
    let booked = seen.iter().find(|e| e.event == "appointment");
    assert_eq!(booked.map(appointment_of), Some(id), "saw {seen:?}");
}

/// A browser that saw ids of another database (restored, re-seeded) is told to start over,
/// and then hears every change rather than waiting for the ids to catch up.
async fn an_id_from_beyond_the_feed_gets_a_resync_and_then_every_change(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut stream = clinic.doctor.live("", Some(1_000_000)).await;
    let opening = stream.until("ready", A_WHILE).await;
    let names: Vec<&str> = opening.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["resync", "ready"]);
    let id = clinic.book_first().await;
    let event = stream.next_change(A_WHILE).await.expect("the next change");
    assert_eq!(appointment_of(&event), id);
}
