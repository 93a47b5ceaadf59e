//! Settings from environment variables, with defaults that are safe for local use.

use std::net::SocketAddr;

#[derive(Clone)]
pub struct Config {
    /// `sqlite://file.db` (default `sqlite://appointments.db`) or `postgres://...`.
    pub database_url: String,
    pub listen_addr: SocketAddr,
    /// Key for signing session cookies (at least 64 characters). When unset, a key is
    /// generated once and kept in the database, so restarts and other app processes share it.
    pub session_secret: Option<String>,
    /// Send cookies only over HTTPS. Off by default so that http://127.0.0.1 works.
    pub cookie_secure: bool,
    /// Extra origins allowed to make state-changing requests (besides the app's own).
    pub allowed_origins: Vec<String>,
    /// Fill an empty database with demo doctors, services, availability and patients. Off by
    /// default: the demo accounts have published passwords. `scripts/run.sh` turns it on.
    pub seed_demo_data: bool,
    /// Directory with the compiled site (WASM, CSS, assets).
    pub site_root: String,
    /// Video visits get `{MEETING_BASE_URL}{random token}` as their meeting link.
    pub meeting_base_url: String,
    /// How many reverse proxies add themselves to `X-Forwarded-For` in front of the app (0:
    /// clients connect directly and the header is ignored).
    pub trusted_proxies: usize,
    /// A patient's pending requests: at most this many with one doctor...
    pub max_pending_per_doctor: u32,
    /// ...and in total.
    pub max_pending_total: u32,
    /// Booking attempts one patient account may make per minute.
    pub booking_attempts_per_minute: u32,
    /// Where people reach the app (links in emails, calendar UIDs' host); default
    /// `http://{LISTEN_ADDR}`.
    pub public_url: String,
    /// The practice's name in messages and calendar entries.
    pub practice_name: String,
    /// How messages leave: SMTP, or a folder of `.eml` files.
    pub mail: super::notify::MailSettings,
    /// The webhook channel: JSON POSTed to this URL, signed with `webhook_secret`.
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// Attempts per message before it is given up (and shown to admins).
    pub message_attempts: u32,
    /// Whether this process delivers the outbox (several processes may; each row goes once).
    pub deliver_messages: bool,
    /// Minutes between two reads of each doctor's busy-time feed.
    pub busy_feed_minutes: u32,
    /// Whether busy-time feeds may be read from private networks (off: see `feed_client`).
    pub busy_feed_private_addresses: bool,
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name} must be a whole number, not {text:?}")),
    }
}

/// Printed without the session key and without the database password.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &super::app::redact(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field(
                "session_secret",
                &self.session_secret.as_ref().map(|_| "***"),
            )
            .field("cookie_secure", &self.cookie_secure)
            .field("allowed_origins", &self.allowed_origins)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("public_url", &self.public_url)
            .field("mail", &self.mail)
            .finish_non_exhaustive()
    }
}

pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(format!("{name} must be true or false, not {other:?}")),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let listen = var("LISTEN_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen_addr = listen
            .parse()
            .map_err(|_| format!("LISTEN_ADDR {listen:?} is not an address like 127.0.0.1:3000"))?;
        let session_secret = var("SESSION_SECRET");
        if session_secret.as_ref().is_some_and(|s| s.len() < 64) {
            return Err("SESSION_SECRET must be at least 64 characters long".into());
        }
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://appointments.db".into()),
            listen_addr,
            session_secret,
            cookie_secure: flag("COOKIE_SECURE", false)?,
            allowed_origins: var("ALLOWED_ORIGINS")
                .map(|v| v.split(',').map(|o| o.trim().to_string()).collect())
                .unwrap_or_default(),
            seed_demo_data: flag("SEED_DEMO_DATA", false)?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            meeting_base_url: meeting_base_url(var("MEETING_BASE_URL"))?,
            trusted_proxies: number("TRUSTED_PROXIES", 0)?,
            max_pending_per_doctor: number("MAX_PENDING_PER_DOCTOR", 6)?.max(1),
            max_pending_total: number("MAX_PENDING_TOTAL", 12)?.max(1),
            booking_attempts_per_minute: number("BOOKING_ATTEMPTS_PER_MINUTE", 30)?.max(1),
            public_url: public_url(var("PUBLIC_URL"), &listen_addr)?,
            practice_name: var("PRACTICE_NAME").unwrap_or_else(|| "Appointments".into()),
            mail: super::notify::MailSettings::from_env(var)?,
            webhook_url: var("WEBHOOK_URL"),
            webhook_secret: var("WEBHOOK_SECRET"),
            message_attempts: number("MESSAGE_ATTEMPTS", 8)?.max(1),
            deliver_messages: flag("DELIVER_MESSAGES", true)?,
            busy_feed_minutes: number("BUSY_FEED_MINUTES", 15)?.max(1),
            busy_feed_private_addresses: flag("BUSY_FEED_PRIVATE_ADDRESSES", false)?,
        })
    }
}

fn public_url(value: Option<String>, listen: &SocketAddr) -> Result<String, String> {
    let url = value.unwrap_or_else(|| format!("http://{listen}"));
    if !url.starts_with("https://") && !url.starts_with("http://") {
        return Err(format!("PUBLIC_URL must start with https://, not {url:?}"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

pub const DEFAULT_MEETING_BASE_URL: &str = "https://meet.jit.si/appointments-";

fn meeting_base_url(value: Option<String>) -> Result<String, String> {
    let url = value.unwrap_or_else(|| DEFAULT_MEETING_BASE_URL.into());
    if !url.starts_with("https://") && !url.starts_with("http://") {
        return Err(format!(
            "MEETING_BASE_URL must start with https://, not {url:?}"
        ));
    }
    Ok(url)
}
