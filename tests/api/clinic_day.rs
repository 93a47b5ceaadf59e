//! The clinic day: the agenda, check-in (and its undo), and "running late".

use crate::on_both_databases;
use crate::support::{Clinic, TestApp};
use appointments::domain::Role;
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use std::time::Duration as Wait;

on_both_databases!(
    check_in_undo_and_complete_each_write_one_audit_event,
    check_in_opens_on_the_day_and_is_the_practices_to_do,
    the_agenda_lists_one_day_in_time_order_for_whoever_may_see_it,
    running_late_reaches_patients_with_a_visit_still_to_come,
    running_late_refuses_bad_input_and_other_peoples_days,
    the_history_says_who_changed_what_when_and_why,
);

/// Moves an appointment (and its blocked range) to start `minutes` from now, as if the day
/// had come: the API only books times ahead of the doctor's notice.
async fn starts_in(app: &TestApp, id: i64, minutes: i64) {
    let start = (Utc::now() + Duration::minutes(minutes)).timestamp();
    let sql = format!(
        "UPDATE appointments SET starts_at = {start}, ends_at = {end}, blocked_from = {start}, \
         blocked_until = {end} WHERE id = {id}",
        end = start + 1800
    );
    assert_eq!(app.db.execute(&sql).await.unwrap(), 1);
}

async fn statuses_recorded(app: &TestApp, id: i64) -> Vec<String> {
    let sql =
        format!("SELECT to_status FROM appointment_events WHERE appointment_id = {id} ORDER BY id");
    let rows: Vec<(String,)> = app.db.rows(&sql).await.unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

async fn confirmed_visit_starting_soon(app: &TestApp, clinic: &Clinic, minutes: i64) -> i64 {
    let id = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    starts_in(app, id, minutes).await;
    id
}

async fn check_in_undo_and_complete_each_write_one_audit_event(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = confirmed_visit_starting_soon(app, &clinic, -5).await;

    let arrived = clinic.doctor.act(id, "check_in").await;
    assert_eq!(arrived.status, 200, "{}", arrived.body);
    assert_eq!(arrived.body["status"], "arrived");
    assert!(arrived.body["arrived_at"].is_string());
    // Someone who is here is not a no-show, and cannot be checked in twice.
    assert_eq!(clinic.doctor.act(id, "no_show").await.status, 409);
    assert_eq!(clinic.doctor.act(id, "check_in").await.status, 409);

    let undone = clinic.doctor.act(id, "undo_check_in").await;
    assert_eq!(undone.status, 200, "{}", undone.body);
    assert_eq!(undone.body["status"], "confirmed");
    assert_eq!(undone.body["arrived_at"], Value::Null);

    assert_eq!(clinic.doctor.act(id, "check_in").await.status, 200);
    let done = clinic.doctor.act(id, "complete").await;
    assert_eq!(done.body["status"], "completed");
    // Completing keeps the arrival time.
    assert!(done.body["arrived_at"].is_string());
    assert_eq!(
        statuses_recorded(app, id).await,
        [
            "pending",
            "confirmed",
            "arrived",
            "confirmed",
            "arrived",
            "completed"
        ]
    );
}

async fn check_in_opens_on_the_day_and_is_the_practices_to_do(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    // Pending requests are confirmed first.
    assert_eq!(clinic.doctor.act(id, "check_in").await.status, 409);
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    // Ten days ahead is too early to have arrived.
    let early = clinic.doctor.act(id, "check_in").await;
    assert_eq!(early.status, 409);
    assert!(early.body["detail"].as_str().unwrap().contains("12 hours"));
    starts_in(app, id, 30).await;
    // Patients do not check themselves in.
    assert_eq!(clinic.patient.act(id, "check_in").await.status, 403);
    assert_eq!(clinic.doctor.act(id, "check_in").await.status, 200);
    // The arrived visit still holds its time: nobody can be booked over it.
    assert_eq!(
        statuses_recorded(app, id).await,
        ["pending", "confirmed", "arrived"]
    );
    let taken: i64 = app
        .db
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM appointments WHERE id = {id} AND status = 'arrived'"
        ))
        .await
        .unwrap();
    assert_eq!(taken, 1);
}

fn date_of(value: &Value) -> String {
    value.as_str().unwrap()[..10].to_string()
}

