//! HTTP plumbing shared by server functions: error statuses and cross-origin refusal.

use super::config::Config;
use crate::error::{AppError, AppResult};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Server functions answer errors with 500 unless told otherwise; this sets the status that
/// fits the error (409 for a taken time, 422 for bad input, ...).
pub fn set_error_status(error: &AppError) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        options.set_status(status);
    }
}

/// Wraps a server function's result: an error gets its HTTP status.
pub fn respond<T>(result: AppResult<T>) -> AppResult<T> {
    if let Err(error) = &result {
        set_error_status(error);
    }
    result
}

fn host_of(origin: &str) -> Option<&str> {
    origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'))
}

/// Whether a state-changing request comes from a page of another site. Browsers send
/// `Origin` on every cross-site POST; `Sec-Fetch-Site` and `Referer` cover older ones. Tools
/// such as curl send none of them and are allowed: they carry no ambient cookies.
fn is_cross_origin(request: &Request<Body>, config: &Config) -> bool {
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    let host = text(header::HOST);
    let same_host =
        |url: &str| host.is_some() && host_of(url).map(|h| h.split('/').next()) == Some(host);
    if let Some(origin) = text(header::ORIGIN) {
        return !(same_host(origin) || config.allowed_origins.iter().any(|o| o == origin));
    }
    if text(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return true;
    }
    match text(header::REFERER) {
        Some(referer) => !same_host(referer),
        None => false,
    }
}

/// Refuses state-changing requests from other origins (CSRF), in addition to SameSite cookies.
pub async fn refuse_cross_origin(
    State(config): State<Arc<Config>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_origin(&request, &config) {
        let body = axum::Json(AppError::Forbidden);
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request<Body> {
        let mut builder = Request::post("/api/book").header("host", "clinic.example:3000");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    fn config(allowed: &[&str]) -> Config {
        let mut config = Config::from_env().unwrap();
        config.allowed_origins = allowed.iter().map(|s| s.to_string()).collect();
        config
    }

    #[test]
    fn same_origin_and_tools_without_origin_pass() {
        let config = config(&[]);
        assert!(!is_cross_origin(
            &request(&[("origin", "http://clinic.example:3000")]),
            &config
        ));
        assert!(!is_cross_origin(&request(&[]), &config));
        assert!(!is_cross_origin(
            &request(&[("referer", "http://clinic.example:3000/book")]),
            &config
        ));
    }

    #[test]
    fn foreign_origins_are_refused() {
        let config = config(&[]);
        assert!(is_cross_origin(
            &request(&[("origin", "http://evil.example")]),
            &config
        ));
        assert!(is_cross_origin(&request(&[("origin", "null")]), &config));
        assert!(is_cross_origin(
            &request(&[("origin", "http://clinic.example:3001")]),
            &config
        ));
        assert!(is_cross_origin(
            &request(&[("sec-fetch-site", "cross-site")]),
            &config
        ));
        assert!(is_cross_origin(
            &request(&[("referer", "https://evil.example/x")]),
            &config
        ));
    }

    #[test]
    fn configured_origins_are_allowed() {
        let config = config(&["https://app.clinic.example"]);
        assert!(!is_cross_origin(
            &request(&[("origin", "https://app.clinic.example")]),
            &config
        ));
    }
}
