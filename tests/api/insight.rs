//! Insight: the day sums the database keeps follow every booking, status change, move and
//! back-fill; reports and the CSV are for a doctor's own and an admin's eyes only.

use crate::on_both_databases;
use crate::support::{Clinic, TestApp};
use appointments::domain::insight::LocalStart;
use appointments::domain::Role;
use chrono::Duration;
use serde_json::{json, Value};

on_both_databases!(
    reports_follow_bookings_answers_and_cancellations,
    day_sums_always_equal_the_appointments_themselves,
    only_doctors_own_and_admins_see_reports,
    reports_refuse_bad_ranges,
    csv_export_has_one_line_per_day,
);

/// The report for the clinic's day, as the doctor asks for it.
async fn report_of_day(clinic: &Clinic) -> Value {
    let day = clinic.span.start().date_naive().to_string();
    let reply = clinic
        .doctor
        .post("insight", json!({ "from": day, "to": day }))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// Three requests on the clinic's day: returns their ids.
async fn three_requests(clinic: &Clinic) -> [i64; 3] {
    let mut ids = [0; 3];
    for (i, id) in ids.iter_mut().enumerate() {
        let at = clinic.span.start() + Duration::minutes(30 * i as i64);
        let reply = clinic.patient.post("book", clinic.booking(at)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        *id = reply.body["id"].as_i64().unwrap();
    }
    ids
}

async fn reports_follow_bookings_answers_and_cancellations(app: &TestApp) {
    let clinic = app.clinic().await;
    let [a, b, _c] = three_requests(&clinic).await;
    assert_eq!(clinic.doctor.act(a, "confirm").await.status, 200);
    assert_eq!(clinic.doctor.act(b, "reject").await.status, 200);

    let report = report_of_day(&clinic).await;
    let totals = &report["totals"];
    assert_eq!(totals["booked"], 3);
    assert_eq!(totals["pending"], 1);
    assert_eq!(totals["confirmed"], 1);
    assert_eq!(totals["rejected"], 1);
    assert_eq!(totals["kept_minutes"], 60);
    // 3 hours of extra availability that day, and nothing else.
    assert_eq!(report["working_minutes"], 180);
    assert_eq!(report["days"].as_array().unwrap().len(), 1);
    assert_eq!(report["rates"]["confirmation"], 0.5);
    assert_eq!(report["rates"]["utilisation"], 60.0 / 180.0);
    // Requested about ten days ahead: the 7-14 day bucket.
    assert_eq!(report["lead_buckets"], json!([0, 0, 0, 3, 0, 0]));
    let local = LocalStart::of(&chrono_tz::Europe::Berlin, clinic.span.start());
    let weekday = clinic
        .span
        .start()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive()
        .format("%u")
        .to_string()
        .parse::<usize>()
        .unwrap()
        - 1;
    assert_eq!(report["busiest"][weekday][local.hour as usize], 1);
    assert_eq!(report["busiest"][weekday][local.hour as usize + 1], 1);
    assert_eq!(report["doctors"][0]["doctor_name"], "Dr. Test");

    assert_eq!(clinic.patient.act(a, "cancel").await.status, 200);
    let report = report_of_day(&clinic).await;
    assert_eq!(report["totals"]["booked"], 3);
    assert_eq!(report["totals"]["confirmed"], 0);
    assert_eq!(report["totals"]["cancelled"], 1);
    assert_eq!(report["totals"]["kept_minutes"], 30);
    assert_eq!(report["rates"]["cancellation"], 1.0 / 3.0);
    assert_eq!(report["busiest"][weekday][local.hour as usize], 0);
}

/// The sums as the database keeps them, and as counted from the appointments directly.
async fn sums_both_ways(app: &TestApp) -> (Vec<(i64, i64, i64, i64)>, Vec<(i64, i64, i64, i64)>) {
    let kept = "status NOT IN ('rejected', 'cancelled')";
    let direct = format!(
        "SELECT CAST(local_day AS BIGINT), CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN {kept} THEN (ends_at - starts_at) / 60 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN {kept} THEN local_hour ELSE 0 END) AS BIGINT) \
         FROM appointments GROUP BY local_day ORDER BY local_day"
    );
    let hours: Vec<String> = (0..24).map(|h| format!("h{h:02} * {h}")).collect();
    let stored = format!(
        "SELECT CAST(day AS BIGINT), CAST(SUM(booked) AS BIGINT), CAST(SUM(kept_minutes) AS BIGINT), \
         CAST(SUM({}) AS BIGINT) FROM insight_days WHERE booked <> 0 GROUP BY day ORDER BY day",
        hours.join(" + ")
    );
    (
        app.db.rows(&stored).await.unwrap(),
        app.db.rows(&direct).await.unwrap(),
    )
}

async fn day_sums_always_equal_the_appointments_themselves(app: &TestApp) {
    let clinic = app.clinic().await;
    let [a, b, c] = three_requests(&clinic).await;
    assert_eq!(clinic.doctor.act(a, "confirm").await.status, 200);
    let moved = clinic.span.start() + Duration::minutes(150);
    assert_eq!(clinic.doctor.reschedule(b, moved).await.status, 200);
    assert_eq!(clinic.patient.act(c, "cancel").await.status, 200);
    let (stored, direct) = sums_both_ways(app).await;
    assert_eq!(stored, direct);
    assert_eq!(stored[0].1, 3);

    // Rows from before Insight (no local start yet) are counted once filled in at start-up.
    let before = report_of_day(&clinic).await;
    app.db
        .execute("UPDATE appointments SET local_day = NULL, local_hour = NULL")
        .await
        .unwrap();
    assert_eq!(report_of_day(&clinic).await["totals"]["booked"], 0);
    let filled = appointments::server::insight::fill_local_starts(&app.db)
        .await
        .unwrap();
    assert_eq!(filled, 3);
    assert_eq!(report_of_day(&clinic).await, before);
    let (stored, direct) = sums_both_ways(app).await;
    assert_eq!(stored, direct);
}

async fn only_doctors_own_and_admins_see_reports(app: &TestApp) {
    let clinic = app.clinic().await;
    three_requests(&clinic).await;
    let mine = report_of_day(&clinic).await;
    let day = clinic.span.start().date_naive().to_string();
    let range = json!({ "from": day, "to": day });

    assert_eq!(
        clinic.patient.post("insight", range.clone()).await.status,
        403
    );
    assert_eq!(
        app.client().post("insight", range.clone()).await.status,
        401
    );
    let other_id = app
        .account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let mut theirs = range.clone();
    theirs["doctor"] = json!(clinic.doctor_id);
    assert_eq!(other.post("insight", theirs.clone()).await.status, 404);
    let own = other.post("insight", range.clone()).await.body;
    assert_eq!(own["totals"]["booked"], 0);

    app.account(Role::Admin, "Admin", "admin@clinic.test").await;
    let admin = app.client();
    admin.login("admin@clinic.test").await;
    let named = admin.post("insight", theirs).await.body;
    assert_eq!(named["totals"], mine["totals"]);
    assert_eq!(named["doctor_id"], clinic.doctor_id);
    let everyone = admin.post("insight", range).await;
    assert_eq!(everyone.status, 200, "{}", everyone.body);
    assert_eq!(everyone.body["doctor_id"], Value::Null);
    assert_eq!(everyone.body["totals"]["booked"], 3);
    let names: Vec<&str> = everyone.body["doctors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doctor_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dr. Other", "Dr. Test"]);
    assert_eq!(everyone.body["doctors"][1]["tally"]["booked"], 3);
    assert_eq!(everyone.body["doctors"][1]["working_minutes"], 180);
    assert_eq!(everyone.body["working_minutes"], 180);
    assert_eq!(everyone.body["doctors"][0]["doctor_id"], other_id);
    let nobody = json!({ "from": day, "to": day, "doctor": other_id + 100 });
    assert_eq!(admin.post("insight", nobody).await.status, 404);
}

async fn reports_refuse_bad_ranges(app: &TestApp) {
    let clinic = app.clinic().await;
    let cases = [
        (json!({ "from": "2026-12-02", "to": "2026-12-01" }), 422),
        (json!({ "from": "2026-01-01", "to": "2027-01-02" }), 422),
        (json!({ "from": "1999-12-31", "to": "2000-01-01" }), 422),
        (json!({ "from": "2026-13-01", "to": "2026-12-01" }), 400),
        (json!({ "from": "2026-12-01" }), 400),
    ];
    for (body, status) in cases {
        let reply = clinic.doctor.post("insight", body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        if status == 422 {
            assert_eq!(reply.body["detail"]["field"], "to", "{body}");
        }
    }
    let year = clinic
        .doctor
        .post(
            "insight",
            json!({ "from": "2026-01-01", "to": "2027-01-01" }),
        )
        .await;
    assert_eq!(year.status, 200);
    assert_eq!(year.body["days"].as_array().unwrap().len(), 366);
}

async fn csv_export_has_one_line_per_day(app: &TestApp) {
    let clinic = app.clinic().await;
    three_requests(&clinic).await;
    let day = clinic.span.start().date_naive();
    let url = |from: chrono::NaiveDate| {
        format!(
            "{}/api/insight.csv?from={from}&to={}",
            clinic.base_url(),
            day + Duration::days(1)
        )
    };
    let response = clinic.doctor.http.get(url(day)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"insight-"));
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with(&format!("{day},3,3,0,0,0,0,0,0,90,180")),
        "{text}"
    );
    assert!(lines[2].starts_with(&format!("{},0,", day + Duration::days(1))));

    let patient = clinic.patient.http.get(url(day)).send().await.unwrap();
    assert_eq!(patient.status(), 403);
    let backwards = clinic
        .doctor
        .http
        .get(url(day + Duration::days(5)))
        .send()
        .await
        .unwrap();
    assert_eq!(backwards.status(), 422);
}
