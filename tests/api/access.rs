//! Every crossing of an ownership or role boundary is refused and changes nothing.

use crate::on_both_databases;
use crate::support::TestApp;
use appointments::domain::Role;
use serde_json::json;

async fn patients_cannot_touch_other_patients_appointments(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let stranger = app.client();
    stranger.register("Stranger", "stranger@example.test").await;
    let reply = stranger.act(id, "cancel").await;
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert!(stranger
        .post("my_appointments", json!({}))
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());
    // A patient may cancel their own, but not confirm it.
    let confirm = clinic.patient.act(id, "confirm").await;
    assert_eq!(confirm.status, 403);
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["status"], "pending");
}

async fn doctors_cannot_touch_other_doctors_things(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    app.account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;

    let confirm = other.act(id, "confirm").await;
    assert_eq!(confirm.status, 404);
    let edit = json!({ "service_id": clinic.service_id, "service": { "name": "Mine now", "duration_minutes": 30 } });
    assert_eq!(other.post("doctor/save_service", edit).await.status, 404);
    let deactivate = json!({ "service_id": clinic.service_id, "active": false });
    assert_eq!(
        other.post("doctor/service_active", deactivate).await.status,
        404
    );
    let spans = clinic.doctor_spans().await;
    let span_id = spans[0]["id"].as_i64().unwrap();
    assert_eq!(
        other
            .post("doctor/remove_availability", json!({ "span_id": span_id }))
            .await
            .status,
        404
    );
    let dashboard = other
        .post("doctor/dashboard", json!({ "filter": {} }))
        .await;
    assert_eq!(dashboard.body["appointments"]["total"], 0);

    let services = clinic.doctor.post("doctor/services", json!({})).await;
    assert_eq!(services.body[0]["name"], "Consultation");
    assert_eq!(services.body[0]["active"], true);
    assert_eq!(app.count("availability").await, 1);
}

async fn roles_are_enforced_and_anonymous_calls_refused(app: &TestApp) {
    let clinic = app.clinic().await;
    let anonymous = app.client();
    for endpoint in [
        "my_appointments",
        "doctor/services",
        "doctor/hours",
        "reschedule",
    ] {
        let reply = anonymous
            .post(
                endpoint,
                json!({ "appointment_id": 1, "starts_at": clinic.span.start() }),
            )
            .await;
        assert_eq!(reply.status, 401, "{endpoint}: {}", reply.body);
    }
    // Finding a doctor and seeing free times needs no account; booking does.
    let directory = anonymous.post("doctors", json!({})).await;
    assert_eq!(directory.status, 200, "{}", directory.body);
    assert_eq!(directory.body[0]["doctor"]["name"], "Dr. Test");
    assert_eq!(
        anonymous
            .post("book", clinic.booking(clinic.span.start()))
            .await
            .status,
        401
    );
    // Patients cannot use doctor functions, doctors cannot book, nobody but admins creates staff.
    assert_eq!(
        clinic
            .patient
            .post("doctor/dashboard", json!({ "filter": {} }))
            .await
            .status,
        403
    );
    assert_eq!(
        clinic
            .doctor
            .post("book", clinic.booking(clinic.span.start()))
            .await
            .status,
        403
    );
    let staff = json!({ "role": "doctor", "name": "Eve", "email": "eve@x.test", "password": "longenough", "time_zone": "UTC" });
    assert_eq!(
        clinic
            .patient
            .post("admin/create_user", staff.clone())
            .await
            .status,
        403
    );
    assert_eq!(
        clinic
            .doctor
            .post("admin/create_user", staff.clone())
            .await
            .status,
        403
    );
    app.account(Role::Admin, "Admin", "admin@clinic.test").await;
    let admin = app.client();
    admin.login("admin@clinic.test").await;
    let created = admin.post("admin/create_user", staff).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["role"], "doctor");
    assert_eq!(app.count("appointments").await, 0);
}

async fn cross_origin_posts_are_refused(app: &TestApp) {
    let clinic = app.clinic().await;
    let forged = clinic
        .patient
        .http
        .post(format!("{}/api/book", clinic.patient.base))
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain")
        .body(clinic.booking(clinic.span.start()).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let same_site = clinic
        .patient
        .http
        .post(format!("{}/api/book", clinic.patient.base))
        .header("origin", clinic.patient.base.clone())
        .json(&clinic.booking(clinic.span.start()))
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status().as_u16(), 200);
    assert_eq!(app.count("appointments").await, 1);
}

on_both_databases!(
    patients_cannot_touch_other_patients_appointments,
    doctors_cannot_touch_other_doctors_things,
    roles_are_enforced_and_anonymous_calls_refused,
    cross_origin_posts_are_refused,
);
