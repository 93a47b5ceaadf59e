//! `Idempotency-Key`: a change sent more than once (a retry after a dropped connection, a
//! double tap, an offline tablet replaying its outbox) is applied once, and every copy gets
//! the first copy's answer.
//!
//! The middleware [`read_key`] reads the key and fingerprints the request (method, path,
//! body); [`once`] answers a known key from the table, and otherwise runs the service with
//! the key in scope, so the key is stored in the change's own transaction (see
//! `db::idempotency`). Copies that race are serialised by the doctor's lock and the key's
//! primary key, so exactly one of them commits.

use super::db::idempotency::{self as keys, Scope, Stored};
use super::db::{Conn, Db};
use super::http::error_response;
use crate::domain::models::User;
use crate::error::{AppError, AppResult};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;

pub const KEY_HEADER: &str = "idempotency-key";
/// When an offline device made the change (RFC 3339, the device's clock), for the audit
/// trail; read together with an `Idempotency-Key`.
pub const MADE_OFFLINE_HEADER: &str = "x-made-offline-at";

/// The endpoints that honour the key: every change the clinic day can queue offline, and
/// booking and moving. Elsewhere the header is ignored.
pub const ENDPOINTS: [&str; 8] = [
    "/api/book",
    "/api/reschedule",
    "/api/appointment_status",
    "/api/running_late",
    "/api/walk_in",
    "/api/book_walk_in",
    "/api/walk_in_status",
    "/api/call_next",
];

pub const MAX_KEY_LENGTH: usize = 255;
/// Bodies of these endpoints are small JSON objects.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long a key is remembered: an outbox older than this is applied again, not answered.
pub const KEEP_KEYS_DAYS: i64 = 7;

/// What the middleware learned about a request that carries a key.
#[derive(Debug, Clone)]
pub struct RequestKey {
    pub key: String,
    pub fingerprint: String,
    pub made_offline_at: Option<DateTime<Utc>>,
}

fn parse_key(value: &HeaderValue) -> AppResult<String> {
    let key = value.to_str().unwrap_or_default();
    let printable = key.bytes().all(|b| b.is_ascii_graphic());
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !printable {
        return Err(AppError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters."
        )));
    }
    Ok(key.to_string())
}

fn parse_made_offline_at(headers: &HeaderMap) -> AppResult<Option<DateTime<Utc>>> {
    let Some(value) = headers.get(MADE_OFFLINE_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    DateTime::parse_from_rfc3339(text)
        .map(|at| Some(at.with_timezone(&Utc)))
        .map_err(|_| {
            AppError::BadRequest("X-Made-Offline-At must be an RFC 3339 date and time.".into())
        })
}

fn fingerprint(method: &Method, path: &str, body: &[u8]) -> String {
    use blake2::{Blake2s256, Digest};
    let mut hash = Blake2s256::new();
    hash.update(method.as_str());
    hash.update(b" ");
    hash.update(path);
    hash.update(b"\n");
    hash.update(body);
    super::hex(&hash.finalize())
}

/// Reads `Idempotency-Key` (and `X-Made-Offline-At`) on the endpoints that honour it and
/// hands them, with the request's fingerprint, to the server function as an extension. A
/// malformed header is refused before anything runs.
pub async fn read_key(request: Request<Body>, next: Next) -> Response {
    let honoured = request.method() == Method::POST && ENDPOINTS.contains(&request.uri().path());
    let header = request.headers().get(KEY_HEADER).cloned();
    let (Some(value), true) = (header, honoured) else {
        return next.run(request).await;
    };
    let key = match parse_key(&value) {
        Ok(key) => key,
        Err(error) => return error_response(error),
    };
    let made_offline_at = match parse_made_offline_at(request.headers()) {
        Ok(at) => at,
        Err(error) => return error_response(error),
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        let error = AppError::BadRequest("The request body is too large or was cut off.".into());
        return error_response(error);
    };
    let fingerprint = fingerprint(&parts.method, parts.uri.path(), &bytes);
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request.extensions_mut().insert(RequestKey {
        key,
        fingerprint,
        made_offline_at,
    });
    next.run(request).await
}

/// The key of the server function's request, if it carried one.
fn requested_key() -> Option<RequestKey> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    parts.extensions.get::<RequestKey>().cloned()
}

/// How a request with a key ended: it ran, or an earlier copy had been applied.
enum Outcome<T> {
    Ran(AppResult<T>),
    Replayed(Stored),
}

