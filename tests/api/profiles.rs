//! Doctor profiles (who may edit them), the directory's search, and profile photos.

use crate::on_both_databases;
use crate::support::{Client, TestApp};
use appointments::domain::Role;
use serde_json::json;

fn profile(specialty: &str) -> serde_json::Value {
    json!({ "profile": { "specialty": specialty, "qualifications": "MD", "languages": "English, German",
        "bio": "Hello.", "min_notice_minutes": 60, "horizon_days": 30, "daily_cap": 8, "change_notice_hours": 12 } })
}

async fn profiles_are_edited_by_their_doctor_or_an_admin(app: &TestApp) {
    let clinic = app.clinic().await;
    let saved = clinic
        .doctor
        .post("doctor/save_profile", profile("Dermatology"))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["rules"]["daily_cap"], 8);

    let public = app
        .client()
        .post("doctor_profile", json!({ "doctor_id": clinic.doctor_id }))
        .await;
    assert_eq!(public.status, 200);
    assert_eq!(public.body["specialty"], "Dermatology");
    assert_eq!(public.body["services"][0]["name"], "Consultation");
    assert_eq!(public.body["change_notice_hours"], 12);

    app.account(Role::Doctor, "Dr. Other", "other@clinic.test")
        .await;
    let other = app.client();
    other.login("other@clinic.test").await;
    let mut foreign = profile("Cardiology");
    foreign["profile"]["doctor_id"] = json!(clinic.doctor_id);
    assert_eq!(
        other
            .post("doctor/save_profile", foreign.clone())
            .await
            .status,
        403
    );
    assert_eq!(
        clinic
            .patient
            .post("doctor/save_profile", foreign.clone())
            .await
            .status,
        403
    );

    app.account(Role::Admin, "Admin", "admin@clinic.test").await;
    let admin = app.client();
    admin.login("admin@clinic.test").await;
    let by_admin = admin.post("doctor/save_profile", foreign).await;
    assert_eq!(by_admin.status, 200, "{}", by_admin.body);
    assert_eq!(by_admin.body["specialty"], "Cardiology");

    let mut bad = profile("Dermatology");
    bad["profile"]["horizon_days"] = json!(0);
    let refused = clinic.doctor.post("doctor/save_profile", bad).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["detail"]["field"], "horizon_days");
    let unchanged = app
        .client()
        .post("doctor_profile", json!({ "doctor_id": clinic.doctor_id }))
        .await;
    assert_eq!(unchanged.body["specialty"], "Cardiology");
}

