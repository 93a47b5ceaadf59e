//! Server-only code: persistence, the booking service, auth and sessions, HTTP plumbing.

pub mod access;
pub mod app;
pub mod assets;
pub mod auth;
pub mod auth_forms;
pub mod booking;
pub mod busy_import;
pub mod calendar_feed;
pub mod calendar_routes;
pub mod catalog;
pub mod cli;
pub mod clinic_day;
pub mod config;
pub mod cpu;
pub mod db;
pub mod desk_booking;
pub mod directory;
pub mod feed_client;
pub mod http;
pub mod ical;
pub mod ical_import;
pub mod idempotency;
pub mod insight;
pub mod insight_export;
pub mod listen;
pub mod live;
pub mod live_stream;
pub mod message_settings;
pub mod notify;
pub mod offline;
pub mod photos;
pub mod scheduling;
pub mod seed;
pub mod staff;
pub mod state;
pub mod throttle;
pub mod walk_ins;

/// 128 random bits from the operating system, as hex: a name or link nobody can guess.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Bytes as lower-case hex, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
