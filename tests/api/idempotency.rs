//! `Idempotency-Key`: a change sent again (a retry, a double tap, an offline tablet's replay)
//! is applied once and answered with the first answer, also when the copies race; a key is
//! the user's own and belongs to one request.

use crate::on_both_databases;
use crate::support::{Client, Reply, TestApp};
use serde_json::{json, Value};

on_both_databases!(
    a_booking_sent_twice_is_booked_once_with_one_answer,
    twenty_copies_at_once_book_once_and_agree,
    a_status_change_sent_again_or_twenty_times_at_once_applies_once,
    a_key_reused_for_another_request_is_refused_and_changes_nothing,
    keys_belong_to_their_user,
    walk_ins_and_running_late_are_applied_once_per_key,
    offline_changes_are_audited_with_the_devices_time,
    malformed_keys_and_times_are_refused_before_anything_runs,
);

async fn send(client: &Client, endpoint: &str, body: Value, key: &str) -> Reply {
    let headers = [("Idempotency-Key", key)];
    client.post_with(endpoint, body, &headers).await
}

async fn history(client: &Client, appointment_id: i64) -> Vec<Value> {
    let ask = json!({ "appointment_id": appointment_id });
    let reply = client.post("appointment_history", ask).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body.as_array().unwrap().clone()
}

async fn a_booking_sent_twice_is_booked_once_with_one_answer(app: &TestApp) {
    let clinic = app.clinic().await;
    let booking = clinic.booking(clinic.span.start());
    let first = send(&clinic.patient, "book", booking.clone(), "book-1").await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = send(&clinic.patient, "book", booking.clone(), "book-1").await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(app.count("appointments").await, 1);
    // Without the key the same request is a new booking of a taken time.
    let plain = clinic.patient.post("book", booking).await;
    assert_eq!(plain.status, 409, "{}", plain.body);
    assert_eq!(app.count("idempotency_keys").await, 1);
}

async fn twenty_copies_at_once_book_once_and_agree(app: &TestApp) {
    let clinic = app.clinic().await;
    let booking = clinic.booking(clinic.span.start());
    let copies = (0..20).map(|_| send(&clinic.patient, "book", booking.clone(), "race-1"));
    let replies = futures::future::join_all(copies).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, replies[0].body);
    }
    assert_eq!(app.count("appointments").await, 1);
    let id = replies[0].body["id"].as_i64().unwrap();
    assert_eq!(history(&clinic.doctor, id).await.len(), 1);
}

async fn a_status_change_sent_again_or_twenty_times_at_once_applies_once(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let confirm = json!({ "appointment_id": id, "action": "confirm" });
    let copies =
        (0..20).map(|_| send(&clinic.doctor, "appointment_status", confirm.clone(), "c-1"));
    let replies = futures::future::join_all(copies).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, replies[0].body);
    }
    assert_eq!(replies[0].body["status"], "confirmed");
    // Sent again later: the first answer, and still one change in the audit trail.
    let later = send(&clinic.doctor, "appointment_status", confirm.clone(), "c-1").await;
    assert_eq!(later.body, replies[0].body);
    assert_eq!(history(&clinic.doctor, id).await.len(), 2);
    // A new key is a new request: confirming twice is a conflict.
    let fresh = send(&clinic.doctor, "appointment_status", confirm, "c-2").await;
    assert_eq!(fresh.status, 409, "{}", fresh.body);
    assert_eq!(history(&clinic.doctor, id).await.len(), 2);
}

async fn a_key_reused_for_another_request_is_refused_and_changes_nothing(app: &TestApp) {
    let clinic = app.clinic().await;
    let first = clinic.booking(clinic.span.start());
    let reply = send(&clinic.patient, "book", first, "k").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let id = reply.body["id"].as_i64().unwrap();
    let later = clinic.span.start() + chrono::Duration::hours(1);
    let other = send(&clinic.patient, "book", clinic.booking(later), "k").await;
    assert_eq!(other.status, 422, "{}", other.body);
    assert_eq!(other.body["detail"]["field"], "idempotency_key");
    // Another endpoint with the same key is another request too.
    let cancel = json!({ "appointment_id": id, "action": "cancel" });
    let moved = send(&clinic.patient, "appointment_status", cancel, "k").await;
    assert_eq!(moved.status, 422, "{}", moved.body);
    assert_eq!(app.count("appointments").await, 1);
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["status"], "pending");
}