async fn run<T>(db: &Db, user: &User, apply: impl Future<Output = AppResult<T>>) -> Outcome<T> {
    let Some(request) = requested_key() else {
        return Outcome::Ran(apply.await);
    };
    // A retry after the first answer arrived: answered from the table, nothing runs.
    match keys::find(Conn::Pool(db), user.id, &request.key).await {
        Ok(Some(stored)) => return Outcome::Replayed(stored),
        Ok(None) => {}
        Err(error) => return Outcome::Ran(Err(error)),
    }
    let scope = Arc::new(Scope {
        user_id: user.id,
        key: request.key,
        fingerprint: request.fingerprint,
        made_offline_at: request.made_offline_at.map(|at| at.timestamp()),
        found: Default::default(),
    });
    let result = keys::within(scope.clone(), apply).await;
    let found = scope.found.lock().unwrap_or_else(|e| e.into_inner()).take();
    match found {
        Some(stored) => Outcome::Replayed(stored),
        None => Outcome::Ran(result),
    }
}

/// The same key with a different request is the client's mistake, and changes nothing.
fn same_request(stored: &Stored) -> AppResult<()> {
    let request = requested_key().ok_or(AppError::Internal)?;
    if stored.fingerprint == request.fingerprint {
        return Ok(());
    }
    Err(AppError::invalid(
        "idempotency_key",
        "This Idempotency-Key was already used for a different request. Send a new key with a new request.",
    ))
}

/// Applies `apply` at most once per key, answering every copy with the first answer.
pub async fn once<T>(
    db: &Db,
    user: &User,
    apply: impl Future<Output = AppResult<T>>,
) -> AppResult<T>
where
    T: Serialize + DeserializeOwned,
{
    match run(db, user, apply).await {
        Outcome::Ran(result) => result,
        Outcome::Replayed(stored) => {
            same_request(&stored)?;
            let answer = stored.answer.ok_or(AppError::Internal)?;
            serde_json::from_str(&answer).map_err(AppError::internal)
        }
    }
}

/// As [`once`], for endpoints that answer with the state as it stands after the change (a
/// day's agenda): a copy gets the state as it stands now, from `read`.
pub async fn once_then_read<T>(
    db: &Db,
    user: &User,
    apply: impl Future<Output = AppResult<T>>,
    read: impl AsyncFnOnce() -> AppResult<T>,
) -> AppResult<T> {
    match run(db, user, apply).await {
        Outcome::Ran(result) => result,
        Outcome::Replayed(stored) => {
            same_request(&stored)?;
            read().await
        }
    }
}

/// Forgets keys older than [`KEEP_KEYS_DAYS`] now and then every hour (a failed round is
/// tried again the next hour); stops when the pool is closed.
pub fn purge_old_keys(db: Db) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            if db.is_closed() {
                return;
            }
            let before = Utc::now() - chrono::Duration::days(KEEP_KEYS_DAYS);
            if let Err(error) = keys::purge(&db, before.timestamp()).await {
                tracing::warn!(
                    ?error,
                    "purging old idempotency keys failed; trying again in an hour"
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        let ok = HeaderValue::from_static("3f2a-91c0_x.y");
        assert_eq!(parse_key(&ok).unwrap(), "3f2a-91c0_x.y");
        assert!(parse_key(&HeaderValue::from_static("")).is_err());
        assert!(parse_key(&HeaderValue::from_static("has space")).is_err());
        let long = "k".repeat(MAX_KEY_LENGTH + 1);
        assert!(parse_key(&HeaderValue::from_str(&long).unwrap()).is_err());
    }

    #[test]
    fn fingerprints_differ_by_path_and_body() {
        let a = fingerprint(&Method::POST, "/api/book", b"{\"x\":1}");
        assert_eq!(a, fingerprint(&Method::POST, "/api/book", b"{\"x\":1}"));
        assert_ne!(a, fingerprint(&Method::POST, "/api/book", b"{\"x\":2}"));
        assert_ne!(a, fingerprint(&Method::POST, "/api/walk_in", b"{\"x\":1}"));
    }

    #[test]
    fn offline_times_must_be_rfc3339() {
        let mut headers = HeaderMap::new();
        assert_eq!(parse_made_offline_at(&headers).unwrap(), None);
        headers.insert(MADE_OFFLINE_HEADER, HeaderValue::from_static("yesterday"));
        assert!(parse_made_offline_at(&headers).is_err());
        let at = "2026-11-27T10:41:00+01:00";
        headers.insert(MADE_OFFLINE_HEADER, HeaderValue::from_static(at));
        let parsed = parse_made_offline_at(&headers).unwrap().unwrap();
        assert_eq!(parsed.to_rfc3339(), "2026-11-27T09:41:00+00:00");
    }
}
