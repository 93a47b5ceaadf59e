//! The outbox worker: claims due messages, delivers each over every configured channel,
//! and records the outcome, retrying failures with exponential backoff until they are given
//! up ("dead", shown to admins, who can send them again).

use super::email::{self, Mailer};
use super::letter::{self, Facts, Letter};
use super::links::Signer;
use super::webhook;
use crate::domain::models::is_account_email;
use crate::domain::notify::MessageKind;
use crate::domain::AppointmentStatus;
use crate::error::AppResult;
use crate::server::config::Config;
use crate::server::db::outbox::{self, Channel, Row};
use crate::server::db::{appointments, from_ts, messaging, users, Db};
use crate::server::ical;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// How long a claim holds its rows. A process killed mid-batch leaves them to be claimed
/// again after this; a batch (at most `BATCH` messages, each bounded by the SMTP and webhook
/// timeouts) ends well within it, so a live process never loses its rows to another.
pub const LEASE_SECONDS: i64 = 120;
pub const BATCH: i64 = 4;
/// Between two looks at an empty outbox.
const IDLE: Duration = Duration::from_secs(2);

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub skipped: usize,
    pub retrying: usize,
    pub dead: usize,
}

impl Delivery {
    pub fn handled(&self) -> usize {
        self.sent + self.skipped + self.retrying + self.dead
    }
}

#[derive(Clone)]
pub struct Worker {
    db: Db,
    config: Arc<Config>,
    mailer: Mailer,
    http: reqwest::Client,
    signer: Signer,
    /// The domain of Message-IDs: the public URL's host without its port (RFC 5322
    /// dot-atom), an IPv6 address kept whole.
    message_host: String,
}

enum Outcome {
    Sent,
    Skipped(&'static str),
}

impl Worker {
    pub async fn new(db: Db, config: Arc<Config>) -> Result<Worker, String> {
        let mailer = Mailer::new(&config.mail)?;
        let signer = Signer::stored(&db).await?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let message_host = message_host(&config.public_url);
        Ok(Worker {
            db,
            config,
            mailer,
            http,
            signer,
            message_host,
        })
    }

    /// Delivers every due message, in rounds of `BATCH`, until none is due.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> AppResult<Delivery> {
        let mut total = Delivery::default();
        loop {
            let rows = outbox::claim(&self.db, now.timestamp(), LEASE_SECONDS, BATCH).await?;
            if rows.is_empty() {
                return Ok(total);
            }
            let round = self.deliver_claimed(rows, now).await?;
            total.sent += round.sent;
            total.skipped += round.skipped;
            total.retrying += round.retrying;
            total.dead += round.dead;
        }
    }

    /// Delivers rows this process has claimed.
    pub async fn deliver_claimed(&self, rows: Vec<Row>, now: DateTime<Utc>) -> AppResult<Delivery> {
        let mut done = Delivery::default();
        let ts = now.timestamp();
        for row in rows {
            match self.deliver(&row, now).await {
                Ok(Outcome::Sent) => {
                    outbox::finish(&self.db, row.id, "sent", "", ts).await?;
                    done.sent += 1;
                }
                Ok(Outcome::Skipped(why)) => {
                    outbox::finish(&self.db, row.id, "skipped", why, ts).await?;
                    done.skipped += 1;
                }
                Err(error) => {
                    let retry_at = self.retry_at(&row, ts);
                    tracing::warn!(id = row.id, %error, "a message was not delivered");
                    outbox::failed(&self.db, row.id, &error, retry_at, ts).await?;
                    match retry_at {
                        Some(_) => done.retrying += 1,
                        None => done.dead += 1,
                    }
                }
            }
        }
        Ok(done)
    }

    /// 30 s, 1 min, 2 min, ... at most 6 hours after a failure; `None` once the attempts
    /// are used up.
    fn retry_at(&self, row: &Row, now: i64) -> Option<i64> {
        let attempt = row.attempts + 1;
        if attempt >= i64::from(self.config.message_attempts) {
            return None;
        }
        let delay = 30_i64.saturating_mul(1 << attempt.min(20)).min(6 * 3600);
        Some(now + delay)
    }

    async fn deliver(&self, row: &Row, now: DateTime<Utc>) -> Result<Outcome, String> {
        let failed = |e: crate::error::AppError| format!("reading the message: {e}");
        let kind = row.kind().map_err(failed)?;
        let Some(appointment) = appointments::find(&self.db, row.appointment_id)
            .await
            .map_err(failed)?
        else {
            return Ok(Outcome::Skipped("the appointment no longer exists"));
        };
        let Some(recipient) = messaging::recipient(&self.db, row.recipient_id)
            .await
            .map_err(failed)?
        else {
            return Ok(Outcome::Skipped("the recipient no longer exists"));
        };
        if let Some(why) = stale(kind, row, &appointment, now) {
            return Ok(Outcome::Skipped(why));
        }
        let wanted = if kind.is_reminder() {
            recipient.email_reminders
        } else {
            recipient.email_changes
        };
        if !wanted {
            return Ok(Outcome::Skipped("turned off by the recipient"));
        }
        let letter = self
            .letter(row, kind, &appointment, &recipient, now)
            .await
            .map_err(failed)?;
        let has_email = is_account_email(&recipient.email);
        if has_email && !row.email_done {
            let from = self.config.mail.from_address();
            let message = email::message(&letter, from, &self.message_host)?;
            self.mailer.send(message).await?;
            outbox::channel_done(&self.db, row.id, Channel::Email)
                .await
                .map_err(failed)?;
        }
        if let (Some(url), false) = (&self.config.webhook_url, row.webhook_done) {
            let secret = self.config.webhook_secret.as_deref().unwrap_or_default();
            let body = webhook::body(&row.kind, &letter, &appointment, &recipient, row.created_at);
            webhook::post(
                &self.http,
                url,
                secret,
                &row.message_id,
                body,
                now.timestamp(),
            )
            .await?;
            outbox::channel_done(&self.db, row.id, Channel::Webhook)
                .await
                .map_err(failed)?;
        }
        if !has_email && self.config.webhook_url.is_none() {
            return Ok(Outcome::Skipped("no email address"));
        }
        Ok(Outcome::Sent)
    }