async fn keys_belong_to_their_user(app: &TestApp) {
    let clinic = app.clinic().await;
    let other = app.client();
    other.register("Quinn", "quinn@example.test").await;
    let start = clinic.span.start();
    let mine = send(&clinic.patient, "book", clinic.booking(start), "same").await;
    let later = start + chrono::Duration::hours(1);
    let theirs = send(&other, "book", clinic.booking(later), "same").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert_ne!(mine.body["id"], theirs.body["id"]);
    assert_eq!(theirs.body["patient_name"], "Quinn");
    assert_eq!(app.count("appointments").await, 2);
    assert_eq!(app.count("idempotency_keys").await, 2);
}

async fn walk_ins_and_running_late_are_applied_once_per_key(app: &TestApp) {
    let clinic = app.clinic().await;
    let walk_in = json!({ "name": "Wanda Walker" });
    let first = send(&clinic.doctor, "walk_in", walk_in.clone(), "w-1").await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = send(&clinic.doctor, "walk_in", walk_in.clone(), "w-1").await;
    assert_eq!(again.body, first.body);
    assert_eq!(app.count("walk_ins").await, 1);
    let second = send(&clinic.doctor, "walk_in", walk_in, "w-2").await;
    assert_eq!(second.body["token"], 2);

    let id = first.body["id"].as_i64().unwrap();
    let call = json!({ "walk_in_id": id, "action": "call" });
    let called = send(&clinic.doctor, "walk_in_status", call.clone(), "w-3").await;
    assert_eq!(called.body["status"], "called");
    let replay = send(&clinic.doctor, "walk_in_status", call, "w-3").await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body, called.body);

    // Running late answers with the day as it stands; a copy changes nothing more.
    let date = clinic.span.start().date_naive().to_string();
    let late = json!({ "minutes": 20, "date": date });
    let set = send(&clinic.doctor, "running_late", late.clone(), "r-1").await;
    assert_eq!(set.body["running_late_minutes"], 20);
    let on_time = json!({ "minutes": 0, "date": date });
    clinic.doctor.post("running_late", on_time).await;
    let replay = send(&clinic.doctor, "running_late", late, "r-1").await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["running_late_minutes"], Value::Null);
}

async fn offline_changes_are_audited_with_the_devices_time(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let confirm = json!({ "appointment_id": id, "action": "confirm" });
    let headers = [
        ("Idempotency-Key", "offline-1"),
        ("X-Made-Offline-At", "2026-11-27T10:41:00+01:00"),
    ];
    let reply = clinic
        .doctor
        .post_with("appointment_status", confirm, &headers)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let trail = history(&clinic.doctor, id).await;
    assert_eq!(trail[0]["made_offline_at"], Value::Null);
    assert_eq!(trail[1]["made_offline_at"], "2026-11-27T09:41:00Z");
    assert_eq!(trail[1]["actor_name"], "Dr. Test");
    assert_eq!(trail[1]["to"], "confirmed");
}

async fn malformed_keys_and_times_are_refused_before_anything_runs(app: &TestApp) {
    let clinic = app.clinic().await;
    let booking = clinic.booking(clinic.span.start());
    let long = "k".repeat(256);
    for key in ["has space", long.as_str(), "naïve"] {
        let reply = clinic
            .patient
            .post_with("book", booking.clone(), &[("Idempotency-Key", key)])
            .await;
        assert_eq!(reply.status, 400, "{key}: {}", reply.body);
        assert_eq!(reply.error_kind(), "bad_request");
    }
    let headers = [("Idempotency-Key", "ok"), ("X-Made-Offline-At", "10:41")];
    let reply = clinic.patient.post_with("book", booking, &headers).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(app.count("appointments").await, 0);
    assert_eq!(app.count("idempotency_keys").await, 0);
}
