//! Routes outside the app's pages: the private calendar feed (`/calendar/<secret>.ics`),
//! "Add to calendar" (`/appointments/<id>/calendar.ics`) and the unsubscribe link from
//! reminder emails (`/unsubscribe/<signed token>`), which works without logging in.

use super::auth::session_user;
use super::db::{appointments, messaging, users, Db};
use super::http::error_response;
use super::ical::{self, EventStatus, Method};
use super::notify::letter::{calendar_event, escape, CalendarEntry};
use super::state::AppState;
use super::{access, calendar_feed};
use crate::domain::models::{Appointment, User};
use crate::domain::notify::MessageChoices;
use crate::domain::{AppointmentStatus, Role};
use crate::error::{AppError, AppResult};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use std::collections::HashMap;
use tower_sessions::Session;

/// `GET /calendar/{token}.ics`: the owner's appointments for calendar apps to poll.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return error_response(messaging::not_found());
    };
    match feed_document(&state, token).await {
        Ok(document) => calendar_response(document, None),
        Err(error) => error_response(error),
    }
}

async fn feed_document(state: &AppState, token: &str) -> AppResult<String> {
    let user_id = messaging::by_calendar_token(&state.db, token)
        .await?
        .ok_or_else(messaging::not_found)?;
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(messaging::not_found)?;
    let shown = calendar_feed::appointments_of(&state.db, &user, Utc::now()).await?;
    let mut events = Vec::with_capacity(shown.len());
    let mut emails = Emails::new(&state.db);
    for (appointment, sequence) in &shown {
        events.push(entry(state, &mut emails, &user, appointment, *sequence).await?);
    }
    let name = format!("{} ({})", state.config.practice_name, user.name);
    Ok(ical::document(Method::Publish, Some(&name), &events))
}

/// `GET /appointments/{id}/calendar.ics`: one appointment to add to a calendar by hand.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    match one_event(&state, &session, id).await {
        Ok(document) => calendar_response(document, Some(format!("appointment-{id}.ics"))),
        Err(error) => error_response(error),
    }
}

async fn one_event(state: &AppState, session: &Session, id: i64) -> AppResult<String> {
    let user = session_user(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let not_found = || AppError::not_found("That appointment");
    let appointment = appointments::find(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let sees_doctor = access::sees_doctor(&state.db, &user, appointment.doctor_id).await?;
    if !access::sees_appointment(&user, sees_doctor, &appointment) {
        return Err(not_found());
    }
    let sequence = calendar_feed::sequence(&state.db, id).await?;
    let mut emails = Emails::new(&state.db);
    let event = entry(state, &mut emails, &user, &appointment, sequence).await?;
    Ok(ical::document(Method::Publish, None, &[event]))
}

async fn entry(
    state: &AppState,
    emails: &mut Emails<'_>,
    viewer: &User,
    appointment: &Appointment,
    sequence: i64,
) -> AppResult<ical::CalendarEvent> {
    let status = match appointment.status {
        AppointmentStatus::Pending => EventStatus::Tentative,
        AppointmentStatus::Cancelled | AppointmentStatus::Rejected => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    Ok(calendar_event(CalendarEntry {
        appointment,
        starts_at: appointment.starts_at,
        ends_at: appointment.ends_at,
        sequence,
        status,
        doctor_email: &emails.of(appointment.doctor_id).await?,
        patient_email: &emails.of(appointment.patient_id).await?,
        practice_name: &state.config.practice_name,
        public_url: &state.config.public_url,
        for_patient: viewer.role == Role::Patient,
        stamp: appointment.updated_at,
    }))
}

/// Users' addresses, each read once per document.
struct Emails<'a> {
    db: &'a Db,
    known: HashMap<i64, String>,
}

impl<'a> Emails<'a> {
    fn new(db: &'a Db) -> Self {
        Emails {
            db,
            known: HashMap::new(),
        }
    }

    async fn of(&mut self, id: i64) -> AppResult<String> {
        if let Some(email) = self.known.get(&id) {
            return Ok(email.clone());
        }
        let email = users::find_by_id(self.db, id)
            .await?
            .map(|u| u.email)
            .unwrap_or_default();
        self.known.insert(id, email.clone());
        Ok(email)
    }
}

fn calendar_response(document: String, attachment: Option<String>) -> Response {
    let disposition = match attachment {
        Some(name) => format!("attachment; filename=\"{name}\""),
        None => "inline".into(),
    };
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            // Private: no shared cache may keep it; calendar apps poll anyway.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        document,
    )
        .into_response()
}

/// `GET /unsubscribe/{token}`: says what the link does, with a button (a GET must change
/// nothing: mail scanners open links).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    match reminder_owner(&state, &token).await {
        Ok(_) => page(
            StatusCode::OK,
            "Stop reminder emails?",
            &format!(
                "<p>You will no longer get reminder emails before your appointments. \
                 Emails about changes to your appointments still come.</p>\
                 <form method=\"post\"><button type=\"submit\">Stop reminders</button></form>\
                 <p><a href=\"{}/settings\">Choose which emails you get</a></p>",
                escape(&state.config.public_url)
            ),
        ),
        Err(response) => response,
    }
}

/// `POST /unsubscribe/{token}`: from the page's button, or one click from the mail app
/// (RFC 8058 `List-Unsubscribe-Post`).
pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let user_id = match reminder_owner(&state, &token).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    let stopped = async {
        let mut choices = messaging::choices(&state.db, user_id).await?;
        choices.email_reminders = false;
        messaging::set_choices(&state.db, user_id, &MessageChoices { ..choices }).await
    }
    .await;
    match stopped {
        Ok(()) => page(
            StatusCode::OK,
            "Reminders stopped",
            &format!(
                "<p>You will no longer get reminder emails. You can turn them back on in \
                 <a href=\"{}/settings\">your settings</a>.</p>",
                escape(&state.config.public_url)
            ),
        ),
        Err(error) => error_response(error),
    }
}

async fn reminder_owner(state: &AppState, token: &str) -> Result<i64, Response> {
    state.links.unsubscribe_user(token).ok_or_else(|| {
        page(
            StatusCode::NOT_FOUND,
            "This link does not work",
            "<p>The link is incomplete or was not made by us. Log in and open your settings \
             to choose which emails you get.</p>",
        )
    })
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{0}</title></head><body><main><h1>{0}</h1>{body}</main></body></html>",
        escape(title)
    );
    (status, Html(html)).into_response()
}
