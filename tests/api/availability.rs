use crate::on_both_databases;
use crate::support::{future_day_at, TestApp};
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
    // Extra hours are entered on the doctor's wall clock (Europe/Berlin), two ranges at once.
    let next_day = (future_day_at(9) + Duration::days(1)).date_naive();
    let extra = clinic
        .doctor
        .post(
            "doctor/add_extra_hours",
            json!({ "day": next_day, "hours": "08:00-10:00, 11:00-12:00" }),
        )
        .await;
    assert_eq!(extra.body, 2, "{}", extra.body);
    assert_eq!(app.count("availability").await, 4);

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
    assert_eq!(app.count("availability").await, 3);
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
    // Extra hours of which one range overlaps add none of their ranges.
    let local = clinic
        .span
        .start()
        .with_timezone(&chrono_tz::Europe::Berlin);
    let hours = format!(
        "05:00-06:00, {}-{}",
        local.format("%H:%M"),
        (local + Duration::hours(1)).format("%H:%M")
    );
    let reply = clinic
        .doctor
        .post(
            "doctor/add_extra_hours",
            json!({ "day": local.date_naive(), "hours": hours }),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    let malformed = clinic
        .doctor
        .post(
            "doctor/add_extra_hours",
            json!({ "day": local.date_naive(), "hours": "9-5" }),
        )
        .await;
    assert_eq!(malformed.status, 422, "{}", malformed.body);
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
