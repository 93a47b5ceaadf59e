use crate::on_both_databases;
use crate::support::{Client, TestApp, PASSWORD};
use serde_json::json;

fn session_cookie(client: &Client, response: &reqwest::Response) -> Option<String> {
    let _ = client;
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("appointments_session="))
        .map(str::to_string)
}

async fn register_log_out_and_log_in(app: &TestApp) {
    let client = app.client();
    let user = client.register("Ann Patient", " Ann@Example.TEST ").await;
    assert_eq!(user["email"], "ann@example.test");
    assert_eq!(user["role"], "patient");
    assert_eq!(
        client.post("me", json!({})).await.body["name"],
        "Ann Patient"
    );
    assert_eq!(client.post("logout", json!({})).await.status, 200);
    assert_eq!(
        client.post("me", json!({})).await.body,
        serde_json::Value::Null
    );
    let wrong = client
        .post(
            "login",
            json!({ "email": "ann@example.test", "password": "wrong password" }),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let unknown = client
        .post(
            "login",
            json!({ "email": "nobody@example.test", "password": PASSWORD }),
        )
        .await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong.body, unknown.body,
        "the answer must not reveal which accounts exist"
    );
    client.login("ANN@example.test").await;
    assert_eq!(
        client.post("me", json!({})).await.body["email"],
        "ann@example.test"
    );
}

async fn registration_checks_its_input(app: &TestApp) {
    let client = app.client();
    let cases = [
        (
            json!({ "name": "", "email": "a@b.test", "password": PASSWORD }),
            "name",
        ),
        (
            json!({ "name": "A", "email": "not-an-email", "password": PASSWORD }),
            "email",
        ),
        (
            json!({ "name": "A", "email": "a@b.test", "password": "short" }),
            "password",
        ),
    ];
    for (body, field) in cases {
        let reply = client.post("register", body).await;
        assert_eq!(reply.status, 422, "{}", reply.body);
        assert_eq!(reply.body["detail"]["field"], field);
    }
    client.register("A", "a@b.test").await;
    let again = app.client().try_register("B", "A@b.test", PASSWORD).await;
    assert_eq!(again.status, 422);
    assert!(again.body["detail"]["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));
    assert_eq!(app.count("users").await, 1);
}

async fn log_in_issues_a_new_session_id_with_safe_cookie_flags(app: &TestApp) {
    let client = app.client();
    client.register("Ann", "ann@example.test").await;
    let login = |client: &Client| {
        client
            .http
            .post(format!("{}/api/login", client.base))
            .json(&json!({ "email": "ann@example.test", "password": PASSWORD }))
            .send()
    };
    let first = login(&client).await.unwrap();
    let first_cookie = session_cookie(&client, &first).expect("session cookie");
    assert!(first_cookie.contains("HttpOnly"), "{first_cookie}");
    assert!(first_cookie.contains("SameSite=Lax"), "{first_cookie}");
    let second = login(&client).await.unwrap();
    let second_cookie = session_cookie(&client, &second).expect("session cookie");
    let id = |c: &str| c.split(';').next().unwrap().to_string();
    assert_ne!(id(&first_cookie), id(&second_cookie));
}

async fn sessions_survive_a_restart_and_work_on_every_process(app: &TestApp) {
    let client = app.client();
    client.register("Ann", "ann@example.test").await;
    let other_process = app.second_process().await;
    let same_browser = client.on(&other_process);
    assert_eq!(
        same_browser.post("me", json!({})).await.body["email"],
        "ann@example.test"
    );
}

async fn staff_accounts_come_from_the_command_line(app: &TestApp) {
    use appointments::server::cli;
    let args: Vec<String> =
        "user create --role doctor --name Dr.Kim --email kim@clinic.test --time-zone Europe/Paris"
            .split_whitespace()
            .map(String::from)
            .collect();
    let command = cli::parse(&args).unwrap();
    let message = cli::create_user(&app.db, command, PASSWORD).await.unwrap();
    assert!(message.contains("created doctor"), "{message}");
    let client = app.client();
    let user = client.login("kim@clinic.test").await;
    assert_eq!(
        (user["role"].as_str(), user["time_zone"].as_str()),
        (Some("doctor"), Some("Europe/Paris"))
    );
    let bad_zone: Vec<String> =
        "user create --role doctor --name X --email x@clinic.test --time-zone Mars/Base"
            .split_whitespace()
            .map(String::from)
            .collect();
    let error = cli::create_user(&app.db, cli::parse(&bad_zone).unwrap(), PASSWORD)
        .await
        .unwrap_err();
    assert!(error.contains("IANA"), "{error}");
}

on_both_databases!(
    staff_accounts_come_from_the_command_line,
    register_log_out_and_log_in,
    registration_checks_its_input,
    log_in_issues_a_new_session_id_with_safe_cookie_flags,
    sessions_survive_a_restart_and_work_on_every_process,
);
