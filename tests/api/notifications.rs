//! Notifications end to end: the outbox written with each change, delivered to a real SMTP
//! server, read back with Python's email and icalendar parsers.

use crate::mail::{parse_ics, SmtpServer};
use crate::on_both_databases;
use crate::support::{Client, TestApp};
use appointments::server::db::outbox;
use appointments::server::notify::worker::LEASE_SECONDS;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

const PATIENT: &str = "pat@example.test";
const DOCTOR: &str = "doc@clinic.test";

fn calendar(message: &Value) -> &Value {
    &message["calendar"]
}

fn event(message: &Value) -> &Value {
    &message["calendar"]["events"][0]
}

fn with_subject<'a>(messages: &'a [Value], start: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with(start))
        .collect()
}

fn ical_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn booking_and_confirmation_send_invitations(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let worker = smtp.worker(app, |_| {}).await;
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    let done = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(done.sent, 3, "{done:?}");

    let to_patient = smtp.to(PATIENT);
    let requested = with_subject(&to_patient, "Request received")[0];
    let confirmed = with_subject(&to_patient, "Confirmed")[0];
    let to_doctor = smtp.to(DOCTOR);
    assert_eq!(
        to_doctor.len(),
        1,
        "the doctor confirmed it, so only the request"
    );
    let request = &to_doctor[0];
    assert!(request["subject"]
        .as_str()
        .unwrap()
        .starts_with("New request: Pat"));

    let uid = format!("appointment-{id}@clinic.example");
    for (message, sequence, status) in [
        (requested, 0, "TENTATIVE"),
        (request, 0, "TENTATIVE"),
        (confirmed, 1, "CONFIRMED"),
    ] {
        assert_eq!(calendar(message)["method"], "REQUEST");
        let content_type = message["calendar_content_type"].as_str().unwrap();
        assert!(content_type.starts_with("text/calendar"), "{content_type}");
        assert!(
            content_type.replace('"', "").contains("method=REQUEST"),
            "{content_type}"
        );
        let event = event(message);
        assert_eq!(event["uid"], uid.as_str());
        assert_eq!(event["sequence"], sequence);
        assert_eq!(event["status"], status);
        assert_eq!(event["dtstart"], ical_time(clinic.span.start()));
        assert_eq!(event["organizer"], DOCTOR);
        assert_eq!(event["attendees"], json!([PATIENT]));
        assert!(message["html"].as_str().unwrap().contains("<table>"));
        assert!(message["message_id"]
            .as_str()
            .unwrap()
            .ends_with("@clinic.example>"));
    }
    // In the recipient's zone: the patient's is UTC, the doctor's Berlin (an hour ahead).
    let text = confirmed["text"].as_str().unwrap();
    let utc = clinic.span.start().format("%H:%M").to_string();
    assert!(text.contains(&format!("{utc}\u{2013}")), "{text}");
    assert!(text.contains("(UTC)"), "{text}");
    assert!(
        text.contains("https://clinic.example/appointments"),
        "{text}"
    );
    let berlin = (clinic.span.start() + Duration::hours(1))
        .format("%H:%M")
        .to_string();
    assert!(request["text"].as_str().unwrap().contains(&berlin));

    // Delivered is done: nothing goes out twice.
    let again = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(again.handled(), 0);
    assert_eq!(smtp.messages().len(), 3);
}

