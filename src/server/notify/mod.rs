//! Notifications: messages written to the outbox with each change (`db::outbox`), delivered
//! by a worker over email and a webhook, with calendar parts and signed unsubscribe links.
//!
//! Delivery is at least once: a message is marked done per channel right after that channel
//! accepted it, so only a process killed between the two can send it again; receivers can
//! drop the repeat by its id (email `Message-ID`, webhook `id`), which never changes.

pub mod email;
pub mod letter;
pub mod links;
pub mod webhook;
pub mod worker;

pub use worker::{Delivery, Worker};

use std::path::PathBuf;

/// How email leaves the server.
#[derive(Clone)]
pub enum MailSettings {
    Smtp {
        host: String,
        port: u16,
        tls: SmtpTls,
        credentials: Option<(String, String)>,
        from: String,
    },
    /// No SMTP server configured: each message is written as an `.eml` file here.
    Folder { dir: PathBuf, from: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// STARTTLS on the submission port (587), required.
    StartTls,
    /// TLS from the first byte (465).
    Tls,
    /// No encryption: only for a relay on the same machine or a test server.
    None,
}

pub const DEFAULT_MAIL_DIR: &str = "mail-outbox";
pub const DEFAULT_MAIL_FROM: &str = "Appointments <appointments@localhost>";

impl MailSettings {
    /// From SMTP_HOST, SMTP_PORT, SMTP_TLS (starttls, tls, none), SMTP_USERNAME,
    /// SMTP_PASSWORD, MAIL_FROM, and MAIL_DIR when there is no SMTP_HOST.
    pub fn from_env(var: fn(&str) -> Option<String>) -> Result<MailSettings, String> {
        let from = var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "MAIL_FROM must be an address like \"Clinic <no-reply@clinic.example>\", not {from:?}"
            ));
        }
        let Some(host) = var("SMTP_HOST") else {
            let dir = var("MAIL_DIR").unwrap_or_else(|| DEFAULT_MAIL_DIR.into());
            return Ok(MailSettings::Folder {
                dir: dir.into(),
                from,
            });
        };
        let tls = match var("SMTP_TLS")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("starttls") => SmtpTls::StartTls,
            Some("tls") => SmtpTls::Tls,
            Some("none") => SmtpTls::None,
            Some(other) => {
                return Err(format!(
                    "SMTP_TLS must be starttls, tls or none, not {other:?}"
                ))
            }
        };
        let default_port = match tls {
            SmtpTls::Tls => 465,
            SmtpTls::StartTls => 587,
            SmtpTls::None => 25,
        };
        let port = match var("SMTP_PORT") {
            None => default_port,
            Some(p) => p
                .trim()
                .parse()
                .map_err(|_| format!("SMTP_PORT must be a port number, not {p:?}"))?,
        };
        let credentials =
            var("SMTP_USERNAME").map(|user| (user, var("SMTP_PASSWORD").unwrap_or_default()));
        Ok(MailSettings::Smtp {
            host,
            port,
            tls,
            credentials,
            from,
        })
    }

    pub fn from_address(&self) -> &str {
        match self {
            MailSettings::Smtp { from, .. } | MailSettings::Folder { from, .. } => from,
        }
    }
}

/// Printed without the SMTP password.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailSettings::Smtp {
                host, port, tls, ..
            } => write!(f, "Smtp({host}:{port}, {tls:?})"),
            MailSettings::Folder { dir, .. } => write!(f, "Folder({})", dir.display()),
        }
    }
}
