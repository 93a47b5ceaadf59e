//! What an attacker or a careless client tries: guessing passwords, hidden characters,
//! booking out a doctor, framing pages, slow connections, odd paths.

use crate::on_both_databases;
use crate::support::{TestApp, PASSWORD};
use chrono::Duration;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_databases!(
    password_guessing_is_throttled_per_account,
    hidden_characters_are_refused_everywhere,
    a_patient_cannot_book_out_a_doctor,
    pages_and_answers_carry_security_headers,
    unknown_doctors_are_404,
    weak_passwords_and_far_years_are_refused,
    half_sent_requests_are_cut_off,
);

async fn password_guessing_is_throttled_per_account(app: &TestApp) {
    let client = app.client();
    client.register("Guessed", "guessed@example.test").await;
    let wrong = json!({ "email": "guessed@example.test", "password": "not the password" });
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(client.post("login", wrong.clone()).await.status);
    }
    assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[5..], [429; 3], "{statuses:?}");
    // Even the right password waits now; the answer says for how long.
    let response = client
        .http
        .post(format!("{}/api/login", app.base))
        .json(&json!({ "email": "guessed@example.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
    // Another account is not affected.
    let other = app.client();
    other.register("Other", "other@example.test").await;
    other.login("other@example.test").await;

    // Probing which emails have accounts through registration is slowed down too.
    let prober = app.client();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let reply = prober
            .try_register("Probe", "guessed@example.test", PASSWORD)
            .await;
        statuses.push(reply.status);
    }
    assert_eq!(statuses[..10], [422; 10], "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
}

async fn hidden_characters_are_refused_everywhere(app: &TestApp) {
    let anonymous = app.client();
    for (name, email, field) in [
        ("Nul\u{0}Name", "nul@example.test", "name"),
        ("Bell\u{7}", "bell@example.test", "name"),
        ("Dr. \u{202e}nimdA", "bidi@example.test", "name"),
        ("\u{200b}\u{200b}", "zw@example.test", "name"),
        ("Fine Name", "nul\u{0}@example.test", "email"),
        ("Fine Name", "<a@example.test>", "email"),
        ("Fine Name", "a@b@example.test", "email"),
    ] {
        let reply = anonymous.try_register(name, email, PASSWORD).await;
        assert_eq!(reply.status, 422, "{name:?} {email:?}: {}", reply.body);
        assert_eq!(reply.body["detail"]["field"], field, "{name:?} {email:?}");
    }
    let login = anonymous
        .post(
            "login",
            json!({ "email": "a\u{0}@example.test", "password": PASSWORD }),
        )
        .await;
    assert_eq!(login.status, 422, "{}", login.body);
    assert_eq!(login.body["detail"]["field"], "email");
    assert_eq!(app.count("users").await, 0);

    let clinic = app.clinic().await;
    let mut booking = clinic.booking(clinic.span.start());
    booking["notes"] = json!("call me\u{0}");
    let refused = clinic.patient.post("book", booking.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["detail"]["field"], "notes");
    // Line breaks are fine in notes.
    booking["notes"] = json!("first line\nsecond line");
    let booked = clinic.patient.post("book", booking).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body["notes"], "first line\nsecond line");

    let service = json!({ "service_id": null, "service": { "name": "Esc\u{1b}[31m", "duration_minutes": 30 } });
    let reply = clinic.doctor.post("doctor/save_service", service).await;
    assert_eq!(
        (reply.status, reply.body["detail"]["field"].clone()),
        (422, json!("name"))
    );
    let profile = json!({ "profile": { "specialty": "Skin", "qualifications": "", "languages": "",
        "bio": "Hi\u{0}", "min_notice_minutes": 60, "horizon_days": 30, "daily_cap": null, "change_notice_hours": 12 } });
    let reply = clinic.doctor.post("doctor/save_profile", profile).await;
    assert_eq!(
        (reply.status, reply.body["detail"]["field"].clone()),
        (422, json!("bio"))
    );
    let day = (clinic.span.start() + Duration::days(3)).date_naive();
    let closed = json!({ "first_day": day, "last_day": day, "hours": "", "note": "Off\u{0}" });
    let reply = clinic.doctor.post("doctor/add_override", closed).await;
    assert_eq!(
        (reply.status, reply.body["detail"]["field"].clone()),
        (422, json!("note"))
    );
    let reason =
        json!({ "appointment_id": booked_id(app).await, "action": "reject", "reason": "No\u{0}" });
    let reply = clinic.doctor.post("appointment_status", reason).await;
    assert_eq!(
        (reply.status, reply.body["detail"]["field"].clone()),
        (422, json!("reason"))
    );
}

async fn booked_id(app: &TestApp) -> i64 {
    let sql = "SELECT MAX(id) FROM appointments";
    app.db.scalar_i64(sql).await.unwrap()
}

async fn a_patient_cannot_book_out_a_doctor(app: &TestApp) {
    let clinic = app.clinic().await;
    let start = clinic.span.start();
    let mut statuses = Vec::new();
    for slot in 0..6 {
        let at = start + Duration::minutes(30 * slot);
        statuses.push(clinic.patient.post("book", clinic.booking(at)).await.status);
    }
    assert_eq!(statuses, [200; 6]);
    // More hours, so the next time is free and only the limit stands in the way.
    let later = clinic.span.end();
    let more = json!({ "starts_at": later, "ends_at": later + Duration::hours(2) });
    let added = clinic.doctor.post("doctor/add_availability", more).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let seventh = clinic.patient.post("book", clinic.booking(later)).await;
    assert_eq!(seventh.status, 409, "{}", seventh.body);
    assert!(seventh.body["detail"].as_str().unwrap().contains("waiting"));
    assert_eq!(app.count("appointments").await, 6);
    // Another patient still can.
    let other = app.client();
    other.register("Other", "other@example.test").await;
    let reply = other.post("book", clinic.booking(later)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn pages_and_answers_carry_security_headers(app: &TestApp) {
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/doctors", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.contains_key("x-request-id"));

    let second = http
        .get(format!("{}/doctors", app.base))
        .send()
        .await
        .unwrap();
    let again = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert_ne!(again, csp, "a fresh nonce per response");

    let api = http
        .post(format!("{}/api/me", app.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(api.headers().contains_key("content-security-policy"));
}

async fn unknown_doctors_are_404(app: &TestApp) {
    let http = reqwest::Client::new();
    for path in ["/doctors/abc", "/doctors/999999", "/no-such-page"] {
        let reply = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 404, "{path}");
    }
}

async fn weak_passwords_and_far_years_are_refused(app: &TestApp) {
    let client = app.client();
    for password in ["        ", "password123", "zzzzzzzzzz"] {
        let reply = client
            .try_register("Weak", "weak@example.test", password)
            .await;
        assert_eq!(reply.status, 422, "{password:?}: {}", reply.body);
        assert_eq!(reply.body["detail"]["field"], "password");
    }
    let clinic = app.clinic().await;
    let far = json!({ "starts_at": "9999-12-31T23:00:00Z", "ends_at": "+10000-01-01T01:00:00Z" });
    let reply = clinic.doctor.post("doctor/add_availability", far).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(app.count("availability").await, 1);
}

async fn half_sent_requests_are_cut_off(app: &TestApp) {
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /doctors HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buffer = Vec::new();
    // The header deadline is 10 s; the server closes the connection well before 30 s.
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        slow.read_to_end(&mut buffer),
    )
    .await;
    assert!(closed.is_ok(), "the connection was still open after 30 s");
}
