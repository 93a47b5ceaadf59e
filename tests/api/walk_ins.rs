//! Walk-ins and the waiting queue: tokens, calling the next patient in, and who may do it.

use crate::on_both_databases;
use crate::support::TestApp;
use appointments::domain::Role;
use chrono::Utc;
use serde_json::{json, Value};
use std::time::Duration as Wait;

on_both_databases!(
    walk_ins_get_the_days_next_token_and_join_the_queue,
    walk_ins_refuse_bad_input_and_strangers,
    calling_next_takes_a_due_booking_first_then_the_longest_waiting,
    desks_adding_at_once_get_different_tokens,
    two_screens_calling_at_once_call_two_people,
    queue_changes_reach_the_practice_not_patients,
);

fn tokens(day: &Value) -> Vec<(i64, String, String)> {
    day["walk_ins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["token"].as_i64().unwrap(),
                w["name"].as_str().unwrap().to_string(),
                w["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn walk_ins_get_the_days_next_token_and_join_the_queue(app: &TestApp) {
    let clinic = app.clinic().await;
    let first = clinic
        .doctor
        .post(
            "walk_in",
            json!({ "name": "  Wanda Walker ", "notes": "Sore throat" }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["token"], 1);
    assert_eq!(first.body["name"], "Wanda Walker");
    assert_eq!(first.body["status"], "waiting");
    let me = clinic.patient.post("me", json!({})).await.body;
    let found = clinic
        .doctor
        .post("find_patients", json!({ "query": "PAT" }))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body[0]["id"], me["id"]);
    let second = clinic
        .doctor
        .post("walk_in", json!({ "patient_id": me["id"] }))
        .await;
    assert_eq!(second.body["token"], 2);
    assert_eq!(second.body["name"], "Pat");
    assert_eq!(second.body["patient_id"], me["id"]);

    let day = clinic.doctor.post("day_agenda", json!({})).await;
    assert_eq!(
        tokens(&day.body),
        [
            (1, "Wanda Walker".into(), "waiting".into()),
            (2, "Pat".into(), "waiting".into())
        ]
    );
}

async fn walk_ins_refuse_bad_input_and_strangers(app: &TestApp) {
    let clinic = app.clinic().await;
    let blank = clinic
        .doctor
        .post("walk_in", json!({ "name": "   " }))
        .await;
    assert_eq!(blank.status, 422);
    assert_eq!(blank.body["detail"]["field"], "name");
    let doctor_as_patient = json!({ "patient_id": clinic.doctor_id });
    let reply = clinic.doctor.post("walk_in", doctor_as_patient).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["detail"]["field"], "patient_id");
    let by_patient = clinic
        .patient
        .post("walk_in", json!({ "name": "Me" }))
        .await;
    assert_eq!(by_patient.status, 403);
    assert_eq!(
        clinic
            .patient
            .post("find_patients", json!({ "query": "pat" }))
            .await
            .status,
        403
    );
    let short = clinic
        .doctor
        .post("find_patients", json!({ "query": "p" }))
        .await;
    assert_eq!(short.status, 422);

    app.account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let theirs = json!({ "name": "Someone", "doctor": clinic.doctor_id });
    assert_eq!(other.post("walk_in", theirs).await.status, 404);
    let mine = clinic
        .doctor
        .post("walk_in", json!({ "name": "Wanda" }))
        .await;
    let id = mine.body["id"].clone();
    let call = json!({ "walk_in_id": id, "action": "call" });
    assert_eq!(other.post("walk_in_status", call).await.status, 404);
    assert_eq!(app.count("walk_ins").await, 1);
}

/// Moves an appointment to start now (as if its day had come).
async fn starts_now(app: &TestApp, id: i64) {
    let start = Utc::now().timestamp();
    let sql = format!(
        "UPDATE appointments SET starts_at = {start}, ends_at = {end}, blocked_from = {start}, \
         blocked_until = {end} WHERE id = {id}",
        end = start + 1800
    );
    app.db.execute(&sql).await.unwrap();
}

async fn calling_next_takes_a_due_booking_first_then_the_longest_waiting(app: &TestApp) {
    let clinic = app.clinic().await;
    let walker = clinic
        .doctor
        .post("walk_in", json!({ "name": "Wanda" }))
        .await;
    let walker_id = walker.body["id"].as_i64().unwrap();
    let booked = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(booked, "confirm").await.status, 200);
    starts_now(app, booked).await;
    assert_eq!(clinic.doctor.act(booked, "check_in").await.status, 200);

    // Wanda came first, but the booked patient's time has come.
    let day = clinic.doctor.post("call_next", json!({})).await;
    assert_eq!(day.status, 200, "{}", day.body);
    let visit = &day.body["appointments"][0];
    assert_eq!(visit["id"], booked);
    assert_eq!(visit["status"], "arrived");
    assert!(visit["called_at"].is_string());
    let day = clinic.doctor.post("call_next", json!({})).await;
    assert_eq!(tokens(&day.body), [(1, "Wanda".into(), "called".into())]);
    let nobody = clinic.doctor.post("call_next", json!({})).await;
    assert_eq!(nobody.status, 409);
    assert_eq!(nobody.body["detail"], "Nobody is waiting.");

    let seen = json!({ "walk_in_id": walker_id, "action": "seen" });
    let reply = clinic.doctor.post("walk_in_status", seen.clone()).await;
    assert_eq!(reply.body["status"], "seen");
    assert!(reply.body["finished_at"].is_string());
    let again = clinic.doctor.post("walk_in_status", seen).await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.body["detail"],
        "This walk-in is seen and cannot be marked seen now."
    );
    // Undoing the check-in also takes back the call.
    let undone = clinic.doctor.act(booked, "undo_check_in").await;
    assert_eq!(undone.body["called_at"], Value::Null);
}

