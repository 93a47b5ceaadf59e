//! Front-desk staff: an admin attaches them to doctors; they work those doctors' days and
//! nothing else (404 elsewhere, as if it did not exist), on every endpoint and stream.

use crate::on_both_databases;
use crate::support::{Client, TestApp};
use appointments::domain::Role;
use chrono::Duration;
use serde_json::{json, Value};
use std::time::Duration as Wait;

on_both_databases!(
    staff_work_their_doctors_days_and_nothing_else,
    staff_streams_carry_only_their_doctors_changes,
    only_admins_attach_staff_and_only_to_doctors,
);

/// An admin client, and a staff account attached by that admin to `doctors`.
async fn front_desk(app: &TestApp, doctors: &[i64]) -> (Client, Client, i64) {
    app.account(Role::Admin, "Admin", "admin@clinic.test").await;
    let admin = app.client();
    admin.login("admin@clinic.test").await;
    let created = admin
        .post(
            "admin/create_user",
            json!({ "role": "staff", "name": "Desk", "email": "desk@clinic.test",
                    "password": crate::support::PASSWORD, "time_zone": "Europe/Berlin" }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let staff_id = created.body["id"].as_i64().unwrap();
    let attached = admin
        .post(
            "admin/set_staff_doctors",
            json!({ "staff_id": staff_id, "doctor_ids": doctors }),
        )
        .await;
    assert_eq!(attached.status, 200, "{}", attached.body);
    let desk = app.client();
    desk.login("desk@clinic.test").await;
    (admin, desk, staff_id)
}

/// A second doctor with a service and hours, and a booking with them by `patient`.
async fn other_doctors_booking(app: &TestApp, patient: &Client) -> (i64, i64) {
    let doctor = app
        .account(Role::Doctor, "Dr. Elsewhere", "else@clinic.test")
        .await;
    let service = app.service(doctor, "Other visit", 30).await;
    let span = app.availability(doctor, 2).await;
    let body = json!({ "doctor_id": doctor, "service_id": service,
                       "starts_at": span.start(), "notes": "" });
    let reply = patient.post("book", body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    (doctor, reply.body["id"].as_i64().unwrap())
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

async fn staff_work_their_doctors_days_and_nothing_else(app: &TestApp) {
    let clinic = app.clinic().await;
    let mine = clinic.book_first().await;
    let (other_doctor, theirs) = other_doctors_booking(app, &clinic.patient).await;
    let (_, desk, _) = front_desk(app, &[clinic.doctor_id]).await;

    let desks = desk.post("desk_doctors", json!({})).await;
    assert_eq!(ids(&desks.body), [clinic.doctor_id]);
    let date = clinic.span.start().date_naive().to_string();
    // One doctor: the day is theirs without naming them.
    let day = desk.post("day_agenda", json!({ "date": date })).await;
    assert_eq!(day.status, 200, "{}", day.body);
    assert_eq!(day.body["doctor_id"], clinic.doctor_id);
    assert_eq!(ids(&day.body["appointments"]), [mine]);
    let elsewhere = json!({ "doctor": other_doctor, "date": date });
    assert_eq!(desk.post("day_agenda", elsewhere).await.status, 404);

    // The day's work: confirm, check in, undo, no-show; completing is the doctor's.
    assert_eq!(desk.act(mine, "confirm").await.status, 200);
    let at = clinic.span.start() + Duration::minutes(30);
    let moved = desk.reschedule(mine, at).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(desk.act(mine, "complete").await.status, 403);
    assert_eq!(desk.act(mine, "cancel").await.status, 200);
    let late = json!({ "minutes": 10, "date": date });
    assert_eq!(desk.post("running_late", late).await.status, 200);

    // Another doctor's appointment and day do not exist for this desk.
    assert_eq!(desk.act(theirs, "confirm").await.status, 404);
    assert_eq!(desk.reschedule(theirs, at).await.status, 404);
    let free = json!({ "doctor_id": other_doctor, "service_id": 0, "from": clinic.span.start(),
                       "to": clinic.span.end(), "reschedule": theirs });
    assert_eq!(desk.post("free_times", free).await.status, 404);
    let late_elsewhere = json!({ "minutes": 10, "doctor": other_doctor });
    assert_eq!(desk.post("running_late", late_elsewhere).await.status, 404);
    // Doctor-only pages stay the doctor's.
    let dashboard = desk.post("doctor/dashboard", json!({ "filter": {} })).await;
    assert_eq!(dashboard.status, 403);
}

async fn staff_streams_carry_only_their_doctors_changes(app: &TestApp) {
    let clinic = app.clinic().await;
    let (_, desk, _) = front_desk(app, &[clinic.doctor_id]).await;
    let mut stream = desk.live("", None).await;
    stream.until("ready", Wait::from_secs(5)).await;
    let (_, theirs) = other_doctors_booking(app, &clinic.patient).await;
    let mine = clinic.book_first().await;
    let event = stream.next_change(Wait::from_secs(5)).await.expect("event");
    assert_eq!(event.data["appointment_id"], mine);
    let mut replay = desk.live("", Some(0)).await;
    let opening = replay.until("ready", Wait::from_secs(5)).await;
    let seen: Vec<i64> = opening
        .iter()
        .filter(|e| e.event == "appointment")
        .map(|e| e.data["appointment_id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, [mine], "not {theirs}");
}

async fn only_admins_attach_staff_and_only_to_doctors(app: &TestApp) {
    let clinic = app.clinic().await;
    let (admin, desk, staff_id) = front_desk(app, &[clinic.doctor_id]).await;
    let patient_id = clinic.patient.post("me", json!({})).await.body["id"].clone();

    let set = |staff: Value, doctors: Value| json!({ "staff_id": staff, "doctor_ids": doctors });
    let not_staff = admin
        .post(
            "admin/set_staff_doctors",
            set(patient_id.clone(), json!([])),
        )
        .await;
    assert_eq!(not_staff.status, 404);
    let not_doctor = admin
        .post(
            "admin/set_staff_doctors",
            set(json!(staff_id), json!([patient_id])),
        )
        .await;
    assert_eq!(not_doctor.status, 422);
    assert_eq!(not_doctor.body["detail"]["field"], "doctor_ids");
    let by_doctor = clinic
        .doctor
        .post("admin/set_staff_doctors", set(json!(staff_id), json!([])))
        .await;
    assert_eq!(by_doctor.status, 403);
    // Refused changes left the desk as it was.
    assert_eq!(desk.post("day_agenda", json!({})).await.status, 200);

    // Detached from every doctor: nothing to work on.
    let none = admin
        .post("admin/set_staff_doctors", set(json!(staff_id), json!([])))
        .await;
    assert_eq!(none.body, json!([]));
    assert_eq!(desk.post("desk_doctors", json!({})).await.body, json!([]));
    // No doctor, no patients to look up.
    let search = desk.post("find_patients", json!({ "query": "pat" })).await;
    assert_eq!(search.status, 403);
    let day = desk.post("day_agenda", json!({})).await;
    assert_eq!(day.status, 422);
    assert_eq!(day.body["detail"]["field"], "doctor");
    assert_eq!(app.count("staff_doctors").await, 0);
}

/// The demo data: a front desk for both doctors, and a day in progress for Dr. Lindqvist.
#[tokio::test]
async fn the_demo_clinic_has_a_front_desk_and_a_day_in_progress() {
    let app = TestApp::start(crate::support::Engine::Sqlite).await;
    assert!(appointments::server::seed::seed_if_empty(&app.db)
        .await
        .unwrap());
    let desk = app.client();
    let reply = desk
        .post(
            "login",
            json!({ "email": "desk@clinic.test", "password": "desk-dana-1" }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let desks = desk.post("desk_doctors", json!({})).await;
    assert_eq!(desks.body.as_array().unwrap().len(), 2);
    let ada = desks
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Dr. Ada Lindqvist");
    let day = desk
        .post("day_agenda", json!({ "doctor": ada.unwrap()["id"] }))
        .await;
    let statuses: Vec<&str> = day.body["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "confirmed", "arrived", "pending"]);
    let history = desk
        .post(
            "appointment_history",
            json!({ "appointment_id": day.body["appointments"][0]["id"] }),
        )
        .await;
    assert_eq!(history.body.as_array().unwrap().len(), 4);

    // Four weeks of history (20 weekdays, 5 visits each) for Insight to show.
    let ada = app.client();
    let reply = ada
        .post(
            "login",
            json!({ "email": "ada@clinic.test", "password": "doctor-ada-1" }),
        )
        .await;
    assert_eq!(reply.status, 200);
    let today =
        chrono::NaiveDate::parse_from_str(day.body["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let range = json!({ "from": today - chrono::Duration::days(28),
                        "to": today - chrono::Duration::days(1) });
    let report = ada.post("insight", range.clone()).await.body;
    let totals = &report["totals"];
    assert_eq!(totals["booked"], 100, "{report}");
    assert!(totals["completed"].as_i64() > totals["cancelled"].as_i64());
    assert!(totals["no_show"].as_i64().unwrap() > 0);
    assert!(report["rates"]["utilisation"].as_f64().unwrap() > 0.0);

    // The practice-wide report (hours read for all doctors at once) agrees with Ada's own.
    let admin = app.client();
    let reply = admin
        .post(
            "login",
            json!({ "email": "admin@clinic.test", "password": "admin-alex-1" }),
        )
        .await;
    assert_eq!(reply.status, 200);
    let all = admin.post("insight", range).await.body;
    let ada = &all["doctors"][0];
    assert_eq!(ada["doctor_name"], "Dr. Ada Lindqvist");
    assert_eq!(ada["working_minutes"], report["working_minutes"]);
    assert_eq!(ada["tally"], report["totals"]);
    // Ben works in New York: while his date is a day behind Berlin's (from midnight in
    // Berlin to midnight in New York), one of his weekdays falls outside Berlin's range.
    let per_doctor: i64 = all["doctors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["tally"]["booked"].as_i64().unwrap())
        .sum();
    assert_eq!(all["totals"]["booked"].as_i64(), Some(per_doctor));
    assert!([195, 200].contains(&per_doctor), "{per_doctor}");
    app.finish().await;
}