async fn the_agenda_lists_one_day_in_time_order_for_whoever_may_see_it(app: &TestApp) {
    let clinic = app.clinic().await;
    let at = |n: i64| clinic.span.start() + Duration::minutes(30 * n);
    let mut ids = Vec::new();
    for n in [2, 0, 1] {
        let reply = clinic.patient.post("book", clinic.booking(at(n))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        ids.push(reply.body["id"].as_i64().unwrap());
    }
    let date = clinic.span.start().date_naive().to_string();
    let day = clinic
        .doctor
        .post("day_agenda", json!({ "date": date }))
        .await;
    assert_eq!(day.status, 200, "{}", day.body);
    let listed: Vec<i64> = day.body["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [ids[1], ids[2], ids[0]]);
    assert_eq!(day.body["date"], date);
    assert_eq!(day.body["time_zone"], "Europe/Berlin");
    let offset = day.body["utc_offset_minutes"].as_i64().unwrap();
    assert!(offset == 60 || offset == 120, "{offset}");
    // Without a date: today on the doctor's clock, which has none of these.
    let today = clinic.doctor.post("day_agenda", json!({})).await;
    assert_eq!(today.status, 200);
    assert_eq!(today.body["appointments"], json!([]));
    assert_eq!(date_of(&today.body["starts"]).len(), 10);

    // Patients have no agenda; another doctor cannot name this one; admins must.
    assert_eq!(
        clinic.patient.post("day_agenda", json!({})).await.status,
        403
    );
    app.account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let theirs = json!({ "doctor": clinic.doctor_id, "date": date });
    assert_eq!(other.post("day_agenda", theirs.clone()).await.status, 404);
    app.account(Role::Admin, "Admin", "admin@clinic.test").await;
    let admin = app.client();
    admin.login("admin@clinic.test").await;
    assert_eq!(admin.post("day_agenda", json!({})).await.status, 422);
    let seen = admin.post("day_agenda", theirs).await;
    assert_eq!(seen.body["appointments"].as_array().unwrap().len(), 3);
    let bad = clinic
        .doctor
        .post("day_agenda", json!({ "date": "10000-01-01" }))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

async fn running_late_reaches_patients_with_a_visit_still_to_come(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let mut stream = clinic.patient.live("", None).await;
    stream.until("ready", Wait::from_secs(5)).await;
    let date = clinic.span.start().date_naive().to_string();
    let set = json!({ "minutes": 20, "date": date });
    let reply = clinic.doctor.post("running_late", set).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["running_late_minutes"], 20);
    assert_eq!(reply.body["appointments"][0]["running_late_minutes"], 20);

    // The booking's own event may still be on its way (PostgreSQL's NOTIFY, under load).
    let seen = stream.until("running_late", Wait::from_secs(5)).await;
    let event = seen.last().expect("running-late event");
    assert_eq!(event.data["doctor_id"], clinic.doctor_id);
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    let listed = &mine.body.as_array().unwrap()[0];
    assert_eq!(listed["id"], id);
    assert_eq!(listed["running_late_minutes"], 20);

    // Back on time.
    let clear = json!({ "minutes": 0, "date": date });
    let reply = clinic.doctor.post("running_late", clear).await;
    assert_eq!(reply.body["running_late_minutes"], Value::Null);
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["running_late_minutes"], Value::Null);
}

async fn running_late_refuses_bad_input_and_other_peoples_days(app: &TestApp) {
    let clinic = app.clinic().await;
    let too_late = clinic
        .doctor
        .post("running_late", json!({ "minutes": 241 }))
        .await;
    assert_eq!(too_late.status, 422);
    assert_eq!(too_late.body["detail"]["field"], "minutes");
    let yesterday = (Utc::now() - Duration::days(2)).date_naive().to_string();
    let past = json!({ "minutes": 10, "date": yesterday });
    let reply = clinic.doctor.post("running_late", past).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["detail"]["field"], "date");
    let negative = json!({ "minutes": -5 });
    assert_eq!(
        clinic.doctor.post("running_late", negative).await.status,
        400
    );
    let by_patient = json!({ "minutes": 10 });
    assert_eq!(
        clinic.patient.post("running_late", by_patient).await.status,
        403
    );
    app.account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let theirs = json!({ "minutes": 10, "doctor": clinic.doctor_id });
    assert_eq!(other.post("running_late", theirs).await.status, 404);
    assert_eq!(app.count("running_late").await, 0);
}

async fn the_history_says_who_changed_what_when_and_why(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    let later = clinic.span.start() + Duration::minutes(60);
    let moved = json!({ "appointment_id": id, "starts_at": later, "reason": "Clash" });
    assert_eq!(clinic.patient.post("reschedule", moved).await.status, 200);
    let cancel = json!({ "appointment_id": id, "action": "cancel", "reason": "Feeling better" });
    assert_eq!(
        clinic
            .patient
            .post("appointment_status", cancel)
            .await
            .status,
        200
    );

    let ask = json!({ "appointment_id": id });
    let history = clinic.doctor.post("appointment_history", ask.clone()).await;
    assert_eq!(history.status, 200, "{}", history.body);
    let entries: Vec<(String, String, Value, String, String)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor_name"].as_str().unwrap().to_string(),
                e["actor_role"].as_str().unwrap().to_string(),
                e["from"].clone(),
                e["to"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let who = |name: &str, role: &str| (name.to_string(), role.to_string());
    let summary: Vec<_> = entries
        .iter()
        .map(|(name, role, from, to, reason)| {
            (who(name, role), from.clone(), to.clone(), reason.clone())
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                who("Pat", "patient"),
                Value::Null,
                "pending".into(),
                "".into()
            ),
            (
                who("Dr. Test", "doctor"),
                json!("pending"),
                "confirmed".into(),
                "".into()
            ),
            (
                who("Pat", "patient"),
                json!("confirmed"),
                "pending".into(),
                "Clash".into()
            ),
            (
                who("Pat", "patient"),
                json!("pending"),
                "cancelled".into(),
                "Feeling better".into()
            ),
        ]
    );
    let move_entry = &history.body[2];
    assert_eq!(move_entry["moved_from"], json!(clinic.span.start()));
    assert_eq!(move_entry["moved_to"], json!(later));
    // The patient sees their own; anyone else finds nothing.
    assert_eq!(
        clinic
            .patient
            .post("appointment_history", ask.clone())
            .await
            .status,
        200
    );
    let stranger = app.client();
    stranger.register("Stranger", "stranger@example.test").await;
    assert_eq!(stranger.post("appointment_history", ask).await.status, 404);
}
