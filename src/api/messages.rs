use crate::domain::notify::{DoctorCalendarSettings, MessageQueue, MessageSettings};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in user's message choices and private calendar-feed address.
#[server(prefix = "/api", endpoint = "message_settings", input = server_fn::codec::Json)]
pub async fn load_message_settings() -> Result<MessageSettings, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, user) = auth::require_user().await?;
        message_settings::settings(&state, &user).await
    })
    .await
}

/// Which emails the signed-in user gets: news of changes, reminders.
#[server(prefix = "/api", endpoint = "save_message_settings", input = server_fn::codec::Json)]
pub async fn save_message_settings(
    email_changes: bool,
    email_reminders: bool,
) -> Result<MessageSettings, AppError> {
    use crate::domain::notify::MessageChoices;
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let choices = MessageChoices {
            email_changes,
            email_reminders,
        };
        message_settings::save_choices(&state, &user, &choices).await
    })
    .await
}

/// A new private calendar address; the old one stops working at once.
#[server(prefix = "/api", endpoint = "new_calendar_address", input = server_fn::codec::Json)]
pub async fn new_calendar_address() -> Result<MessageSettings, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, user) = auth::require_user().await?;
        message_settings::new_calendar_address(&state, &user).await
    })
    .await
}

/// The doctor's reminder hours and busy-time feed, with the feed's last outcome.
#[server(prefix = "/api", endpoint = "doctor/calendar_settings", input = server_fn::codec::Json)]
pub async fn load_doctor_calendar_settings() -> Result<DoctorCalendarSettings, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        message_settings::doctor_settings(&state.db, doctor.id).await
    })
    .await
}

/// Saves the reminder hours ("24, 2"; "" for none) and the busy-time feed address (""
/// for none); a new address is read at once.
#[server(prefix = "/api", endpoint = "doctor/save_calendar_settings", input = server_fn::codec::Json)]
pub async fn save_doctor_calendar_settings(
    reminder_hours: String,
    busy_feed_url: String,
) -> Result<DoctorCalendarSettings, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let now = chrono::Utc::now();
        message_settings::save_doctor_settings(
            &state.db,
            &state.feeds,
            doctor.id,
            &reminder_hours,
            &busy_feed_url,
            now,
        )
        .await
    })
    .await
}

/// Reads the doctor's busy-time feed now.
#[server(prefix = "/api", endpoint = "doctor/refresh_busy_feed", input = server_fn::codec::Json)]
pub async fn refresh_busy_feed() -> Result<DoctorCalendarSettings, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        message_settings::refresh_feed(&state.db, &state.feeds, doctor.id, chrono::Utc::now()).await
    })
    .await
}

/// The outbox (admins only): counts per state and the messages given up.
#[server(prefix = "/api", endpoint = "admin/messages", input = server_fn::codec::Json)]
pub async fn load_message_queue() -> Result<MessageQueue, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, _) = auth::require_role(crate::domain::Role::Admin).await?;
        message_settings::queue(&state.db).await
    })
    .await
}

/// Sends a given-up message again (admins only).
#[server(prefix = "/api", endpoint = "admin/retry_message", input = server_fn::codec::Json)]
pub async fn retry_message(id: i64) -> Result<MessageQueue, AppError> {
    use crate::server::{auth, http::respond, message_settings};
    respond(async {
        let (state, _) = auth::require_role(crate::domain::Role::Admin).await?;
        message_settings::retry(&state.db, id, chrono::Utc::now()).await
    })
    .await
}
