use crate::on_both_databases;
use crate::support::{future_day_at, TestApp};
use appointments::domain::Role;
use chrono::{Duration, Utc};
use serde_json::json;

async fn book_confirm_and_see_it_confirmed(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = clinic.span.start();
    let booked = clinic.patient.post("book", clinic.booking(start)).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body["status"], "pending");
    let id = booked.body["id"].as_i64().unwrap();

    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["status"], "pending");

    let confirmed = clinic.doctor.act(id, "confirm").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "confirmed");

    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["status"], "confirmed");
    assert_eq!(mine.body[0]["doctor_name"], "Dr. Test");
    // Both changes are in the audit trail.
    assert_eq!(app.count("appointment_events").await, 2);
}

async fn fifty_patients_racing_for_one_time_get_one_booking(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut patients = Vec::new();
    for n in 0..50 {
        let client = app.client();
        let email = format!("racer{n}@example.test");
        app.account(Role::Patient, "Racer", &email).await;
        client.login(&email).await;
        patients.push(client);
    }
    let body = clinic.booking(clinic.span.start() + Duration::minutes(30));
    let attempts = patients.iter().map(|p| p.post("book", body.clone()));
    let replies = futures::future::join_all(attempts).await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let conflicts = replies
        .iter()
        .filter(|r| r.status == 409 && r.error_kind() == "conflict")
        .count();
    assert_eq!(
        (ok, conflicts),
        (1, 49),
        "statuses: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(replies.iter().any(|r| r.body["detail"]
        .as_str()
        .is_some_and(|d| d.contains("just taken"))));
    assert_eq!(app.count("appointments").await, 1);
}

async fn overlapping_bookings_of_different_lengths_conflict(app: &TestApp) {
    let clinic = app.clinic().await;
    let long = app.service(clinic.doctor_id, "Long visit", 60).await;
    let start = clinic.span.start();
    let first = clinic
        .patient
        .post("book", clinic.booking(start + Duration::minutes(30)))
        .await;
    assert_eq!(first.status, 200);
    let other = app.client();
    other.register("Other", "other@example.test").await;
    let body = json!({ "doctor_id": clinic.doctor_id, "service_id": long, "starts_at": start, "notes": "" });
    let second = other.post("book", body).await;
    assert_eq!(second.status, 409, "{}", second.body);
}

async fn cancelling_frees_the_time(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = clinic.span.start();
    let first = clinic.patient.post("book", clinic.booking(start)).await;
    let id = first.body["id"].as_i64().unwrap();
    let other = app.client();
    other.register("Other", "other@example.test").await;
    assert_eq!(other.post("book", clinic.booking(start)).await.status, 409);

    let cancelled = clinic.patient.act(id, "cancel").await;
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(other.post("book", clinic.booking(start)).await.status, 200);
}

async fn rejecting_frees_the_time_and_final_states_stay_final(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = clinic.span.start();
    let id = clinic
        .patient
        .post("book", clinic.booking(start))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let rejected = clinic.doctor.act(id, "reject").await;
    assert_eq!(rejected.body["status"], "rejected");
    let again = clinic.doctor.act(id, "confirm").await;
    assert_eq!(again.status, 409);
    assert!(again.body["detail"].as_str().unwrap().contains("rejected"));
    assert_eq!(
        clinic
            .patient
            .post("book", clinic.booking(start))
            .await
            .status,
        200
    );
}

async fn free_times_leave_out_booked_and_past_times(app: &TestApp) {
    let clinic = app.clinic().await;
    let window = json!({
        "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
        "from": clinic.span.start() - Duration::hours(2), "to": clinic.span.end() + Duration::hours(2)
    });
    let before = clinic.patient.post("free_times", window.clone()).await;
    assert_eq!(before.body.as_array().unwrap().len(), 6, "{}", before.body);
    clinic
        .patient
        .post(
            "book",
            clinic.booking(clinic.span.start() + Duration::minutes(60)),
        )
        .await;
    let after = clinic.patient.post("free_times", window).await;
    let starts: Vec<_> = after
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(starts.len(), 5);
    assert!(!starts.iter().any(|s| s.contains("10:00:00")), "{starts:?}");
    // Dates beyond the calendar are refused, not a server error.
    let far = json!({ "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
        "from": "+262142-12-30T00:00:00Z", "to": "+262142-12-31T00:00:00Z" });
    let reply = clinic.patient.post("free_times", far).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
}

