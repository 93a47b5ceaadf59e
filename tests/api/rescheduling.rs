//! Moving appointments in one transaction, the patients' notice policy with recorded
//! reasons, and video-visit links.

use crate::on_both_databases;
use crate::support::TestApp;
use chrono::Duration;
use serde_json::json;

async fn events(app: &TestApp, id: i64) -> Vec<(String, String, Option<i64>, Option<i64>)> {
    let sql = format!(
        "SELECT to_status, reason, from_starts_at, to_starts_at FROM appointment_events \
         WHERE appointment_id = {id} ORDER BY id"
    );
    app.db.rows(&sql).await.unwrap()
}

async fn rescheduling_takes_the_new_time_and_frees_the_old_one(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let old = clinic.span.start();
    let new = old + Duration::minutes(60);
    let confirmed = clinic.doctor.act(id, "confirm").await;
    assert_eq!(confirmed.body["status"], "confirmed");

    // While moving, the appointment's own time counts as free; for anyone else it is taken.
    let window = |reschedule: Option<i64>| {
        json!({ "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
            "from": clinic.span.start(), "to": clinic.span.end(), "reschedule": reschedule })
    };
    let own = clinic.patient.post("free_times", window(Some(id))).await;
    assert_eq!(own.body[0]["starts_at"], json!(old), "{}", own.body);
    let others = clinic.patient.post("free_times", window(None)).await;
    assert_ne!(others.body[0]["starts_at"], json!(old));
    let stranger = app.client();
    stranger.register("Nosy", "nosy@example.test").await;
    assert_eq!(
        stranger.post("free_times", window(Some(id))).await.status,
        404
    );

    let moved = clinic
        .patient
        .post(
            "reschedule",
            json!({ "appointment_id": id, "starts_at": new, "reason": "Train times" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["starts_at"], json!(new));
    // The doctor confirms the new time again.
    assert_eq!(moved.body["status"], "pending");

    let other = app.client();
    other.register("Other", "other@example.test").await;
    assert_eq!(
        other.post("book", clinic.booking(old)).await.status,
        200,
        "old time is free"
    );
    let taken = other.post("book", clinic.booking(new)).await;
    assert_eq!(taken.status, 409, "new time is taken");

    let recorded = events(app, id).await;
    let last = recorded.last().unwrap();
    assert_eq!(last.0, "pending");
    assert_eq!(last.1, "Train times");
    assert_eq!(
        (last.2, last.3),
        (Some(old.timestamp()), Some(new.timestamp()))
    );
    assert_eq!(app.count("appointments").await, 2);
}

async fn a_move_onto_a_taken_time_changes_nothing(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let other = app.client();
    other.register("Other", "other@example.test").await;
    let busy = clinic.span.start() + Duration::minutes(90);
    assert_eq!(other.post("book", clinic.booking(busy)).await.status, 200);
    let events_before = app.count("appointment_events").await;

    let refused = clinic.patient.reschedule(id, busy).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let off_grid = clinic
        .patient
        .reschedule(id, busy + Duration::minutes(7))
        .await;
    assert_eq!(off_grid.status, 422, "{}", off_grid.body);
    let strangers = other.reschedule(id, busy + Duration::minutes(60)).await;
    assert_eq!(strangers.status, 404, "{}", strangers.body);

    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["starts_at"], json!(clinic.span.start()));
    assert_eq!(app.count("appointment_events").await, events_before);
}

async fn patients_change_only_before_the_notice_period_doctors_always(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    // The visit is ten days away; a 14-day notice period has already closed.
    let profile = json!({ "profile": { "min_notice_minutes": 0, "horizon_days": 60, "change_notice_hours": 336 } });
    assert_eq!(
        clinic
            .doctor
            .post("doctor/save_profile", profile)
            .await
            .status,
        200
    );
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["change_notice_hours"], 336);

    let cancel = clinic
        .patient
        .post(
            "appointment_status",
            json!({ "appointment_id": id, "action": "cancel", "reason": "Ill" }),
        )
        .await;
    assert_eq!(cancel.status, 409, "{}", cancel.body);
    assert!(cancel.body["detail"]
        .as_str()
        .unwrap()
        .contains("14 days before"));
    let later = clinic.span.start() + Duration::minutes(60);
    let moved = clinic.patient.reschedule(id, later).await;
    assert_eq!(moved.status, 409, "{}", moved.body);

    let by_doctor = clinic
        .doctor
        .post(
            "reschedule",
            json!({ "appointment_id": id, "starts_at": later, "reason": "Surgery overran" }),
        )
        .await;
    assert_eq!(by_doctor.status, 200, "{}", by_doctor.body);
    let cancelled = clinic
        .doctor
        .post(
            "appointment_status",
            json!({ "appointment_id": id, "action": "cancel", "reason": "Doctor ill" }),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    let reasons: Vec<String> = events(app, id).await.into_iter().map(|e| e.1).collect();
    assert_eq!(reasons, ["", "Surgery overran", "Doctor ill"]);
}

async fn video_visits_get_an_unguessable_link_once_confirmed(app: &TestApp) {
    let clinic = app.clinic().await;
    let video = app
        .service_with(clinic.doctor_id, "Video call", 30, |s| s.video = true)
        .await;
    let mut ids = Vec::new();
    for offset in [0, 60] {
        let at = clinic.span.start() + Duration::minutes(offset);
        let body = json!({ "doctor_id": clinic.doctor_id, "service_id": video, "starts_at": at, "notes": "" });
        let reply = clinic.patient.post("book", body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.body["meeting_url"],
            json!(null),
            "not before confirmation"
        );
        ids.push(reply.body["id"].as_i64().unwrap());
    }
    let pending = clinic.patient.post("my_appointments", json!({})).await;
    assert!(pending
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["meeting_url"].is_null()));
    for id in &ids {
        let confirmed = clinic.doctor.act(*id, "confirm").await;
        assert_eq!(confirmed.status, 200);
    }
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    let links: Vec<String> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            a["meeting_url"]
                .as_str()
                .expect("a link once confirmed")
                .to_string()
        })
        .collect();
    let base = &app.config.meeting_base_url;
    for link in &links {
        let token = link
            .strip_prefix(base.as_str())
            .expect("configured base URL");
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_ne!(links[0], links[1]);
    let dashboard = clinic
        .doctor
        .post("doctor/dashboard", json!({ "filter": {} }))
        .await;
    assert!(dashboard.body["appointments"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| links.contains(&a["meeting_url"].as_str().unwrap().to_string())));
}

on_both_databases!(
    rescheduling_takes_the_new_time_and_frees_the_old_one,
    a_move_onto_a_taken_time_changes_nothing,
    patients_change_only_before_the_notice_period_doctors_always,
    video_visits_get_an_unguessable_link_once_confirmed,
);
