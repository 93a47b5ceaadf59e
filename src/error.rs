//! The one error type of the application: shared by server functions and the client, with
//! an HTTP status for API clients and a message fit to show to the user.

use crate::domain::validation::FieldError;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// One input field is wrong; nothing was changed.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// The request could not be read at all (malformed JSON, missing argument).
    #[error("The request was not understood: {0}")]
    BadRequest(String),
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("That email and password do not match an account.")]
    InvalidCredentials,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    /// A normal outcome under concurrency, e.g. the time was just taken.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts from this account or address; try again after `retry_after` seconds.
    #[error("Too many attempts. Please wait {retry_after} seconds and try again.")]
    TooManyRequests { retry_after: u64 },
    /// The cause is logged on the server and never sent to the client.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The server could not be reached or answered in an unexpected way. The detail (the
    /// browser's "TypeError: Failed to fetch", a decoding failure) is for logs, not people.
    #[error(
        "You're offline, or the server could not be reached. Check the connection and try again."
    )]
    Network(String),
}

pub type AppResult<T> = Result<T, AppError>;

pub const SLOT_TAKEN: &str = "This time was just taken. Please pick another time.";

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid(FieldError::new(field, message))
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("{what} was not found."))
    }

    /// HTTP status for API clients.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::BadRequest(_) => 400,
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal | AppError::Network(_) => 500,
        }
    }

    /// The field an input error belongs to, so forms can show it next to the input.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(e) => Some(&e.field),
            _ => None,
        }
    }

    /// The message about `field` (an input error names every wrong field at once).
    pub fn message_for(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Invalid(e) => e.message_for(field),
            _ => None,
        }
    }

    /// Logs an unexpected failure with its cause; the client only learns that it failed.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        tracing::error!(%cause, "internal error");
        AppError::Internal
    }
}

/// A database failure is a bug or an outage, never the user's fault: it is logged with
/// where `?` met it, and the client learns only that something failed.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(error: sqlx::Error) -> AppError {
        let at = std::panic::Location::caller();
        tracing::error!(%error, %at, "database error");
        AppError::Internal
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> AppError {
        AppError::Invalid(error)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => AppError::BadRequest(m),
            // On the server this is the request body failing to decode (in the browser it
            // would be the response, hence the cfg).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => AppError::BadRequest(m),
            ServerFnErrorErr::Request(m) => AppError::Network(m),
            other => AppError::Network(other.to_string()),
        };
        #[cfg(feature = "ssr")]
        crate::server::http::set_error_status(&error);
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_with_a_stable_tag() {
        let json = serde_json::to_value(AppError::Conflict(SLOT_TAKEN.into())).unwrap();
        assert_eq!(json["error"], "conflict");
        assert_eq!(json["detail"], SLOT_TAKEN);
        let invalid = serde_json::to_value(AppError::invalid("email", "Bad.")).unwrap();
        assert_eq!(invalid["detail"]["field"], "email");
    }

    #[test]
    fn conflicts_are_409_and_input_errors_422() {
        assert_eq!(AppError::Conflict("x".into()).status(), 409);
        assert_eq!(AppError::invalid("name", "x").status(), 422);
        assert_eq!(AppError::Forbidden.status(), 403);
    }
}
