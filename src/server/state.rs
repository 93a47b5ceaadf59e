use super::config::Config;
use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a handler or server function needs, provided to server functions as context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub throttles: Arc<super::throttle::Throttles>,
    pub live: super::live::Live,
    /// Reads doctors' calendar feeds (one client: its connections are reused).
    pub feeds: super::feed_client::FeedClient,
    /// Signs and checks the links in messages (the key read once, at start).
    pub links: super::notify::links::Signer,
}
