//! Message choices, calendar addresses, a doctor's reminder and busy-feed settings, and the
//! admins' view of the outbox.

use super::busy_import;
use super::db::{from_ts, messaging, outbox, Db};
use super::feed_client::FeedClient;
use super::state::AppState;
use crate::domain::models::User;
use crate::domain::notify::{
    format_reminder_hours, parse_feed_url, parse_reminder_hours, DoctorCalendarSettings,
    MessageChoices, MessageKind, MessageQueue, MessageSettings, UndeliveredMessage,
};
use crate::domain::validation::{Checks, FieldError};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};

pub async fn settings(state: &AppState, user: &User) -> AppResult<MessageSettings> {
    let choices = messaging::choices(&state.db, user.id).await?;
    let token = messaging::calendar_token(&state.db, user.id).await?;
    Ok(MessageSettings {
        choices,
        calendar_url: feed_url(state, &token),
    })
}

fn feed_url(state: &AppState, token: &str) -> String {
    format!("{}/calendar/{token}.ics", state.config.public_url)
}

pub async fn save_choices(
    state: &AppState,
    user: &User,
    choices: &MessageChoices,
) -> AppResult<MessageSettings> {
    messaging::set_choices(&state.db, user.id, choices).await?;
    settings(state, user).await
}

/// A new feed address; the old one answers 404 from now on.
pub async fn new_calendar_address(state: &AppState, user: &User) -> AppResult<MessageSettings> {
    messaging::new_calendar_token(&state.db, user.id).await?;
    settings(state, user).await
}

pub async fn doctor_settings(db: &Db, doctor_id: i64) -> AppResult<DoctorCalendarSettings> {
    let calendar = messaging::doctor_calendar(db, doctor_id).await?;
    Ok(DoctorCalendarSettings {
        reminder_hours: calendar.reminder_hours.replace(',', ", "),
        busy_feed_checked_at: messaging::checked_at(&calendar),
        busy_feed_url: calendar.busy_feed_url,
        busy_feed_error: calendar.busy_feed_error,
        busy_feed_events: calendar.busy_feed_events,
    })
}

/// Saves both settings (or, with any field wrong, nothing), then reads a new feed address
/// at once so the doctor sees whether it works.
pub async fn save_doctor_settings(
    db: &Db,
    feeds: &FeedClient,
    doctor_id: i64,
    reminder_hours: &str,
    busy_feed_url: &str,
    now: DateTime<Utc>,
) -> AppResult<DoctorCalendarSettings> {
    let field = |name: &'static str| move |message: String| FieldError::new(name, message);
    let mut checks = Checks::default();
    let hours = checks.take(parse_reminder_hours(reminder_hours).map_err(field("reminder_hours")));
    let url = checks.take(parse_feed_url(busy_feed_url).map_err(field("busy_feed_url")));
    let (hours, url) = checks
        .finish(|| Some((hours?, url?)))
        .map_err(AppError::Invalid)?;
    let before = messaging::doctor_calendar(db, doctor_id).await?;
    let mut tx = db.begin_write(doctor_id).await?;
    messaging::save_doctor_calendar(&mut tx, doctor_id, &format_reminder_hours(&hours), &url)
        .await?;
    tx.remember(None::<&()>).await?;
    tx.commit().await?;
    if !url.is_empty() && url != before.busy_feed_url {
        // The outcome, good or bad, is stored and shown with the settings.
        let _outcome = busy_import::refresh(db, feeds, doctor_id, now).await?;
    }
    doctor_settings(db, doctor_id).await
}

pub async fn refresh_feed(
    db: &Db,
    feeds: &FeedClient,
    doctor_id: i64,
    now: DateTime<Utc>,
) -> AppResult<DoctorCalendarSettings> {
    let _outcome = busy_import::refresh(db, feeds, doctor_id, now).await?;
    doctor_settings(db, doctor_id).await
}

pub async fn queue(db: &Db) -> AppResult<MessageQueue> {
    let counts = outbox::counts(db).await?;
    let count = |state: &str| {
        counts
            .iter()
            .find(|(s, _)| s == state)
            .map_or(0, |(_, n)| *n)
    };
    let undelivered = outbox::undelivered(db, 100)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(UndeliveredMessage {
                id: row.id,
                kind: MessageKind::parse(&row.kind)?,
                appointment_id: row.appointment_id,
                recipient_name: row.recipient_name,
                recipient_email: row.recipient_email,
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: from_ts(row.created_at),
                given_up_at: row.finished_at.map(from_ts),
            })
        })
        .collect();
    Ok(MessageQueue {
        pending: count("pending"),
        sent: count("sent"),
        skipped: count("skipped"),
        dead: count("dead"),
        undelivered,
    })
}

/// A given-up message back in the queue, due now.
pub async fn retry(db: &Db, id: i64, now: DateTime<Utc>) -> AppResult<MessageQueue> {
    if !outbox::retry(db, id, now.timestamp()).await? {
        return Err(AppError::not_found("That undelivered message"));
    }
    queue(db).await
}
