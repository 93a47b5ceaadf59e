//! Log-in and registration as plain HTML form posts (`POST /login`, `POST /register`):
//! what the pages send before the app has loaded on a slow phone, or with JavaScript off.
//! The app itself uses `/api/login` and `/api/register`; both paths share the services.
//! The answer is always a redirect (303): on success to `next` or the user's start page;
//! on a refusal back to the form, which shows the error and what was typed (kept in the
//! session for one page view, so neither lands in a URL or a log).

use super::auth::{self, NewAccount};
use super::http::encode_query;
use super::state::AppState;
use crate::api::auth::FormRefusal;
use crate::domain::models::User;
use crate::domain::validation::local_path;
use crate::error::{AppError, AppResult};
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, Session};

/// The session key of a refused form's error and input, read once by the form's page.
pub const FLASH: &str = "form_flash";

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = auth::client_address(&state, &parts);
    let result = auth::log_in(&state, &client, &form.email, &form.password).await;
    let flash = |error| FormRefusal {
        error,
        name: String::new(),
        email: form.email.clone(),
    };
    finish(&session, result, "/login", &form.next, flash).await
}

pub async fn register(
    State(state): State<AppState>,
    session: Session,
    parts: Parts,
    Form(form): Form<RegisterForm>,
) -> Response {
    let client = auth::client_address(&state, &parts);
    let account = NewAccount::patient(&form.name, &form.email, &form.password);
    let result = auth::register(&state, &client, account).await;
    let flash = |error| FormRefusal {
        error,
        name: form.name.clone(),
        email: form.email.clone(),
    };
    finish(&session, result, "/register", &form.next, flash).await
}

/// Starts the session and goes on, or goes back to the form with the error.
async fn finish(
    session: &Session,
    result: AppResult<User>,
    form_page: &str,
    next: &str,
    flash: impl FnOnce(AppError) -> FormRefusal,
) -> Response {
    let next = local_path(next);
    let outcome = match result {
        Ok(user) => auth::start_session(session, &user).await.map(|()| user),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(user) => Redirect::to(next.unwrap_or(user.role.home_path())).into_response(),
        Err(error) => {
            if let Err(error) = keep(session, error, flash).await {
                tracing::error!(%error, "could not keep a refused form's input");
            }
            let back = match next {
                Some(next) => format!("{form_page}?next={}", encode_query(next)),
                None => form_page.to_string(),
            };
            Redirect::to(&back).into_response()
        }
    }
}

/// Keeps the refusal for the form's page. Not a `429` (a script hammering the form must not
/// fill the session table), and a visitor's session made for it lasts minutes, not weeks.
async fn keep(
    session: &Session,
    error: AppError,
    flash: impl FnOnce(AppError) -> FormRefusal,
) -> Result<(), tower_sessions::session::Error> {
    if matches!(error, AppError::TooManyRequests { .. }) {
        return Ok(());
    }
    if session.get::<i64>(auth::USER_ID).await?.is_none() {
        session.set_expiry(Some(Expiry::OnInactivity(FLASH_LIFETIME)));
    }
    session.insert(FLASH, flash(error)).await
}

/// How long a visitor's session kept for a refused form lives without activity.
const FLASH_LIFETIME: Duration = Duration::minutes(10);

/// The refused form's error and input, once: reading it removes it.
pub async fn take_flash(session: &Session) -> AppResult<Option<FormRefusal>> {
    session
        .remove::<FormRefusal>(FLASH)
        .await
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use crate::server::http::encode_query;

    #[test]
    fn a_next_path_with_a_query_stays_one_value() {
        assert_eq!(
            encode_query("/doctors/1?service=2&start=2026-11-30T09:00:00Z"),
            "%2Fdoctors%2F1%3Fservice%3D2%26start%3D2026-11-30T09%3A00%3A00Z"
        );
    }
}