async fn desks_adding_at_once_get_different_tokens(app: &TestApp) {
    let clinic = app.clinic().await;
    let adds = (0..10).map(|n| {
        let doctor = clinic.doctor.clone();
        async move {
            let reply = doctor
                .post("walk_in", json!({ "name": format!("Walker {n}") }))
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply.body["token"].as_i64().unwrap()
        }
    });
    let mut tokens = futures::future::join_all(adds).await;
    tokens.sort_unstable();
    assert_eq!(tokens, (1..=10).collect::<Vec<i64>>());
}

async fn queue_changes_reach_the_practice_not_patients(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut doctor = clinic.doctor.live("", None).await;
    doctor.until("ready", Wait::from_secs(5)).await;
    let mut patient = clinic.patient.live("", None).await;
    patient.until("ready", Wait::from_secs(5)).await;
    clinic
        .doctor
        .post("walk_in", json!({ "name": "Wanda" }))
        .await;
    let event = doctor.next(Wait::from_secs(2)).await.expect("queue event");
    assert_eq!(event.event, "queue");
    assert_eq!(event.data, json!({ "doctor_id": clinic.doctor_id }));
    assert!(patient.next(Wait::from_millis(300)).await.is_none());
}

async fn two_screens_calling_at_once_call_two_people(app: &TestApp) {
    let clinic = app.clinic().await;
    for name in ["First", "Second"] {
        let reply = clinic.doctor.post("walk_in", json!({ "name": name })).await;
        assert_eq!(reply.status, 200);
    }
    let calls = (0..2).map(|_| {
        let doctor = clinic.doctor.clone();
        async move { doctor.post("call_next", json!({})).await.status }
    });
    let statuses = futures::future::join_all(calls).await;
    assert_eq!(statuses, [200, 200]);
    let day = clinic.doctor.post("day_agenda", json!({})).await;
    assert_eq!(
        tokens(&day.body),
        [
            (1, "First".into(), "called".into()),
            (2, "Second".into(), "called".into())
        ]
    );
}