    async fn letter(
        &self,
        row: &Row,
        kind: MessageKind,
        appointment: &crate::domain::models::Appointment,
        recipient: &messaging::Recipient,
        now: DateTime<Utc>,
    ) -> AppResult<Letter> {
        let email_of = |id| async move {
            Ok::<_, crate::error::AppError>(
                users::find_by_id(&self.db, id)
                    .await?
                    .map(|u| u.email)
                    .unwrap_or_default(),
            )
        };
        let doctor_email = email_of(appointment.doctor_id).await?;
        let patient_email = email_of(appointment.patient_id).await?;
        let detail = row.detail();
        let actor = match detail.actor_id {
            Some(id) => users::find_by_id(&self.db, id).await?.map(|u| u.name),
            None => None,
        };
        let unsubscribe_url = kind.is_reminder().then(|| {
            format!(
                "{}/unsubscribe/{}",
                self.config.public_url,
                self.signer.unsubscribe_token(recipient.id)
            )
        });
        Ok(letter::write(&Facts {
            message_id: &row.message_id,
            kind,
            detail: &detail,
            starts_at: from_ts(row.starts_at),
            ends_at: from_ts(row.ends_at),
            sequence: row.sequence,
            appointment,
            recipient,
            doctor_email: &doctor_email,
            patient_email: &patient_email,
            actor_name: actor.as_deref(),
            practice_name: &self.config.practice_name,
            public_url: &self.config.public_url,
            unsubscribe_url,
            now,
        }))
    }

    /// Delivers due messages until the pool closes: every `IDLE` when there is nothing to
    /// do, at once while there is.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut last_purge = None;
            loop {
                if self.db.is_closed() {
                    return;
                }
                self.purge_now_and_then(&mut last_purge).await;
                if let Err(error) = self.deliver_due(Utc::now()).await {
                    tracing::warn!(%error, "the message outbox could not be read");
                }
                tokio::time::sleep(IDLE).await;
            }
        })
    }
}

impl Worker {
    /// Once an hour: sent and skipped messages older than `KEEP_DAYS` are deleted.
    async fn purge_now_and_then(&self, last: &mut Option<std::time::Instant>) {
        if last.is_some_and(|at| at.elapsed() < Duration::from_secs(3600)) {
            return;
        }
        *last = Some(std::time::Instant::now());
        let before = (Utc::now() - chrono::Duration::days(KEEP_DAYS)).timestamp();
        if let Err(error) = outbox::purge_finished(&self.db, before).await {
            tracing::warn!(%error, "old messages were not purged");
        }
    }
}

/// The public URL's host without its port, for Message-IDs.
fn message_host(public_url: &str) -> String {
    reqwest::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_else(|| ical::host(public_url).to_string())
}

/// How long delivered messages stay in the outbox (for support questions: "was it sent?").
pub const KEEP_DAYS: i64 = 30;

/// Why a message is no longer worth sending: a reminder for an appointment that moved, was
/// cancelled or has started (one due while the server was down is sent late only before
/// the start); "running late" once the visit is over or the delay has changed since.
fn stale(
    kind: MessageKind,
    row: &Row,
    appointment: &crate::domain::models::Appointment,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    let holds = matches!(
        appointment.status,
        AppointmentStatus::Pending | AppointmentStatus::Confirmed
    );
    match kind {
        MessageKind::Reminder if !holds => Some("the appointment was cancelled or has begun"),
        MessageKind::Reminder if appointment.starts_at.timestamp() != row.starts_at => {
            Some("the appointment has moved")
        }
        MessageKind::Reminder if now >= appointment.starts_at => {
            Some("the appointment has already started")
        }
        MessageKind::RunningLate if !holds || now >= appointment.ends_at => {
            Some("the appointment is over")
        }
        // Set again (or cleared) before this went out: only the delay that stands is news.
        MessageKind::RunningLate
            if row.detail().minutes_late != appointment.running_late_minutes =>
        {
            Some("the delay changed before it was sent")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::message_host;

    #[test]
    fn message_ids_name_the_host_without_its_port() {
        assert_eq!(message_host("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(message_host("https://clinic.example/app"), "clinic.example");
        assert_eq!(message_host("http://[::1]:8080"), "[::1]");
        assert_eq!(message_host("http://[::1]"), "[::1]");
    }
}
