//! Booking a walk-in into one of today's free times: the desk's rules (no minimum notice),
//! the same no-overlap guarantee, a new patient by name without an account, and refusals
//! that change nothing.

use crate::on_both_databases;
use crate::support::{Clinic, TestApp, PASSWORD};
use appointments::domain::Role;
use appointments::domain::TimeRange;
use appointments::server::scheduling;
use chrono::{DateTime, Duration, DurationRound, Timelike, Utc};
use serde_json::{json, Value};

on_both_databases!(
    a_walk_in_is_booked_into_a_free_time_today_and_checked_in,
    walk_in_bookings_refuse_bad_input_and_change_nothing,
);

/// The clinic's doctor moved to a zone where it is around midday now, with two free hours
/// starting 20 to 30 minutes from now: today, whenever the tests run.
async fn open_today(app: &TestApp, clinic: &Clinic) -> TimeRange {
    let offset = 12 - i64::from(Utc::now().hour());
    let zone = match offset {
        0 => "UTC".to_string(),
        k if k > 0 => format!("Etc/GMT-{k}"),
        k => format!("Etc/GMT+{}", -k),
    };
    let sql = format!(
        "UPDATE users SET time_zone = '{zone}' WHERE id = {}",
        clinic.doctor_id
    );
    app.db.execute(&sql).await.unwrap();
    let start = Utc::now().duration_trunc(Duration::minutes(10)).unwrap() + Duration::minutes(30);
    let span = TimeRange::new(start, start + Duration::hours(2)).unwrap();
    scheduling::add_spans(&app.db, clinic.doctor_id, &[span], Utc::now())
        .await
        .unwrap();
    span
}

fn starts(reply: &Value) -> Vec<DateTime<Utc>> {
    reply
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| slot["starts_at"].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn a_walk_in_is_booked_into_a_free_time_today_and_checked_in(app: &TestApp) {
    let clinic = app.clinic().await;
    let span = open_today(app, &clinic).await;
    let service = json!({ "service_id": clinic.service_id });
    let times = clinic.doctor.post("walk_in_times", service.clone()).await;
    assert_eq!(times.status, 200, "{}", times.body);
    let desk_times = starts(&times.body);
    assert_eq!(desk_times.first(), Some(&span.start()));
    assert_eq!(desk_times.len(), 4);
    // Patients still need two hours' notice: the first desk time is not theirs to book.
    let window = json!({ "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
                         "from": span.start(), "to": span.end() });
    let theirs = starts(&clinic.patient.post("free_times", window).await.body);
    assert!(!theirs.contains(&span.start()), "{theirs:?}");

    let booking = json!({ "service_id": clinic.service_id, "starts_at": span.start(),
                          "name": " Wanda New ", "notes": "Cough" });
    let booked = clinic.doctor.post("book_walk_in", booking.clone()).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body["status"], "arrived");
    assert_eq!(booked.body["patient_name"], "Wanda New");
    assert_eq!(booked.body["notes"], "Cough");
    assert!(booked.body["arrived_at"].is_string());
    let id = booked.body["id"].as_i64().unwrap();

    // The time is gone for everyone, and a second booking of it is a conflict.
    let again = clinic.doctor.post("walk_in_times", service).await;
    assert!(!starts(&again.body).contains(&span.start()));
    let twice = clinic.doctor.post("book_walk_in", booking).await;
    assert_eq!(twice.status, 409, "{}", twice.body);

    // On the day, waiting; in the audit trail as a desk booking by the doctor.
    let day = clinic.doctor.post("day_agenda", json!({})).await.body;
    assert_eq!(day["appointments"][0]["id"], id);
    let history = clinic
        .doctor
        .post("appointment_history", json!({ "appointment_id": id }))
        .await
        .body;
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["to"], "arrived");
    assert_eq!(history[0]["actor_name"], "Dr. Test");
    assert_eq!(history[0]["reason"], "Walk-in booked at the desk");

    // The new patient can be found again, and has no account to log in with.
    let found = clinic
        .doctor
        .post("find_patients", json!({ "query": "wanda" }))
        .await
        .body;
    let email = found[0]["email"].as_str().unwrap().to_string();
    assert!(email.ends_with("@no-account.invalid"), "{email}");
    let login = app
        .client()
        .post("login", json!({ "email": email, "password": PASSWORD }))
        .await;
    assert_eq!(login.status, 401);

    // An existing patient is booked on their own record.
    let me = clinic.patient.post("me", json!({})).await.body;
    let second = json!({ "service_id": clinic.service_id, "starts_at": desk_times[1],
                         "patient_id": me["id"] });
    let mine = clinic.doctor.post("book_walk_in", second).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["patient_id"], me["id"]);
    let listed = clinic.patient.post("my_appointments", json!({})).await.body;
    assert_eq!(listed[0]["status"], "arrived");
}

async fn walk_in_bookings_refuse_bad_input_and_change_nothing(app: &TestApp) {
    let clinic = app.clinic().await;
    let span = open_today(app, &clinic).await;
    let (users, booked) = (app.count("users").await, app.count("appointments").await);
    let at = |start: DateTime<Utc>, name: &str| json!({ "service_id": clinic.service_id, "starts_at": start, "name": name });
    let cases = [
        (
            at(span.start() + Duration::days(1), "Wanda"),
            422,
            "starts_at",
        ),
        (
            at(span.start() + Duration::minutes(7), "Wanda"),
            422,
            "starts_at",
        ),
        (
            at(span.start() - Duration::hours(1), "Wanda"),
            422,
            "starts_at",
        ),
        (at(span.start(), "  "), 422, "name"),
        (at(span.start(), "Wanda\u{202e}"), 422, "name"),
    ];
    for (body, status, field) in cases {
        let reply = clinic.doctor.post("book_walk_in", body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert_eq!(reply.body["detail"]["field"], field, "{body}");
    }
    let not_a_patient = json!({ "service_id": clinic.service_id, "starts_at": span.start(),
                                "patient_id": clinic.doctor_id });
    let reply = clinic.doctor.post("book_walk_in", not_a_patient).await;
    assert_eq!(reply.body["detail"]["field"], "patient_id");

    let by_patient = clinic
        .patient
        .post("book_walk_in", at(span.start(), "Me"))
        .await;
    assert_eq!(by_patient.status, 403);
    let other_id = app
        .account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let mut theirs = at(span.start(), "Wanda");
    theirs["doctor"] = json!(clinic.doctor_id);
    assert_eq!(other.post("book_walk_in", theirs).await.status, 404);
    let their_times = json!({ "service_id": clinic.service_id, "doctor": clinic.doctor_id });
    assert_eq!(other.post("walk_in_times", their_times).await.status, 404);
    let other_service = app.service(other_id, "Other's", 30).await;
    let mut wrong = at(span.start(), "Wanda");
    wrong["service_id"] = json!(other_service);
    let reply = clinic.doctor.post("book_walk_in", wrong).await;
    assert_eq!(reply.body["detail"]["field"], "service_id");

    assert_eq!(
        app.count("users").await,
        users + 1,
        "only Dr. Other was added"
    );
    assert_eq!(app.count("appointments").await, booked);
}