async fn changes_update_the_same_calendar_event(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let worker = smtp.worker(app, |_| {}).await;
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    let later = clinic.span.start() + Duration::hours(1);
    assert_eq!(clinic.doctor.reschedule(id, later).await.status, 200);
    assert_eq!(clinic.patient.act(id, "cancel").await.status, 200);
    worker.deliver_due(Utc::now()).await.unwrap();

    let mut events: Vec<(i64, String, String, String)> = smtp
        .to(PATIENT)
        .iter()
        .map(|m| {
            let e = event(m);
            (
                e["sequence"].as_i64().unwrap(),
                calendar(m)["method"].as_str().unwrap().to_string(),
                e["dtstart"].as_str().unwrap().to_string(),
                e["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    events.sort();
    let (first, moved) = (ical_time(clinic.span.start()), ical_time(later));
    let shape: Vec<_> = events
        .iter()
        .map(|(s, m, start, _)| (*s, m.as_str(), start.as_str()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (0, "REQUEST", first.as_str()),
            (1, "REQUEST", first.as_str()),
            (2, "REQUEST", moved.as_str()),
            (3, "CANCEL", moved.as_str()),
        ]
    );
    assert!(events.iter().all(|e| e.3 == events[0].3), "one UID");
    let cancelled = with_subject(&smtp.to(PATIENT), "Cancelled")[0].clone();
    assert_eq!(event(&cancelled)["status"], "CANCELLED");
    assert!(cancelled["text"]
        .as_str()
        .unwrap()
        .contains("cancelled by Pat"));
    // The doctor hears of the patient's cancellation, with the same UID and SEQUENCE.
    let doctor_cancel = with_subject(&smtp.to(DOCTOR), "Cancelled")[0].clone();
    assert_eq!(event(&doctor_cancel)["sequence"], 3);
    assert_eq!(calendar(&doctor_cancel)["method"], "CANCEL");
}

/// Books `n` times of the clinic's span (30 minutes apart) for the patient.
async fn book_many(clinic: &crate::support::Clinic, n: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let at = clinic.span.start() + Duration::minutes(30 * i);
        let reply = clinic.patient.post("book", clinic.booking(at)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        ids.push(reply.body["id"].as_i64().unwrap());
    }
    ids
}

fn distinct_ids(messages: &[Value]) -> usize {
    let mut ids: Vec<_> = messages
        .iter()
        .map(|m| m["message_id"].clone().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

async fn a_worker_killed_mid_batch_leaves_the_rest_to_the_next(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let clinic = app.clinic().await;
    book_many(&clinic, 5).await;
    let now = Utc::now();
    // A process claims the whole batch, sends three, and dies (its rows stay claimed).
    let dying = smtp.worker(app, |_| {}).await;
    let claimed = outbox::claim(&app.db, now.timestamp(), LEASE_SECONDS, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 10);
    let done = dying
        .deliver_claimed(claimed[..3].to_vec(), now)
        .await
        .unwrap();
    assert_eq!(done.sent, 3);
    drop(dying);
    // After a restart, the dead process's claim holds until its lease runs out...
    let restarted = smtp.worker(app, |_| {}).await;
    assert_eq!(restarted.deliver_due(now).await.unwrap().handled(), 0);
    // ...then the rest go out, once each.
    let later = now + Duration::seconds(LEASE_SECONDS + 1);
    assert_eq!(restarted.deliver_due(later).await.unwrap().sent, 7);
    assert_eq!(restarted.deliver_due(later).await.unwrap().handled(), 0);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 10);
    assert_eq!(distinct_ids(&messages), 10);
}

async fn two_processes_deliver_a_batch_without_doubles(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let clinic = app.clinic().await;
    let ids = book_many(&clinic, 6).await;
    for id in &ids {
        assert_eq!(clinic.doctor.act(*id, "confirm").await.status, 200);
    }
    // 6 requests to patient and doctor, 6 confirmations to the patient.
    let first = smtp.worker(app, |_| {}).await;
    let other_db = appointments::server::app::open_database(&app.config)
        .await
        .unwrap();
    let mut other_config = app.config.clone();
    other_config.mail = crate::mail::smtp(smtp.port);
    other_config.public_url = "https://clinic.example".into();
    let second = appointments::server::notify::Worker::new(
        other_db.clone(),
        std::sync::Arc::new(other_config),
    )
    .await
    .unwrap();
    let now = Utc::now();
    let (a, b) = tokio::join!(first.deliver_due(now), second.deliver_due(now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 18, "{a:?} {b:?}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 18);
    assert_eq!(distinct_ids(&messages), 18);
    other_db.close().await;
}

async fn reminders_follow_the_appointment(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let worker = smtp.worker(app, |_| {}).await;
    let clinic = app.clinic().await;
    let ids = book_many(&clinic, 4).await;
    let (a, _b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
    let slot = |i: i64| clinic.span.start() + Duration::minutes(30 * i);
    assert_eq!(clinic.doctor.act(a, "confirm").await.status, 200);
    assert_eq!(clinic.patient.act(c, "cancel").await.status, 200);
    assert_eq!(clinic.patient.reschedule(d, slot(5)).await.status, 200);
    worker.deliver_due(Utc::now()).await.unwrap();
    let before = smtp.messages().len();
    let pending =
        "SELECT COUNT(*) FROM notifications WHERE kind = 'reminder' AND state = 'pending'";
    assert_eq!(
        app.db.scalar_i64(pending).await.unwrap(),
        6,
        "24 h and 2 h for a, b, d"
    );

    let at = |t: DateTime<Utc>| t + Duration::seconds(60);
    let day = Duration::hours(24);
    let sent = |d: appointments::server::notify::Delivery| (d.sent, d.skipped);
    // a's 24-hour reminder only; then b's and the moved d's (at its new time).
    assert_eq!(
        sent(worker.deliver_due(at(slot(0) - day)).await.unwrap()),
        (1, 0)
    );
    assert_eq!(
        sent(worker.deliver_due(at(slot(0) - day)).await.unwrap()),
        (0, 0)
    );
    assert_eq!(
        sent(worker.deliver_due(at(slot(5) - day)).await.unwrap()),
        (2, 0)
    );
    // The server was down through 07:00-09:10: a has started (its 2-hour reminder is
    // dropped), b has not (sent late).
    let (delivered, skipped) = sent(
        worker
            .deliver_due(slot(0) + Duration::minutes(10))
            .await
            .unwrap(),
    );
    assert_eq!((delivered, skipped), (1, 1));

    let reminders = with_subject(&smtp.messages(), "Reminder").len();
    assert_eq!(smtp.messages().len() - before, 4);
    assert_eq!(reminders, 4);
    let to_patient = smtp.to(PATIENT);
    let reminder = with_subject(&to_patient, "Reminder")[0];
    assert!(
        reminder["calendar"].is_null(),
        "a reminder changes no calendar"
    );
    assert_eq!(
        reminder["headers"]["list-unsubscribe-post"],
        "List-Unsubscribe=One-Click"
    );
    let new_time = slot(5).format("%H:%M").to_string();
    assert!(to_patient
        .iter()
        .any(|m| m["subject"].as_str().unwrap().starts_with("Reminder")
            && m["text"].as_str().unwrap().contains(&new_time)));

    // The link in the email works without logging in: a page first (a GET changes nothing),
    // then the button (or a mail app's one-click POST).
    let header = reminder["headers"]["list-unsubscribe"].as_str().unwrap();
    let path = header
        .trim_matches(|c| c == '<' || c == '>')
        .strip_prefix("https://clinic.example")
        .unwrap()
        .to_string();
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Stop reminders"));
    assert!(clinic
        .patient
        .post("message_settings", json!({}))
        .await
        .body["choices"]["email_reminders"]
        .as_bool()
        .unwrap());
    let stop = http
        .post(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stop.status(), 200);
    let settings = clinic.patient.post("message_settings", json!({})).await;
    assert_eq!(settings.body["choices"]["email_reminders"], false);
    assert_eq!(settings.body["choices"]["email_changes"], true);
    let forged = path.replacen("/unsubscribe/", "/unsubscribe/9", 1);
    let refused = http
        .post(format!("{}{forged}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
    // d's 2-hour reminder is now turned off.
    let (delivered, skipped) = sent(
        worker
            .deliver_due(at(slot(5) - Duration::hours(2)))
            .await
            .unwrap(),
    );
    assert_eq!((delivered, skipped), (0, 1));
    assert_eq!(app.db.scalar_i64(pending).await.unwrap(), 0);
}

async fn failures_back_off_until_given_up_and_admins_can_retry(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let closed = crate::mail::free_port();
    let failing = smtp
        .worker(app, |config| {
            config.mail = crate::mail::smtp(closed);
            config.message_attempts = 3;
        })
        .await;
    let clinic = app.clinic().await;
    clinic.book_first().await;
    let now = Utc::now();
    assert_eq!(failing.deliver_due(now).await.unwrap().retrying, 2);
    // Not due again before the backoff (60 s after the first failure)...
    assert_eq!(
        failing
            .deliver_due(now + Duration::seconds(59))
            .await
            .unwrap()
            .handled(),
        0
    );
    assert_eq!(
        failing
            .deliver_due(now + Duration::seconds(61))
            .await
            .unwrap()
            .retrying,
        2
    );
    // ...then 120 s; the third failure gives up.
    let third = failing
        .deliver_due(now + Duration::seconds(61 + 121))
        .await
        .unwrap();
    assert_eq!(third.dead, 2);

    let admin = app.client();
    app.account(
        appointments::domain::Role::Admin,
        "Alex",
        "admin@clinic.test",
    )
    .await;
    admin.login("admin@clinic.test").await;
    let queue = admin.post("admin/messages", json!({})).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(queue.body["dead"], 2);
    let undelivered = queue.body["undelivered"].as_array().unwrap();
    assert_eq!(undelivered.len(), 2);
    assert_eq!(undelivered[0]["attempts"], 3);
    assert!(!undelivered[0]["last_error"].as_str().unwrap().is_empty());
    assert_eq!(
        clinic
            .patient
            .post("admin/messages", json!({}))
            .await
            .status,
        403
    );

    let id = undelivered[0]["id"].as_i64().unwrap();
    let retried = admin.post("admin/retry_message", json!({ "id": id })).await;
    assert_eq!(retried.body["dead"], 1);
    assert_eq!(
        retried.body["pending"], 3,
        "it, and the two reminders not yet due"
    );
    let again = admin.post("admin/retry_message", json!({ "id": id })).await;
    assert_eq!(again.status, 404);
    let working = smtp.worker(app, |_| {}).await;
    assert_eq!(working.deliver_due(Utc::now()).await.unwrap().sent, 1);
    assert_eq!(smtp.messages().len(), 1);

    // Old history is purged; given-up and waiting messages stay.
    let later = (Utc::now() + Duration::days(1)).timestamp();
    assert_eq!(outbox::purge_finished(&app.db, later).await.unwrap(), 1);
    let states = outbox::counts(&app.db).await.unwrap();
    assert_eq!(
        states,
        vec![("dead".to_string(), 1), ("pending".to_string(), 2)]
    );
}

async fn calendar_feeds_are_private_and_replaceable(app: &TestApp) {
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    let settings = clinic.patient.post("message_settings", json!({})).await;
    assert_eq!(settings.status, 200, "{}", settings.body);
    let url = settings.body["calendar_url"].as_str().unwrap().to_string();
    let path = url[url.find("/calendar/").unwrap()..].to_string();
    let http = reqwest::Client::new();
    let feed = http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let parsed = parse_ics(&feed.text().await.unwrap());
    assert_eq!(parsed["method"], "PUBLISH");
    assert_eq!(parsed["events"].as_array().unwrap().len(), 1);
    assert_eq!(
        parsed["events"][0]["dtstart"],
        ical_time(clinic.span.start())
    );
    assert_eq!(parsed["events"][0]["status"], "TENTATIVE");
    let uid = parsed["events"][0]["uid"].as_str().unwrap().to_string();
    assert!(uid.starts_with(&format!("appointment-{id}@")));

    // The doctor's feed holds the same event.
    let doctor_url = clinic.doctor.post("message_settings", json!({})).await.body["calendar_url"]
        .as_str()
        .unwrap()
        .to_string();
    let doctor_path = &doctor_url[doctor_url.find("/calendar/").unwrap()..];
    let doctor_feed = http
        .get(format!("{}{doctor_path}", app.base))
        .send()
        .await
        .unwrap();
    let doctor_events = parse_ics(&doctor_feed.text().await.unwrap());
    assert_eq!(doctor_events["events"][0]["uid"], uid.as_str());

    // A new address kills the old one.
    let renewed = clinic.patient.post("new_calendar_address", json!({})).await;
    let new_url = renewed.body["calendar_url"].as_str().unwrap();
    assert_ne!(new_url, url);
    let old = http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
    let new_path = &new_url[new_url.find("/calendar/").unwrap()..];
    let new = http
        .get(format!("{}{new_path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200);

    // "Add to calendar": for who may see the appointment only.
    let download = format!("{}/appointments/{id}/calendar.ics", app.base);
    let own = clinic.patient.http.get(&download).send().await.unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let one = parse_ics(&own.text().await.unwrap());
    assert_eq!(one["events"][0]["uid"], uid.as_str());
    let stranger = app.client();
    stranger.register("Sam", "sam@example.test").await;
    assert_eq!(
        stranger.http.get(&download).send().await.unwrap().status(),
        404
    );
    assert_eq!(http.get(&download).send().await.unwrap().status(), 401);
}

async fn message_choices_are_kept(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let worker = smtp.worker(app, |_| {}).await;
    let clinic = app.clinic().await;
    let saved = clinic
        .patient
        .post(
            "save_message_settings",
            json!({ "email_changes": false, "email_reminders": true }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["choices"]["email_changes"], false);
    clinic.book_first().await;
    let done = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(
        (done.sent, done.skipped),
        (1, 1),
        "the doctor's request only"
    );
    assert!(smtp.to(PATIENT).is_empty());
    assert_eq!(smtp.to(DOCTOR).len(), 1);
    let anonymous = app.client().post("message_settings", json!({})).await;
    assert_eq!(anonymous.status, 401);
}

async fn the_webhook_gets_signed_json(app: &TestApp) {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    use std::sync::{Arc, Mutex};
    let received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>> = Arc::default();
    let store = received.clone();
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });

    let smtp = SmtpServer::start().await;
    let worker = smtp
        .worker(app, |config| {
            config.webhook_url = Some(format!("http://{addr}/hook"));
            config.webhook_secret = Some("hook secret".into());
        })
        .await;
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    assert_eq!(worker.deliver_due(Utc::now()).await.unwrap().sent, 2);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    assert_eq!(smtp.messages().len(), 2, "email too");
    for (headers, body) in &received {
        let timestamp = headers["x-appointments-timestamp"].to_str().unwrap();
        let mut signed = format!("{timestamp}.").into_bytes();
        signed.extend_from_slice(body);
        let expected = format!(
            "sha256={}",
            appointments::server::notify::links::sign("hook secret", &signed)
        );
        assert_eq!(
            headers["x-appointments-signature"].to_str().unwrap(),
            expected
        );
        let json: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["kind"], "requested");
        assert_eq!(json["appointment"]["id"], id);
        assert_eq!(
            headers["x-appointments-id"].to_str().unwrap(),
            json["id"].as_str().unwrap()
        );
    }
}

async fn imported_busy_times_are_not_offered(app: &TestApp) {
    use std::sync::{Arc, Mutex};
    let clinic = app.clinic().await;
    let busy_from = clinic.span.start() + Duration::minutes(30);
    let busy_to = clinic.span.start() + Duration::minutes(90);
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x@test\r\n\
         DTSTAMP:20260101T000000Z\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n\
         END:VCALENDAR\r\n",
        busy_from.format("%Y%m%dT%H%M%SZ"),
        busy_to.format("%Y%m%dT%H%M%SZ")
    );
    let serving: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(Some(ics)));
    let feed = serving.clone();
    let server = axum::Router::new().route(
        "/cal.ics",
        axum::routing::get(move || {
            let feed = feed.clone();
            async move {
                match feed.lock().unwrap().clone() {
                    Some(body) => Ok(([("content-type", "text/calendar")], body)),
                    None => Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server).await });

    // Wrong input names every wrong field and saves nothing.
    let wrong = clinic
        .doctor
        .post(
            "doctor/save_calendar_settings",
            json!({ "reminder_hours": "soon", "busy_feed_url": "ftp://x" }),
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let detail = &wrong.body["detail"];
    let fields: Vec<_> = std::iter::once(&detail["field"])
        .chain(
            detail["others"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| &o["field"]),
        )
        .cloned()
        .collect();
    assert_eq!(
        fields,
        vec![json!("reminder_hours"), json!("busy_feed_url")]
    );

    let url = format!("webcal://{addr}/cal.ics").replace("webcal://", "http://");
    let saved = clinic
        .doctor
        .post(
            "doctor/save_calendar_settings",
            json!({ "reminder_hours": "48, 1", "busy_feed_url": url }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["busy_feed_events"], 1);
    assert_eq!(saved.body["busy_feed_error"], "");
    assert_eq!(saved.body["reminder_hours"], "48, 1");

    let window = json!({
        "doctor_id": clinic.doctor_id, "service_id": clinic.service_id,
        "from": clinic.span.start(), "to": clinic.span.end()
    });
    let offered = clinic.patient.post("free_times", window.clone()).await;
    let starts: Vec<String> = offered
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        starts.len(),
        4,
        "6 half hours less the 2 busy ones: {starts:?}"
    );
    let taken = clinic.patient.post("book", clinic.booking(busy_from)).await;
    assert_eq!(taken.status, 409, "{}", taken.body);

    // A failing feed is shown, keeps its last busy times, and blocks nothing else.
    *serving.lock().unwrap() = None;
    let failed = clinic
        .doctor
        .post("doctor/refresh_busy_feed", json!({}))
        .await;
    assert_eq!(failed.status, 200, "{}", failed.body);
    assert!(
        failed.body["busy_feed_error"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{}",
        failed.body
    );
    assert_eq!(
        clinic
            .patient
            .post("book", clinic.booking(busy_from))
            .await
            .status,
        409
    );
    assert_eq!(
        clinic
            .patient
            .post("book", clinic.booking(clinic.span.start()))
            .await
            .status,
        200
    );
    // Removing the address removes its busy times.
    let removed = clinic
        .doctor
        .post(
            "doctor/save_calendar_settings",
            json!({ "reminder_hours": "24, 2", "busy_feed_url": "" }),
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(
        clinic
            .patient
            .post("book", clinic.booking(busy_from))
            .await
            .status,
        200
    );
}

/// By default the server does not read calendar addresses on private networks, whether
/// written as an IP or as a name that resolves to one; with
/// `BUSY_FEED_PRIVATE_ADDRESSES=true` (as in the other tests) it does.
async fn feeds_on_private_networks_are_refused(app: &TestApp) {
    let clinic = app.clinic().await;
    let strict = app
        .process_with(|config| config.busy_feed_private_addresses = false)
        .await;
    // The same browser (cookie jar) on the other process: one session, one database.
    let doctor = Client {
        base: strict,
        http: clinic.doctor.http.clone(),
    };
    for url in [
        "http://127.0.0.1:9/cal.ics",
        "http://[::1]:9/cal.ics",
        "http://localhost:9/cal.ics",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let saved = doctor
            .post(
                "doctor/save_calendar_settings",
                json!({ "reminder_hours": "24", "busy_feed_url": url }),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        let error = saved.body["busy_feed_error"].as_str().unwrap();
        assert!(error.contains("private network"), "{url}: {error}");
        assert_eq!(saved.body["busy_feed_events"], 0);
    }
    // The lenient process reaches loopback: the error is then the closed port's.
    let lenient = clinic
        .doctor
        .post(
            "doctor/save_calendar_settings",
            json!({ "reminder_hours": "24", "busy_feed_url": "http://127.0.0.1:9/cal.ics" }),
        )
        .await;
    assert_eq!(lenient.status, 200, "{}", lenient.body);
    let error = lenient.body["busy_feed_error"].as_str().unwrap();
    assert!(!error.contains("private network"), "{error}");
    assert!(error.contains("no connection"), "{error}");
}

async fn running_late_tells_only_the_delay_that_stands(app: &TestApp) {
    let smtp = SmtpServer::start().await;
    let worker = smtp.worker(app, |_| {}).await;
    let clinic = app.clinic().await;
    let id = clinic.book_first().await;
    assert_eq!(clinic.doctor.act(id, "confirm").await.status, 200);
    worker.deliver_due(Utc::now()).await.unwrap();
    let date = clinic.span.start().date_naive().to_string();
    let doctor = &clinic.doctor;
    let set = |minutes: u32| {
        let body = json!({ "minutes": minutes, "date": date });
        async move {
            let reply = doctor.post("running_late", body).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
    };
    let late_news = || {
        let messages = smtp.to(PATIENT);
        messages
            .iter()
            .filter_map(|m| m["subject"].as_str())
            .filter(|s| s.contains("running about"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let delivered = |d: appointments::server::notify::Delivery| (d.sent, d.skipped);

    // 10 minutes, then 20 before the worker ran: the patient hears of 20 only.
    set(10).await;
    set(20).await;
    let done = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(delivered(done), (1, 0), "{done:?}");
    let news = late_news();
    assert_eq!(news.len(), 1, "{news:?}");
    assert!(news[0].contains("about 20 minutes late"), "{news:?}");

    // The same delay again writes nothing; a cleared one is not sent.
    set(20).await;
    let rows = "SELECT COUNT(*) FROM notifications WHERE kind = 'running_late'";
    assert_eq!(
        app.db.scalar_i64(rows).await.unwrap(),
        1,
        "the 10 was replaced"
    );
    set(30).await;
    set(0).await;
    let done = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(delivered(done), (0, 0), "{done:?}");
    assert_eq!(late_news().len(), 1);

    // 10, 25, then 10 again before the worker ran: one message, and it says 10.
    set(10).await;
    set(25).await;
    set(10).await;
    let done = worker.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(delivered(done), (1, 0), "{done:?}");
    let news = late_news();
    assert_eq!(news.len(), 2, "{news:?}");
    assert!(
        news.iter().any(|n| n.contains("about 10 minutes late")),
        "{news:?}"
    );
}

on_both_databases!(
    booking_and_confirmation_send_invitations,
    running_late_tells_only_the_delay_that_stands,
    feeds_on_private_networks_are_refused,
    changes_update_the_same_calendar_event,
    a_worker_killed_mid_batch_leaves_the_rest_to_the_next,
    two_processes_deliver_a_batch_without_doubles,
    reminders_follow_the_appointment,
    failures_back_off_until_given_up_and_admins_can_retry,
    calendar_feeds_are_private_and_replaceable,
    message_choices_are_kept,
    the_webhook_gets_signed_json,
    imported_busy_times_are_not_offered,
);
