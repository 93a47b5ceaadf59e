use crate::on_both_databases;
use crate::support::{future_day_at, weekly, TestApp};
use chrono::Duration;
use serde_json::json;

async fn doctors_add_and_remove_availability(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = future_day_at(14);
    let added = clinic
        .doctor
        .post(
            "doctor/add_availability",
            json!({ "starts_at": start, "ends_at": start + Duration::hours(2) }),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let pattern = clinic
        .doctor
        .post(
            "doctor/add_weekly_availability",
            json!({ "pattern": weekly(future_day_at(9) + Duration::days(1), 3) }),
        )
        .await;
    assert_eq!(pattern.body, 3, "{}", pattern.body);
    assert_eq!(app.count("availability").await, 5);

    let window = json!({ "from": start - Duration::hours(6), "to": start + Duration::hours(4) });
    let spans = clinic
        .doctor
        .post("doctor/availability", window.clone())
        .await;
    let spans = spans.body.as_array().unwrap().clone();
    assert_eq!(spans.len(), 2);
    let afternoon = spans
        .iter()
        .find(|s| s["starts_at"].as_str().unwrap().contains("14:00"))
        .unwrap();
    let removed = clinic
        .doctor
        .post(
            "doctor/remove_availability",
            json!({ "span_id": afternoon["id"] }),
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(app.count("availability").await, 4);
}

async fn bad_availability_is_refused_and_writes_nothing(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = future_day_at(14);
    let cases = [
        (
            "end before start",
            json!({ "starts_at": start, "ends_at": start - Duration::hours(1) }),
            422,
        ),
        (
            "zero length",
            json!({ "starts_at": start, "ends_at": start }),
            422,
        ),
        (
            "longer than a day",
            json!({ "starts_at": start, "ends_at": start + Duration::hours(30) }),
            422,
        ),
        (
            "in the past",
            json!({ "starts_at": start - Duration::days(30), "ends_at": start - Duration::days(30) + Duration::hours(1) }),
            422,
        ),
        (
            "overlapping",
            json!({ "starts_at": clinic.span.start() + Duration::hours(1), "ends_at": clinic.span.end() + Duration::hours(1) }),
            409,
        ),
    ];
    for (what, body, status) in cases {
        let reply = clinic.doctor.post("doctor/add_availability", body).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
    }
    // A pattern that overlaps on one of its days adds none of its days.
    let overlapping = weekly(clinic.span.start() - Duration::days(7), 3);
    let reply = clinic
        .doctor
        .post(
            "doctor/add_weekly_availability",
            json!({ "pattern": overlapping }),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(app.count("availability").await, 1);
}

async fn booked_availability_cannot_be_removed(app: &TestApp) {
    let clinic = app.clinic().await;
    clinic
        .patient
        .post("book", clinic.booking(clinic.span.start()))
        .await;
    let spans = clinic.doctor_spans().await;
    assert_eq!(spans[0]["booked"], true);
    let reply = clinic
        .doctor
        .post(
            "doctor/remove_availability",
            json!({ "span_id": spans[0]["id"] }),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(app.count("availability").await, 1);
}

async fn services_are_validated(app: &TestApp) {
    let clinic = app.clinic().await;
    let save = |service: serde_json::Value| {
        clinic.doctor.post(
            "doctor/save_service",
            json!({ "service_id": null, "service": service }),
        )
    };
    let zero = save(json!({ "name": "Zero", "duration_minutes": 0 })).await;
    assert_eq!(zero.status, 422);
    assert_eq!(zero.body["detail"]["field"], "duration_minutes");
    let bad_currency = save(
        json!({ "name": "X", "duration_minutes": 30, "price_minor": 100, "currency": "EURO" }),
    )
    .await;
    assert_eq!(bad_currency.body["detail"]["field"], "currency");
    let duplicate = save(json!({ "name": "Consultation", "duration_minutes": 30 })).await;
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.body["detail"]["field"], "name");
    let created = save(json!({ "name": "Check-up", "description": "Yearly", "duration_minutes": 45, "price_minor": 4550, "currency": "eur" })).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["price"]["currency"], "EUR");
    assert_eq!(app.count("services").await, 2);
}

on_both_databases!(
    doctors_add_and_remove_availability,
    bad_availability_is_refused_and_writes_nothing,
    booked_availability_cannot_be_removed,
    services_are_validated,
);