async fn bad_bookings_are_refused_and_write_nothing(app: &TestApp) {
    let clinic = app.clinic().await;
    let other_doctor = app
        .account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let foreign_service = app.service(other_doctor, "Foreign", 30).await;
    let inactive = app.service(clinic.doctor_id, "Retired", 30).await;
    clinic
        .doctor
        .post(
            "doctor/service_active",
            json!({ "service_id": inactive, "active": false }),
        )
        .await;
    let start = clinic.span.start();
    let body = |service_id: i64, starts_at: chrono::DateTime<Utc>| json!({ "doctor_id": clinic.doctor_id, "service_id": service_id, "starts_at": starts_at, "notes": "" });
    let cases = [
        (
            "a past time",
            body(clinic.service_id, Utc::now() - Duration::hours(1)),
            422,
            "passed",
        ),
        (
            "an unknown service",
            body(999_999, start),
            422,
            "does not exist",
        ),
        (
            "another doctor's service",
            body(foreign_service, start),
            422,
            "not offered by this doctor",
        ),
        (
            "an inactive service",
            body(inactive, start),
            422,
            "no longer offered",
        ),
        (
            "a time outside availability",
            body(clinic.service_id, clinic.span.end()),
            422,
            "does not offer that time",
        ),
        (
            "a time running past availability",
            body(clinic.service_id, clinic.span.end() - Duration::minutes(15)),
            422,
            "does not offer that time",
        ),
        (
            "a time off the offered grid",
            body(clinic.service_id, start + Duration::minutes(10)),
            422,
            "Choose one of the offered times",
        ),
        (
            "a time beyond the calendar",
            json!({ "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
                    "starts_at": "+262142-12-31T23:59:00Z", "notes": "" }),
            422,
            "out of range",
        ),
    ];
    for (what, request, status, message) in cases {
        let reply = clinic.patient.post("book", request).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        let detail = reply.body["detail"]["message"].as_str().unwrap_or_default();
        assert!(detail.contains(message), "{what}: {}", reply.body);
    }
    let malformed = clinic
        .patient
        .post("book", json!({ "doctor_id": "x" }))
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert_eq!(app.count("appointments").await, 0);
    assert_eq!(app.count("appointment_events").await, 0);
}

async fn dashboard_pages_pending_first_with_counts(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = clinic.span.start();
    let mut ids = Vec::new();
    for slot in 0..6 {
        let reply = clinic
            .patient
            .post("book", clinic.booking(start + Duration::minutes(30 * slot)))
            .await;
        ids.push(reply.body["id"].as_i64().unwrap());
    }
    // Confirm the earliest: it must now sort after the pending ones.
    clinic.doctor.act(ids[0], "confirm").await;
    let page = clinic
        .doctor
        .post("doctor/dashboard", json!({ "filter": {} }))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let items = page.body["appointments"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(items[0]["id"].as_i64(), Some(ids[1]));
    assert_eq!(items[5]["status"], "confirmed");
    assert_eq!(page.body["appointments"]["total"], 6);
    let counts = page.body["counts"].as_array().unwrap();
    let count_of = |s: &str| {
        counts.iter().find(|c| c["status"] == s).unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((count_of("pending"), count_of("confirmed")), (5, 1));

    let confirmed = clinic
        .doctor
        .post(
            "doctor/dashboard",
            json!({ "filter": { "status": "confirmed" } }),
        )
        .await;
    assert_eq!(confirmed.body["appointments"]["total"], 1);
    let other_day =
        json!({ "filter": { "from": start + Duration::days(1), "to": start + Duration::days(2) } });
    let same_day = json!({ "filter": { "from": start, "to": start + Duration::hours(3) } });
    assert_eq!(
        clinic.doctor.post("doctor/dashboard", same_day).await.body["appointments"]["total"],
        6
    );
    assert_eq!(
        clinic.doctor.post("doctor/dashboard", other_day).await.body["appointments"]["total"],
        0
    );
    let page_two = clinic
        .doctor
        .post("doctor/dashboard", json!({ "filter": { "page": 2 } }))
        .await;
    assert_eq!(
        page_two.body["appointments"]["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(page_two.body["appointments"]["page"], 2);
}

async fn future_visits_cannot_be_completed_or_marked_no_show(app: &TestApp) {
    let clinic = app.clinic().await;
    let booked = clinic
        .patient
        .post("book", clinic.booking(clinic.span.start()))
        .await;
    let id = booked.body["id"].as_i64().unwrap();
    let confirm = json!({ "appointment_id": id, "action": "confirm" });
    clinic.doctor.post("appointment_status", confirm).await;
    for action in ["complete", "no_show"] {
        let change = json!({ "appointment_id": id, "action": action });
        let reply = clinic.doctor.post("appointment_status", change).await;
        assert_eq!(reply.status, 409, "{action}: {}", reply.body);
        assert!(reply.body["detail"].as_str().unwrap().contains("started"));
    }
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["status"], "confirmed");
}

async fn the_booked_time_must_be_in_the_future(app: &TestApp) {
    let clinic = app.clinic().await;
    let reply = clinic
        .patient
        .post(
            "book",
            clinic.booking(future_day_at(9) - Duration::days(20)),
        )
        .await;
    assert_eq!(reply.status, 422);
}

on_both_databases!(
    book_confirm_and_see_it_confirmed,
    fifty_patients_racing_for_one_time_get_one_booking,
    overlapping_bookings_of_different_lengths_conflict,
    cancelling_frees_the_time,
    rejecting_frees_the_time_and_final_states_stay_final,
    free_times_leave_out_booked_and_past_times,
    bad_bookings_are_refused_and_write_nothing,
    dashboard_pages_pending_first_with_counts,
    the_booked_time_must_be_in_the_future,
    future_visits_cannot_be_completed_or_marked_no_show,
);
