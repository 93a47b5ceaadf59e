//! Builds the whole application (database, sessions, routes, middleware). `main` and the
//! integration tests use this same function, so tests exercise the real start-up.

use super::config::Config;
use super::db::{users, Db};
use super::http;
use super::live::Live;
use super::offline::ServiceWorker;
use super::photos;
use super::state::AppState;
use super::throttle::Throttles;
use super::{auth_forms, calendar_routes, idempotency, insight_export, live_stream};
use crate::ui::{shell, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Connects to the database and applies migrations.
pub async fn open_database(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open database {}: {e}", redact(&config.database_url)))?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate database: {e}"))?;
    super::insight::fill_local_starts(&db)
        .await
        .map_err(|e| format!("cannot prepare Insight's day sums: {e}"))?;
    Ok(db)
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .hash_files(super::assets::hashed())
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "appointments".into()))
        .site_root(config.site_root.clone())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(config.listen_addr)
        .build()
}

async fn cookie_key(config: &Config, db: &Db) -> Result<Key, String> {
    let secret = match &config.session_secret {
        Some(secret) => secret.clone(),
        None => users::stored_secret(db, "session_key", random_secret)
            .await
            .map_err(|e| format!("cannot read the session key: {e}"))?,
    };
    Key::try_from(secret.as_bytes()).map_err(|e| format!("session key: {e}"))
}

fn random_secret() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(96)
        .map(char::from)
        .collect()
}

/// A request body must keep arriving: a gap this long (a photo upload included) ends the
/// request with 400 and frees its connection.
const BODY_READ_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// The router with every page, server function, static file and middleware. `live` is the
/// process's live hub (`Live::start`); the caller closes it when the server stops.
pub async fn router(config: Config, db: Db, live: Live) -> Result<Router, String> {
    let config = Arc::new(config);
    let leptos_options = leptos_options(&config);
    let key = cookie_key(&config, &db).await?;
    idempotency::purge_old_keys(db.clone());
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        config: config.clone(),
        throttles: Arc::new(Throttles::new(config.booking_attempts_per_minute)),
        live,
        feeds: super::feed_client::FeedClient::new(config.busy_feed_private_addresses),
        links: super::notify::links::Signer::stored(&db).await?,
    };
    let routes = generate_route_list(App);
    let photo_route = axum::routing::get(photos::serve)
        .post(photos::upload)
        .layer(axum::extract::DefaultBodyLimit::max(
            photos::MAX_UPLOAD_BYTES + 64 * 1024,
        ));
    let hashed_files = leptos_options.hash_files;
    let worker = service_worker(&leptos_options);
    let app = Router::new()
        .route("/api/doctors/{id}/photo", photo_route)
        .route("/api/live", axum::routing::get(live_stream::stream))
        // The log-in and registration forms, posted before the app has loaded.
        .route("/login", axum::routing::post(auth_forms::login))
        .route("/register", axum::routing::post(auth_forms::register))
        .route("/api/insight.csv", axum::routing::get(insight_export::csv))
        // Calendars and the unsubscribe link in reminder emails.
        .route(
            "/calendar/{file}",
            axum::routing::get(calendar_routes::feed),
        )
        .route(
            "/appointments/{id}/calendar.ics",
            axum::routing::get(calendar_routes::download),
        )
        .route(
            "/unsubscribe/{token}",
            axum::routing::get(calendar_routes::unsubscribe_page)
                .post(calendar_routes::unsubscribe),
        )
        .route(
            "/sw.js",
            axum::routing::get(move || async move { worker.response() }),
        )
        .leptos_routes_with_context(&state, routes, http::provide_page_nonce, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(http::provide_page_nonce, shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(idempotency::read_key))
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            http::refuse_cross_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hashed_files,
            http::security_headers,
        ))
        .layer(RequestBodyTimeoutLayer::new(BODY_READ_TIMEOUT))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(http::request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(http::RequestIds::default()));
    with_sessions(app, &config, &db, key).await
}

/// The background work of an app process: delivering the message outbox (unless
/// `DELIVER_MESSAGES=false`) and reading doctors' busy-time feeds. Both stop when the pool
/// closes; several processes may run them (rows are claimed, feed reads are idempotent).
pub async fn start_background_work(config: &Config, db: &Db) -> Result<(), String> {
    let config = Arc::new(config.clone());
    if config.deliver_messages {
        super::notify::Worker::new(db.clone(), config.clone())
            .await?
            .spawn();
    }
    let feeds = super::feed_client::FeedClient::new(config.busy_feed_private_addresses);
    super::busy_import::spawn_refresher(db.clone(), config, feeds);
    Ok(())
}

/// The service worker of the build in the site root.
fn service_worker(options: &LeptosOptions) -> ServiceWorker {
    let (pkg, name) = (
        options.site_pkg_dir.to_string(),
        options.output_name.to_string(),
    );
    let site_root = std::path::Path::new(&*options.site_root);
    let current = move |path: &str| super::assets::is_current(&pkg, &name, path);
    ServiceWorker::for_site(site_root, &options.site_pkg_dir, current)
}

/// Sessions live in the database, so a restart or another app process keeps users logged in.
async fn with_sessions(app: Router, config: &Config, db: &Db, key: Key) -> Result<Router, String> {
    fn layer<S: tower_sessions::SessionStore + Clone>(
        store: S,
        config: &Config,
        key: Key,
    ) -> SessionManagerLayer<S, tower_sessions::service::SignedCookie> {
        SessionManagerLayer::new(store)
            .with_name("appointments_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.cookie_secure)
            .with_expiry(Expiry::OnInactivity(super::auth::SESSION_LIFETIME))
            .with_signed(key)
    }
    let failed = |e: sqlx::Error| format!("cannot prepare the session table: {e}");
    Ok(match db {
        Db::Sqlite { pool, .. } => {
            let store = SqliteStore::new(pool.clone());
            store.migrate().await.map_err(failed)?;
            delete_expired_sessions(store.clone());
            app.layer(layer(store, config, key))
        }
        Db::Postgres { pool, .. } => {
            let store = PostgresStore::new(pool.clone());
            store.migrate().await.map_err(failed)?;
            delete_expired_sessions(store.clone());
            app.layer(layer(store, config, key))
        }
    })
}

/// Removes expired sessions now and then every hour, so the table holds live sessions only.
/// Each process does it; the deletes are idempotent. Stops when the pool is closed.
fn delete_expired_sessions<S: ExpiredDeletion + 'static>(store: S) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(StdDuration::from_secs(3600));
        loop {
            every_hour.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::debug!(%error, "stopped deleting expired sessions");
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://app:secret@db:5432/x"),
            "postgres://***@db:5432/x"
        );
        assert_eq!(
            super::redact("sqlite://appointments.db"),
            "sqlite://appointments.db"
        );
    }
}
