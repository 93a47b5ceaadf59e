//! The patient's pages as a browser without JavaScript gets them: server-rendered with their
//! data and titles, log-in and registration as plain form posts, and the profile's free
//! times as links.

use crate::on_both_databases;
use crate::support::{Client, TestApp, PASSWORD};
use serde_json::json;

/// A browser with JavaScript off: its own cookies, and redirects shown, not followed.
fn browser(app: &TestApp) -> Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Client {
        base: app.base.clone(),
        http,
    }
}

async fn page(client: &Client, path: &str) -> (u16, String) {
    let response = client
        .http
        .get(format!("{}{path}", client.base))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Posts a form as a browser does; returns the status and the redirect's target.
async fn post_form(client: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let response = client
        .http
        .post(format!("{}{path}", client.base))
        .header("origin", &client.base)
        .form(fields)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

/// The text between `<title>` and `</title>`.
fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html[start..].find("</title>").unwrap() + start;
    &html[start..end]
}

async fn public_pages_carry_their_data_and_title(app: &TestApp) {
    let clinic = app.clinic().await;
    let visitor = browser(app);

    let (status, directory) = page(&visitor, "/doctors").await;
    assert_eq!(status, 200);
    assert_eq!(title(&directory), "Find a doctor · Appointments");
    assert!(
        directory.contains(r#"<meta name="description""#),
        "{directory}"
    );
    assert!(directory.contains("Dr. Test"), "the list is in the page");
    assert!(directory.contains("Next free:"));
    let (_, none) = page(&visitor, "/doctors?q=nobody+at+all").await;
    assert!(none.contains("No doctors match"));
    assert!(!none.contains("Dr. Test"));

    let (status, profile) = page(&visitor, &format!("/doctors/{}", clinic.doctor_id)).await;
    assert_eq!(status, 200);
    assert!(
        title(&profile).starts_with("Dr. Test"),
        "{}",
        title(&profile)
    );
    assert!(profile.contains("Book an appointment with Dr. Test"));
    let first = clinic.span.start().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let link = format!(
        "/doctors/{}?service={}&amp;start={first}#book",
        clinic.doctor_id, clinic.service_id
    );
    assert!(
        profile.contains(&link),
        "a link to the first free time: {link}"
    );
    assert!(
        profile.contains("<noscript>"),
        "says booking needs JavaScript"
    );

    let (status, missing) = page(&visitor, "/doctors/999999").await;
    assert_eq!(status, 404);
    assert!(missing.contains("Doctor not found"));

    let (_, login) = page(&visitor, "/login").await;
    assert_eq!(title(&login), "Log in · Appointments");
    assert!(login.contains(r#"action="/login""#));
    let submit = &login[login.find(r#"type="submit""#).unwrap()..];
    let submit = &submit[..submit.find('>').unwrap()];
    // Its class has `disabled:` variants; the attribute itself must not be there.
    let attributes: String = submit.split('"').step_by(2).collect();
    assert!(
        !attributes.contains("disabled"),
        "usable before the app loads: {submit}"
    );
}

async fn log_in_works_as_a_plain_form_post(app: &TestApp) {
    app.clinic().await;
    let visitor = browser(app);
    let next = "/doctors/1?service=2&start=2026-11-30T09:00:00Z";

    let wrong = [
        ("email", "pat@example.test"),
        ("password", "wrong password"),
        ("next", next),
    ];
    let (status, location) = post_form(&visitor, "/login", &wrong).await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        "/login?next=%2Fdoctors%2F1%3Fservice%3D2%26start%3D2026-11-30T09%3A00%3A00Z"
    );
    let (_, again) = page(&visitor, &location).await;
    assert!(again.contains("That email and password do not match an account."));
    assert!(
        again.contains(r#"value="pat@example.test""#),
        "the typed email stays"
    );
    assert!(!again.contains("wrong password"), "never the password");
    let (_, later) = page(&visitor, "/login").await;
    assert!(!later.contains("do not match"), "the error shows once");

    let right = [
        ("email", "pat@example.test"),
        ("password", PASSWORD),
        ("next", next),
    ];
    let (status, location) = post_form(&visitor, "/login", &right).await;
    assert_eq!((status, location.as_str()), (303, next));
    let me = visitor.post("me", json!({})).await;
    assert_eq!(me.body["email"], "pat@example.test");

    // Another site as `next` is ignored: the user's own start page instead.
    let elsewhere = browser(app);
    let away = [
        ("email", "pat@example.test"),
        ("password", PASSWORD),
        ("next", "//evil.example/"),
    ];
    let (status, location) = post_form(&elsewhere, "/login", &away).await;
    assert_eq!((status, location.as_str()), (303, "/appointments"));
}

async fn registration_works_as_a_plain_form_post(app: &TestApp) {
    let visitor = browser(app);
    let bad = [
        ("name", ""),
        ("email", "not an email"),
        ("password", "short"),
    ];
    let (status, location) = post_form(&visitor, "/register", &bad).await;
    assert_eq!((status, location.as_str()), (303, "/register"));
    let (_, again) = page(&visitor, "/register").await;
    // Every problem at once, each next to its field and named by it.
    for field in ["name", "email", "password"] {
        assert!(
            again.contains(&format!(r#"id="{field}-error""#)),
            "{field}: {again}"
        );
    }
    assert!(again.contains(r#"value="not an email""#));
    assert_eq!(app.count("users").await, 0, "nothing was created");

    let good = [
        ("name", "Robin Roe"),
        ("email", "robin@example.test"),
        ("password", PASSWORD),
    ];
    let (status, location) = post_form(&visitor, "/register", &good).await;
    assert_eq!((status, location.as_str()), (303, "/appointments"));
    let me = visitor.post("me", json!({})).await;
    assert_eq!(me.body["name"], "Robin Roe");
}

async fn a_foreign_form_post_is_refused(app: &TestApp) {
    app.clinic().await;
    let visitor = browser(app);
    let response = visitor
        .http
        .post(format!("{}/login", visitor.base))
        .header("origin", "https://evil.example")
        .form(&[("email", "pat@example.test"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(visitor.post("me", json!({})).await.body, json!(null));
}

async fn next_free_times_lists_each_services_first_times(app: &TestApp) {
    let clinic = app.clinic().await;
    let ask = json!({ "doctor_id": clinic.doctor_id });
    let free = app.client().post("next_free_times", ask.clone()).await;
    assert_eq!(free.status, 200, "{}", free.body);
    let times = free.body[0]["times"].as_array().unwrap().clone();
    assert_eq!(free.body[0]["service_id"], clinic.service_id);
    assert_eq!(times.len(), 6, "{times:?}");
    assert_eq!(times[0]["starts_at"], json!(clinic.span.start()));
    // On the doctor's clock (the test doctor works in Berlin).
    let berlin = clinic
        .span
        .start()
        .with_timezone(&chrono_tz::Europe::Berlin);
    let local = berlin.naive_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    assert_eq!(times[0]["local"], json!(local));

    clinic.book_first().await;
    let after = app.client().post("next_free_times", ask).await;
    assert_ne!(
        after.body[0]["times"][0]["starts_at"],
        times[0]["starts_at"]
    );

    let unknown = app
        .client()
        .post("next_free_times", json!({ "doctor_id": 999999 }))
        .await;
    assert_eq!(unknown.status, 404);
}

on_both_databases!(
    public_pages_carry_their_data_and_title,
    log_in_works_as_a_plain_form_post,
    registration_works_as_a_plain_form_post,
    a_foreign_form_post_is_refused,
    next_free_times_lists_each_services_first_times,
);
