//! The webhook channel: each message as JSON, POSTed to the configured URL (an SMS gateway,
//! another system), signed so the receiver can tell it came from us and was not replayed late.

use super::letter::Letter;
use super::links::sign;
use crate::domain::models::Appointment;
use crate::server::db::messaging::Recipient;
use serde_json::json;
use std::time::Duration;

pub const SIGNATURE_HEADER: &str = "X-Appointments-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Appointments-Timestamp";
pub const ID_HEADER: &str = "X-Appointments-Id";

/// A receiver that takes longer fails the attempt (retried later).
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The JSON body: the message id (idempotent across retries), what happened, to whom, and
/// the text an SMS gateway can send as it is.
pub fn body(
    kind: &str,
    letter: &Letter,
    appointment: &Appointment,
    recipient: &Recipient,
    created_at: i64,
) -> Vec<u8> {
    let value = json!({
        "id": letter.message_id,
        "kind": kind,
        "created_at": created_at,
        "recipient": {
            "id": recipient.id,
            "name": recipient.name,
            "email": recipient.email,
            "role": recipient.role,
            "time_zone": recipient.time_zone,
        },
        "appointment": {
            "id": appointment.id,
            "doctor_id": appointment.doctor_id,
            "doctor_name": appointment.doctor_name,
            "patient_id": appointment.patient_id,
            "patient_name": appointment.patient_name,
            "service_name": appointment.service_name,
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "status": appointment.status,
        },
        "subject": letter.subject,
        "text": letter.text,
        "link": letter.link,
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("sha256={}", sign(secret, &signed))
}

pub async fn post(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    message_id: &str,
    body: Vec<u8>,
    now: i64,
) -> Result<(), String> {
    let response = http
        .post(url)
        .timeout(TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(ID_HEADER, message_id)
        .header(TIMESTAMP_HEADER, now.to_string())
        .header(SIGNATURE_HEADER, signature(secret, now, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("webhook: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("webhook answered {status}"))
    }
}
