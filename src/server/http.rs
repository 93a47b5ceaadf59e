//! HTTP plumbing: error statuses for server functions, cross-origin refusal, security and
//! caching headers, request ids.

use super::config::Config;
use crate::error::{AppError, AppResult};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
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
        if let AppError::TooManyRequests { retry_after } = error {
            options.insert_header(header::RETRY_AFTER, (*retry_after).into());
        }
    }
}

/// Runs a server function's body: an error gets its HTTP status.
pub async fn respond<T>(body: impl std::future::Future<Output = AppResult<T>>) -> AppResult<T> {
    let result = body.await;
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

/// The policy for rendered pages: scripts only from this site or inline with this response's
/// nonce (Leptos puts it on its hydration script), WASM compilation allowed, nothing framed.
pub fn page_policy(nonce: &str) -> String {
    let reload = WATCH_RELOAD.as_str();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Under `cargo leptos watch`, pages reload through a WebSocket on the reload port.
static WATCH_RELOAD: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| match std::env::var("LEPTOS_WATCH") {
        Ok(_) => {
            let port = std::env::var("LEPTOS_RELOAD_PORT").unwrap_or_else(|_| "3001".into());
            format!(" ws://*:{port}")
        }
        Err(_) => String::new(),
    });

/// For everything that is not a page (API answers, files): nothing may run or frame it.
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The nonce of one response's inline scripts, minted by `security_headers` and handed to
/// Leptos through the request, so the policy header and the page always carry the same one.
#[derive(Clone)]
pub struct CspNonce(pub std::sync::Arc<str>);

impl CspNonce {
    fn new() -> CspNonce {
        CspNonce(super::random_token().into())
    }
}

/// In the page-rendering context: Leptos puts this response's nonce on its scripts.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Unhashed files of the installable app: revalidated, so a new release is seen.
const OFFLINE_FILES: [&str; 3] = ["/offline.js", "/offline-store.js", "/manifest.webmanifest"];

/// How long a response may be kept: build files with hashed names for a year, unhashed ones
/// revalidated, icons a day; pages and API answers (personal, often) never stored. The JS
/// entry files are always revalidated: cargo-leptos hashes the main JS before it writes the
/// split loader's hashed name into it, so its name can stay while its content changes.
fn cache_policy(path: &str, hashed_files: bool) -> &'static str {
    if path.starts_with("/pkg/") {
        if hashed_files && !path.ends_with(".js") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if path.starts_with("/favicon") || path.starts_with("/icons/") {
        "public, max-age=86400"
    } else if OFFLINE_FILES.contains(&path) {
        "no-cache"
    } else {
        "no-store"
    }
}

/// Security headers on every response, and `Cache-Control` where the handler set none. Pages
/// get the page policy with the nonce this middleware put into the request for Leptos.
pub async fn security_headers(
    State(hashed_files): State<bool>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = header::HeaderValue::from_static;
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let policy = match is_page {
        true => header::HeaderValue::from_str(&page_policy(&nonce.0)).ok(),
        false => None,
    };
    match policy {
        Some(policy) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        // A handler may set its own (the service worker's lets it fetch from this site).
        None => {
            headers
                .entry(header::CONTENT_SECURITY_POLICY)
                .or_insert(fixed(OTHER_POLICY));
        }
    }
    headers.insert(header::X_FRAME_OPTIONS, fixed("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, fixed("nosniff"));
    headers.insert(header::REFERRER_POLICY, fixed("same-origin"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(fixed(cache_policy(&path, hashed_files)));
    response
}

/// Request ids (`x-request-id`): unique across app processes by a random per-process prefix.
#[derive(Clone)]
pub struct RequestIds {
    prefix: u32,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Default::default(),
        }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:08x}-{n}", self.prefix);
        header::HeaderValue::from_str(&id)
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

/// The tracing span of a request: every log line inside it carries the request id.
pub fn request_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
}

/// An error as the JSON answer of a plain axum route (server functions have their own).
pub fn error_response(error: AppError) -> Response {
    if matches!(error, AppError::Internal) {
        tracing::error!("request failed");
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, axum::Json(error)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub use crate::domain::validation::encode_query;

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
    fn only_hashed_build_files_are_cached_for_long() {
        assert_eq!(
            cache_policy("/pkg/appointments.abc.wasm", true),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy("/pkg/appointments.wasm", false), "no-cache");
        assert_eq!(cache_policy("/pkg/appointments.abc.js", true), "no-cache");
        assert_eq!(cache_policy("/appointments", true), "no-store");
        assert_eq!(cache_policy("/api/me", true), "no-store");
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