async fn the_directory_finds_doctors_by_specialty_name_or_service(app: &TestApp) {
    let clinic = app.clinic().await;
    clinic
        .doctor
        .post("doctor/save_profile", profile("Dermatology"))
        .await;
    let other_id = app
        .account(Role::Doctor, "Dr. Bone", "bone@clinic.test")
        .await;
    app.service(other_id, "Knee check", 30).await;
    let bone = app.client();
    bone.login("bone@clinic.test").await;
    bone.post("doctor/save_profile", profile("Orthopaedics"))
        .await;

    let anonymous = app.client();
    let find = |text: &'static str, specialty: &'static str| {
        let anonymous = anonymous.clone();
        async move {
            let reply = anonymous
                .post(
                    "doctors",
                    json!({ "search": { "text": text, "specialty": specialty } }),
                )
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["doctor"]["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("", "").await.len(), 2);
    assert_eq!(find("knee", "").await, ["Dr. Bone"]);
    assert_eq!(find("", "dermatology").await, ["Dr. Test"]);
    assert_eq!(find("test", "").await, ["Dr. Test"]);
    assert!(find("cardio", "").await.is_empty());
    let specialties = anonymous.post("specialties", json!({})).await;
    assert_eq!(specialties.body, json!(["Dermatology", "Orthopaedics"]));

    // The next free time: Dr. Test has the clinic's span, Dr. Bone no hours at all.
    let all = anonymous.post("doctors", json!({})).await;
    let card = |name: &str| {
        all.body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["doctor"]["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(card("Dr. Test")["next_free"], json!(clinic.span.start()));
    assert_eq!(card("Dr. Bone")["next_free"], json!(null));
}

fn png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(640, 480, image::Rgb([10, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(
    client: &Client,
    doctor_id: i64,
    bytes: Vec<u8>,
    return_to: Option<&str>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(bytes).file_name("me.png"),
    );
    if let Some(path) = return_to {
        form = form.text("return_to", path.to_string());
    }
    client
        .http
        .post(format!("{}/api/doctors/{doctor_id}/photo", client.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn photos_are_resized_and_served_as_plain_jpegs(app: &TestApp) {
    let clinic = app.clinic().await;
    let reply = upload(&clinic.doctor, clinic.doctor_id, png(), None).await;
    assert_eq!(reply.status(), 204);
    let public = app
        .client()
        .post("doctor_profile", json!({ "doctor_id": clinic.doctor_id }))
        .await;
    let url = public.body["photo_url"]
        .as_str()
        .expect("a photo URL")
        .to_string();
    let photo = clinic
        .patient
        .http
        .get(format!("{}{url}", clinic.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.headers()["x-content-type-options"], "nosniff");
    let decoded = image::load_from_memory(&photo.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 400));

    // Forms are sent back to the page with the outcome.
    let form = upload(
        &clinic.doctor,
        clinic.doctor_id,
        b"GIF89a not really".to_vec(),
        Some("/doctor/profile"),
    )
    .await;
    assert!(
        form.url().as_str().contains("/doctor/profile?photo_error="),
        "{}",
        form.url()
    );
    let refused = upload(&clinic.doctor, clinic.doctor_id, b"<svg/>".to_vec(), None).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        upload(&clinic.patient, clinic.doctor_id, png(), None)
            .await
            .status(),
        403
    );
    assert_eq!(
        upload(&app.client(), clinic.doctor_id, png(), None)
            .await
            .status(),
        401
    );
    let cross_site = clinic
        .doctor
        .http
        .post(format!(
            "{}/api/doctors/{}/photo",
            clinic.base_url(),
            clinic.doctor_id
        ))
        .header("origin", "https://evil.example")
        .multipart(
            reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(png())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let missing = clinic
        .patient
        .http
        .get(format!("{}/api/doctors/999/photo", clinic.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

async fn the_practice_phone_reaches_patients(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut with_phone = profile("Dermatology");
    with_phone["profile"]["phone"] = json!("+49 30 1234 5670");
    let saved = clinic.doctor.post("doctor/save_profile", with_phone).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let public = app
        .client()
        .post("doctor_profile", json!({ "doctor_id": clinic.doctor_id }))
        .await;
    assert_eq!(public.body["phone"], "+49 30 1234 5670");
    clinic.book_first().await;
    let mine = clinic.patient.post("my_appointments", json!({})).await;
    assert_eq!(mine.body[0]["practice_phone"], "+49 30 1234 5670");

    let mut letters = profile("Dermatology");
    letters["profile"]["phone"] = json!("call the desk");
    let refused = clinic.doctor.post("doctor/save_profile", letters).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["detail"]["field"], "phone");
}

async fn every_wrong_field_is_reported_at_once(app: &TestApp) {
    let clinic = app.clinic().await;
    let mut bad = profile("Dermatology");
    bad["profile"]["horizon_days"] = json!(0);
    bad["profile"]["daily_cap"] = json!(0);
    bad["profile"]["phone"] = json!("12");
    let refused = clinic.doctor.post("doctor/save_profile", bad).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let detail = &refused.body["detail"];
    assert_eq!(detail["field"], "horizon_days");
    let others: Vec<&str> = detail["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(others, ["daily_cap", "phone"]);

    let service = json!({ "service": { "name": "", "duration_minutes": 0, "buffer_before_minutes": -5,
        "price_minor": -1, "currency": "EUR" } });
    let services_before = app.count("services").await;
    let refused = clinic.doctor.post("doctor/save_service", service).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let detail = &refused.body["detail"];
    let mut fields: Vec<&str> = std::iter::once(&detail["field"])
        .chain(detail["others"].as_array().unwrap())
        .map(|e| e.as_str().or_else(|| e["field"].as_str()).unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["buffer_before_minutes", "duration_minutes", "name", "price"]
    );
    assert_eq!(
        app.count("services").await,
        services_before,
        "nothing saved"
    );

    let register = app.client().try_register("", "nope", "short").await;
    assert_eq!(register.status, 422);
    assert_eq!(register.body["detail"]["field"], "name");
    assert_eq!(
        register.body["detail"]["others"].as_array().unwrap().len(),
        2
    );
}

/// A photo over the limit from the editor's form goes back to the form with the message,
/// like every other photo error (not to a page of JSON).
async fn an_oversized_photo_goes_back_to_the_form(app: &TestApp) {
    let clinic = app.clinic().await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let doctor = Client {
        base: clinic.doctor.base.clone(),
        http,
    };
    doctor.login("doc@clinic.test").await;
    let huge = vec![0u8; appointments::server::photos::MAX_UPLOAD_BYTES + 1024];
    let form = reqwest::multipart::Form::new()
        .text("return_to", "/doctor/profile")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(huge).file_name("big.jpg"),
        );
    let reply = doctor
        .http
        .post(format!(
            "{}/api/doctors/{}/photo",
            doctor.base, clinic.doctor_id
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 303);
    let location = reply.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/doctor/profile?photo_error=That%20file%20is%20larger"),
        "{location}"
    );
}

on_both_databases!(
    the_practice_phone_reaches_patients,
    every_wrong_field_is_reported_at_once,
    an_oversized_photo_goes_back_to_the_form,
    profiles_are_edited_by_their_doctor_or_an_admin,
    the_directory_finds_doctors_by_specialty_name_or_service,
    photos_are_resized_and_served_as_plain_jpegs,
);
