//! Email over SMTP (lettre), or `.eml` files in a folder when no server is configured.

use super::letter::Letter;
use super::{MailSettings, SmtpTls};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// An SMTP conversation that stalls this long fails the attempt (it is retried later).
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Mailer, String> {
        match settings {
            MailSettings::Folder { dir, .. } => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create the mail folder {}: {e}", dir.display()))?;
                Ok(Mailer::Folder(AsyncFileTransport::new(dir)))
            }
            MailSettings::Smtp {
                host,
                port,
                tls,
                credentials,
                ..
            } => {
                let builder = match tls {
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                    SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
                    SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                        host.as_str(),
                    )),
                }
                .map_err(|e| format!("SMTP_HOST {host:?}: {e}"))?;
                let mut builder = builder.port(*port).timeout(Some(SMTP_TIMEOUT));
                if let Some((user, password)) = credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Ok(Mailer::Smtp(builder.build()))
            }
        }
    }

    /// Hands one message over; an error means it was not accepted (and may be retried).
    pub async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Folder(folder) => folder
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

/// The letter as a MIME message: text and HTML alternatives, and the calendar part (as an
/// alternative too, which is how Outlook and Gmail recognise an invitation, and as an
/// attachment for clients that only show those).
pub fn message(letter: &Letter, from: &str, host: &str) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    let to = Mailbox::new(
        Some(letter.to_name.clone()),
        letter
            .to_email
            .parse()
            .map_err(|e| format!("recipient address {:?}: {e}", letter.to_email))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(letter.subject.clone())
        .message_id(Some(format!("<{}@{host}>", letter.message_id)))
        .raw_header(raw("Auto-Submitted", "auto-generated"));
    if let Some(url) = &letter.unsubscribe_url {
        builder = builder
            .raw_header(raw("List-Unsubscribe", &format!("<{url}>")))
            .raw_header(raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    }
    let mut alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(letter.text.clone()))
        .singlepart(SinglePart::html(letter.html.clone()));
    let Some(calendar) = &letter.calendar else {
        return builder.multipart(alternative).map_err(|e| e.to_string());
    };
    let content_type = format!(
        "text/calendar; method={}; charset=utf-8",
        calendar.method.as_str()
    );
    let content_type = ContentType::parse(&content_type).map_err(|e| e.to_string())?;
    alternative = alternative.singlepart(
        SinglePart::builder()
            .header(content_type)
            .body(calendar.document.clone()),
    );
    let attachment = lettre::message::Attachment::new("invite.ics".into()).body(
        calendar.document.clone(),
        ContentType::parse("application/ics").map_err(|e| e.to_string())?,
    );
    builder
        .multipart(
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(attachment),
        )
        .map_err(|e| e.to_string())
}

fn raw(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}
