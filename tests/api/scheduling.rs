//! Weekly hours, overrides, buffers, caps, notice and horizon through the API, and
//! services of different lengths racing for overlapping times.

use crate::on_both_databases;
use crate::support::{Client, TestApp};
use appointments::domain::Role;
use appointments::server::auth::{create_account, NewAccount};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

/// A doctor in `zone` with hours every day, logged in; returns (doctor id, client).
async fn doctor_in(app: &TestApp, zone: &str, email: &str, hours: &str) -> (i64, Client) {
    let account = NewAccount {
        name: "Dr. Zone",
        email,
        password: crate::support::PASSWORD,
        role: Role::Doctor,
        time_zone: zone,
    };
    let id = create_account(&app.db, account).await.unwrap().id;
    let client = app.client();
    client.login(email).await;
    let set = client
        .post("doctor/set_hours", json!({ "days": vec![hours; 7] }))
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    (id, client)
}

async fn save_rules(doctor: &Client, notice_minutes: i64, horizon_days: i64, cap: Option<i64>) {
    let profile = json!({ "profile": {
        "specialty": "General practice", "min_notice_minutes": notice_minutes,
        "horizon_days": horizon_days, "daily_cap": cap, "change_notice_hours": 24 } });
    let saved = doctor.post("doctor/save_profile", profile).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

/// Free start times of a local day in `zone`, as local "HH:MM".
async fn local_times(
    client: &Client,
    doctor: i64,
    service: i64,
    zone: Tz,
    day: NaiveDate,
) -> Vec<String> {
    let from = zone
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap();
    let to = from + Duration::days(1);
    starts(client, doctor, service, from.to_utc(), to.to_utc())
        .await
        .into_iter()
        .map(|t| t.with_timezone(&zone).format("%H:%M").to_string())
        .collect()
}

async fn starts(
    client: &Client,
    doctor: i64,
    service: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let reply = client
        .post(
            "free_times",
            json!({ "doctor_id": doctor, "service_id": service, "from": from, "to": to }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().parse().unwrap())
        .collect()
}

fn book(doctor: i64, service: i64, at: DateTime<Utc>) -> Value {
    json!({ "doctor_id": doctor, "service_id": service, "starts_at": at, "notes": "" })
}

fn in_ten_days() -> NaiveDate {
    (Utc::now() + Duration::days(10)).date_naive()
}

async fn weekly_hours_and_overrides_decide_the_free_times(app: &TestApp) {
    let zone: Tz = "Europe/Berlin".parse().unwrap();
    let (doctor, client) = doctor_in(
        app,
        "Europe/Berlin",
        "hours@clinic.test",
        "09:00-10:00, 14:00-15:30",
    )
    .await;
    let service = app.service(doctor, "Consultation", 30).await;
    let day = in_ten_days();
    let all = ["09:00", "09:30", "14:00", "14:30", "15:00"];
    assert_eq!(local_times(&client, doctor, service, zone, day).await, all);

    let closed = client
        .post("doctor/add_override", json!({ "first_day": day, "last_day": day + Duration::days(2), "hours": "", "note": "Congress" }))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(local_times(&client, doctor, service, zone, day)
        .await
        .is_empty());
    assert!(
        local_times(&client, doctor, service, zone, day + Duration::days(2))
            .await
            .is_empty()
    );
    assert_eq!(
        local_times(&client, doctor, service, zone, day + Duration::days(3)).await,
        all
    );

    let overlapping = client
        .post("doctor/add_override", json!({ "first_day": day + Duration::days(1), "last_day": day + Duration::days(1), "hours": "10:00-11:00" }))
        .await;
    assert_eq!(overlapping.status, 409, "{}", overlapping.body);
    let removed = client
        .post(
            "doctor/remove_override",
            json!({ "override_id": closed.body["id"] }),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let special = client
        .post(
            "doctor/add_override",
            json!({ "first_day": day, "last_day": day, "hours": "11:00-12:00" }),
        )
        .await;
    assert_eq!(special.status, 200, "{}", special.body);
    assert_eq!(
        local_times(&client, doctor, service, zone, day).await,
        ["11:00", "11:30"]
    );

    // Bad input says what is wrong and changes nothing.
    let before = app.count("weekly_hours").await;
    let week = |hours: &str, days: usize| json!(vec![hours; days]);
    for days in [
        week("09:00-12:00", 6),
        week("12:00-09:00", 7),
        week("09:00-12:00, 11:00-13:00", 7),
        week("9 to 5", 7),
    ] {
        let reply = client
            .post("doctor/set_hours", json!({ "days": days }))
            .await;
        assert_eq!(reply.status, 422, "{days}: {}", reply.body);
        assert!(!reply.body["detail"]["message"].as_str().unwrap().is_empty());
    }
    let past = client
        .post(
            "doctor/add_override",
            json!({ "first_day": "2020-01-01", "last_day": "2020-01-02", "hours": "" }),
        )
        .await;
    assert_eq!(past.status, 422, "{}", past.body);
    assert_eq!(app.count("weekly_hours").await, before);
    assert_eq!(app.count("date_overrides").await, 1);
}

async fn hours_follow_the_doctors_zone_across_a_dst_change(app: &TestApp) {
    let zone: Tz = "America/New_York".parse().unwrap();
    let (doctor, client) =
        doctor_in(app, "America/New_York", "ny@clinic.test", "09:00-11:00").await;
    save_rules(&client, 0, 365, None).await;
    let service = app.service(doctor, "Consultation", 60).await;
    // The first Sunday of November is when New York falls back. Searched from two days
    // ahead, so that the Saturday before is never today (when its morning may be over).
    let mut sunday = Utc::now().date_naive() + Duration::days(2);
    while !(sunday.format("%m %a").to_string() == "11 Sun"
        && sunday.format("%d").to_string().parse::<u32>().unwrap() <= 7)
    {
        sunday += Duration::days(1);
    }
    for day in [
        sunday - Duration::days(1),
        sunday,
        sunday + Duration::days(1),
    ] {
        assert_eq!(
            local_times(&client, doctor, service, zone, day).await,
            ["09:00", "10:00"],
            "{day}"
        );
    }
    for (day, utc_hour) in [
        (sunday - Duration::days(1), "13"),
        (sunday + Duration::days(1), "14"),
    ] {
        let from = zone
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .to_utc();
        let first = starts(&client, doctor, service, from, from + Duration::days(1)).await[0];
        assert_eq!(first.format("%H").to_string(), utc_hour, "{day}");
    }
}

async fn buffers_notice_horizon_and_caps_are_enforced(app: &TestApp) {
    let clinic = app.clinic().await;
    let long = app
        .service_with(clinic.doctor_id, "Long visit", 60, |s| {
            s.buffer_after_minutes = 15
        })
        .await;
    let start = clinic.span.start();
    let booked = clinic
        .patient
        .post("book", book(clinic.doctor_id, long, start))
        .await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    // The 30-minute service waits for the 60-minute visit and its 15-minute buffer.
    let free = starts(
        &clinic.patient,
        clinic.doctor_id,
        clinic.service_id,
        clinic.span.start(),
        clinic.span.end(),
    )
    .await;
    assert_eq!(
        free.first(),
        Some(&(start + Duration::minutes(90))),
        "{free:?}"
    );
    let other = app.client();
    other.register("Other", "other@example.test").await;
    let in_buffer = other
        .post("book", clinic.booking(start + Duration::minutes(60)))
        .await;
    assert_eq!(in_buffer.status, 409, "{}", in_buffer.body);

    // A cap of one appointment a day closes the day.
    save_rules(&clinic.doctor, 0, 60, Some(1)).await;
    assert!(starts(
        &other,
        clinic.doctor_id,
        clinic.service_id,
        clinic.span.start(),
        clinic.span.end()
    )
    .await
    .is_empty());
    let full = other
        .post("book", clinic.booking(start + Duration::minutes(120)))
        .await;
    assert_eq!(full.status, 409, "{}", full.body);
    assert!(full.body["detail"]
        .as_str()
        .unwrap()
        .contains("fully booked"));

    // Notice and horizon: the span is ten days away.
    save_rules(&clinic.doctor, 11 * 24 * 60, 60, None).await;
    let soon = other
        .post("book", clinic.booking(start + Duration::minutes(120)))
        .await;
    assert_eq!(soon.status, 422, "{}", soon.body);
    assert!(soon.body["detail"]["message"]
        .as_str()
        .unwrap()
        .contains("at least 11 days"));
    save_rules(&clinic.doctor, 0, 5, None).await;
    let far = other
        .post("book", clinic.booking(start + Duration::minutes(120)))
        .await;
    assert_eq!(far.status, 422, "{}", far.body);
    assert!(far.body["detail"]["message"]
        .as_str()
        .unwrap()
        .contains("up to 5 days"));
    assert_eq!(app.count("appointments").await, 1);
}

async fn mixed_length_services_racing_never_overlap(app: &TestApp) {
    let clinic = app.clinic().await;
    let quarter = app
        .service_with(clinic.doctor_id, "Quick", 15, |s| {
            s.slot_step_minutes = Some(5)
        })
        .await;
    let hour = app
        .service_with(clinic.doctor_id, "Hour", 60, |s| {
            s.slot_step_minutes = Some(5);
            s.buffer_before_minutes = 5;
            s.buffer_after_minutes = 10;
        })
        .await;
    let services = [(clinic.service_id, 30), (quarter, 15), (hour, 60)];
    let mut requests = Vec::new();
    for n in 0..60usize {
        let client = app.client();
        let email = format!("mixed{n}@example.test");
        app.account(Role::Patient, "Mixed", &email).await;
        client.login(&email).await;
        let (service, _) = services[n % 3];
        // Starts every 5 minutes through the first two hours: heavily overlapping.
        let offset = (n as i64 * 25) % 120 / 5 * 5;
        let at = clinic.span.start() + Duration::minutes(offset);
        requests.push((client, book(clinic.doctor_id, service, at)));
    }
    let replies = futures::future::join_all(
        requests
            .iter()
            .map(|(c, body)| c.post("book", body.clone())),
    )
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| [200, 409, 422].contains(s)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200));
    // What the database holds: no two active appointments' times (with buffers) overlap.
    let sql = "SELECT blocked_from, blocked_until, starts_at, ends_at FROM appointments WHERE status IN ('pending', 'confirmed') ORDER BY blocked_from";
    let rows: Vec<(i64, i64, i64, i64)> = app.db.rows(sql).await.unwrap();
    assert_eq!(rows.len(), statuses.iter().filter(|s| **s == 200).count());
    for pair in rows.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlap: {pair:?}");
    }
    for row in &rows {
        assert!(
            row.0 <= row.2 && row.3 <= row.1,
            "buffers cover the visit: {row:?}"
        );
    }
}

on_both_databases!(
    weekly_hours_and_overrides_decide_the_free_times,
    hours_follow_the_doctors_zone_across_a_dst_change,
    buffers_notice_horizon_and_caps_are_enforced,
    mixed_length_services_racing_never_overlap,
);
