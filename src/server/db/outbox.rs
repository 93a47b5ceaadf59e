//! The notification outbox: rows written in the transaction of the change that causes them,
//! claimed by a worker with a lease, and finished once every channel has delivered.

use super::appointments::Event;
use super::{with_pool, with_tx, Db, Tx};
use crate::domain::notify::{parse_reminder_hours, MessageKind, DEFAULT_REMINDER_HOURS};
use crate::domain::AppointmentStatus;
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};

/// Who acted and why, kept with the message (the audit trail has it too, but a message must
/// say what was true when it was written).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// A moved appointment's previous start (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<i64>,
    /// A reminder's distance from the start, in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_before: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_late: Option<u32>,
    /// The appointment's status after the change: a message delivered later still says
    /// what the change did (a request stays tentative though confirmed meanwhile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AppointmentStatus>,
}

/// One message to one person, as the worker claims it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub message_id: String,
    pub kind: String,
    pub appointment_id: i64,
    pub recipient_id: i64,
    pub sequence: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub detail: String,
    pub email_done: bool,
    pub webhook_done: bool,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: String,
    pub created_at: i64,
}

impl Row {
    pub fn kind(&self) -> AppResult<MessageKind> {
        MessageKind::parse(&self.kind)
            .ok_or_else(|| AppError::internal(format!("unknown message kind {:?}", self.kind)))
    }

    pub fn detail(&self) -> Detail {
        serde_json::from_str(&self.detail).unwrap_or_default()
    }
}

const ROW_COLUMNS: &str = "id, message_id, kind, appointment_id, recipient_id, sequence, \
    starts_at, ends_at, detail, email_done, webhook_done, attempts, next_attempt_at, \
    last_error, created_at";

/// A message waiting to be written: the appointment as the change left it.
struct NewMessage<'a> {
    kind: MessageKind,
    appointment_id: i64,
    recipient_id: i64,
    sequence: i64,
    starts_at: i64,
    ends_at: i64,
    detail: &'a Detail,
    due_at: i64,
}

async fn insert(tx: &mut Tx, message: &NewMessage<'_>, now: i64) -> AppResult<()> {
    let sql = "INSERT INTO notifications (message_id, kind, appointment_id, recipient_id, \
               sequence, starts_at, ends_at, detail, next_attempt_at, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    let detail = serde_json::to_string(message.detail).map_err(AppError::internal)?;
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(crate::server::random_token())
        .bind(message.kind.as_str())
        .bind(message.appointment_id)
        .bind(message.recipient_id)
        .bind(message.sequence)
        .bind(message.starts_at)
        .bind(message.ends_at)
        .bind(&detail)
        .bind(message.due_at)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Booked {
    patient_id: i64,
    doctor_id: i64,
    starts_at: i64,
    ends_at: i64,
    calendar_sequence: i64,
}

/// Writes the messages a recorded change causes, in the change's transaction: news for the
/// patient (and the doctor when someone else acted), and the reminders moved with it.
pub async fn enqueue_change(tx: &mut Tx, event: &Event<'_>, now: i64) -> AppResult<()> {
    let kind = MessageKind::for_change(event.from, event.to, event.moved.is_some());
    let keeps_time = matches!(
        event.to,
        AppointmentStatus::Pending | AppointmentStatus::Confirmed
    );
    if !keeps_time || event.moved.is_some() {
        drop_reminders(tx, event.appointment_id).await?;
    }
    let Some(kind) = kind else {
        return Ok(());
    };
    // A calendar applies a change only with a higher SEQUENCE than it has seen.
    if event.from.is_some() {
        let sql = "UPDATE appointments SET calendar_sequence = calendar_sequence + 1 \
                   WHERE id = $1";
        with_tx!(tx, |conn| sqlx::query(sql)
            .bind(event.appointment_id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    let sql = "SELECT patient_id, doctor_id, starts_at, ends_at, calendar_sequence \
               FROM appointments WHERE id = $1";
    let booked: Booked = with_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(event.appointment_id)
        .fetch_one(conn)
        .await)?;
    let detail = Detail {
        actor_id: Some(event.actor_id),
        reason: event.reason.to_string(),
        moved_from: event.moved.map(|(from, _)| from),
        status: Some(event.to),
        ..Detail::default()
    };
    let mut message = NewMessage {
        kind,
        appointment_id: event.appointment_id,
        recipient_id: booked.patient_id,
        sequence: booked.calendar_sequence,
        starts_at: booked.starts_at,
        ends_at: booked.ends_at,
        detail: &detail,
        due_at: now,
    };
    insert(tx, &message, now).await?;
    if kind.tells_doctor() && event.actor_id != booked.doctor_id {
        message.recipient_id = booked.doctor_id;
        insert(tx, &message, now).await?;
    }
    let newly_held = event.from.is_none() || event.moved.is_some();
    if keeps_time && newly_held {
        schedule_reminders(tx, &booked, event.appointment_id, now).await?;
    }
    Ok(())
}

/// The patient's reminders at the doctor's chosen hours before the start; one whose time
/// has already passed is not written (the booking's own message says it all).
async fn schedule_reminders(
    tx: &mut Tx,
    booked: &Booked,
    appointment_id: i64,
    now: i64,
) -> AppResult<()> {
    let hours = reminder_hours(tx, booked.doctor_id).await?;
    for hours_before in hours {
        let due_at = booked.starts_at - i64::from(hours_before) * 3600;
        if due_at <= now {
            continue;
        }
        let detail = Detail {
            hours_before: Some(hours_before),
            ..Detail::default()
        };
        let reminder = NewMessage {
            kind: MessageKind::Reminder,
            appointment_id,
            recipient_id: booked.patient_id,
            sequence: booked.calendar_sequence,
            starts_at: booked.starts_at,
            ends_at: booked.ends_at,
            detail: &detail,
            due_at,
        };
        insert(tx, &reminder, now).await?;
    }
    Ok(())
}

/// The doctor's reminder hours, or the default when they never chose.
pub async fn reminder_hours(tx: &mut Tx, doctor_id: i64) -> AppResult<Vec<u32>> {
    let sql = "SELECT reminder_hours FROM doctor_calendars WHERE doctor_id = $1";
    let stored: Option<String> = with_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(doctor_id)
        .fetch_optional(conn)
        .await)?;
    let text = stored.unwrap_or_else(|| DEFAULT_REMINDER_HOURS.into());
    Ok(parse_reminder_hours(&text).unwrap_or_default())
}

/// Reminders not yet sent for an appointment that was cancelled, moved or has begun.
async fn drop_reminders(tx: &mut Tx, appointment_id: i64) -> AppResult<()> {
    let sql = "DELETE FROM notifications WHERE appointment_id = $1 AND kind = $2 \
               AND state = 'pending'";
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(appointment_id)
        .bind(MessageKind::Reminder.as_str())
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// "Running late" news not sent yet for the doctor's appointments in `(from, to)`: a newer
/// delay (or none) replaces it, so a patient never gets an older one after a newer.
pub async fn drop_running_late(
    tx: &mut Tx,
    doctor_id: i64,
    (from, to): (i64, i64),
) -> AppResult<()> {
    let sql = "DELETE FROM notifications WHERE kind = $1 AND state = 'pending' \
               AND appointment_id IN (SELECT id FROM appointments \
               WHERE doctor_id = $2 AND starts_at >= $3 AND starts_at < $4)";
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(MessageKind::RunningLate.as_str())
        .bind(doctor_id)
        .bind(from)
        .bind(to)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// "Running late" for each patient still to be seen today, in the change's transaction.
pub async fn enqueue_running_late(
    tx: &mut Tx,
    doctor_id: i64,
    (from, to): (i64, i64),
    minutes_late: u32,
    now: i64,
) -> AppResult<()> {
    let sql = "SELECT id, patient_id, starts_at, ends_at, calendar_sequence FROM appointments \
               WHERE doctor_id = $1 AND starts_at >= $2 AND starts_at < $3 \
               AND status IN ('pending', 'confirmed') ORDER BY starts_at";
    let rows: Vec<(i64, i64, i64, i64, i64)> = with_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(doctor_id)
        .bind(from.max(now))
        .bind(to)
        .fetch_all(conn)
        .await)?;
    let detail = Detail {
        minutes_late: Some(minutes_late),
        ..Detail::default()
    };
    for (appointment_id, patient_id, starts_at, ends_at, sequence) in rows {
        let message = NewMessage {
            kind: MessageKind::RunningLate,
            appointment_id,
            recipient_id: patient_id,
            sequence,
            starts_at,
            ends_at,
            detail: &detail,
            due_at: now,
        };
        insert(tx, &message, now).await?;
    }
    Ok(())
}

/// Claims up to `limit` due messages for `lease_seconds`: rows nobody holds, or whose holder
/// died (its lease ran out). PostgreSQL skips rows another process is claiming right now, so
/// several app processes share the work without taking the same row; SQLite has one writer.
pub async fn claim(db: &Db, now: i64, lease_seconds: i64, limit: i64) -> AppResult<Vec<Row>> {
    let lock = match db {
        Db::Postgres { .. } => "FOR UPDATE SKIP LOCKED",
        Db::Sqlite { .. } => "",
    };
    let sql = format!(
        "UPDATE notifications SET locked_until = $1 WHERE id IN (\
             SELECT id FROM notifications WHERE state = 'pending' AND next_attempt_at <= $2 \
             AND (locked_until IS NULL OR locked_until <= $2) \
             ORDER BY next_attempt_at, id LIMIT $3 {lock}) \
         RETURNING {ROW_COLUMNS}"
    );
    let mut rows: Vec<Row> = match db {
        Db::Sqlite { pool, writer, .. } => {
            // The one writer: the claim waits its turn like any other write.
            let _turn = writer.lock().await;
            sqlx::query_as(&sql)
                .bind(now + lease_seconds)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }
        Db::Postgres { pool, .. } => {
            sqlx::query_as(&sql)
                .bind(now + lease_seconds)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }
    };
    rows.sort_by_key(|row| (row.next_attempt_at, row.id));
    Ok(rows)
}

/// One channel delivered: a retry will not send on it again.
pub async fn channel_done(db: &Db, id: i64, channel: Channel) -> AppResult<()> {
    let sql = match channel {
        Channel::Email => "UPDATE notifications SET email_done = TRUE WHERE id = $1",
        Channel::Webhook => "UPDATE notifications SET webhook_done = TRUE WHERE id = $1",
    };
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Webhook,
}

/// The message is finished: `sent`, or `skipped` (nobody to tell, or no longer true).
pub async fn finish(db: &Db, id: i64, state: &str, reason: &str, now: i64) -> AppResult<()> {
    let sql = "UPDATE notifications SET state = $2, last_error = $3, finished_at = $4, \
               locked_until = NULL WHERE id = $1";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(id)
        .bind(state)
        .bind(reason)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A failed attempt: tried again at `retry_at`, or given up (`dead`) when `None`.
pub async fn failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> AppResult<()> {
    let error: String = error.chars().take(1000).collect();
    let (state, finished_at) = match retry_at {
        Some(_) => ("pending", None),
        None => ("dead", Some(now)),
    };
    let sql = "UPDATE notifications SET attempts = attempts + 1, last_error = $2, \
               locked_until = NULL, next_attempt_at = COALESCE($3, next_attempt_at), \
               state = $4, finished_at = $5 WHERE id = $1";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(id)
        .bind(&error)
        .bind(retry_at)
        .bind(state)
        .bind(finished_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A message that was given up, as an admin sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Undelivered {
    pub id: i64,
    pub kind: String,
    pub appointment_id: i64,
    pub recipient_name: String,
    pub recipient_email: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// Dead messages, newest first.
pub async fn undelivered(db: &Db, limit: i64) -> AppResult<Vec<Undelivered>> {
    let sql = "SELECT n.id, n.kind, n.appointment_id, u.name AS recipient_name, \
               u.email AS recipient_email, n.attempts, n.last_error, n.created_at, \
               n.finished_at FROM notifications n JOIN users u ON u.id = n.recipient_id \
               WHERE n.state = 'dead' ORDER BY n.finished_at DESC, n.id DESC LIMIT $1";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// A dead message back in the queue, due now, with a fresh count of attempts; false when
/// there is no dead message with that id.
pub async fn retry(db: &Db, id: i64, now: i64) -> AppResult<bool> {
    let sql = "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = $2, \
               finished_at = NULL, locked_until = NULL WHERE id = $1 AND state = 'dead'";
    let changed = with_pool!(db, |pool| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(changed == 1)
}

/// Forgets messages that were sent or skipped before `before` (given-up ones stay for the
/// admins), so the table holds what is still in flight and recent history.
pub async fn purge_finished(db: &Db, before: i64) -> AppResult<u64> {
    let sql = "DELETE FROM notifications WHERE state IN ('sent', 'skipped') AND finished_at < $1";
    Ok(with_pool!(db, |pool| sqlx::query(sql)
        .bind(before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
}

/// How many messages are in each state, for tests, the admin page and the benchmark.
pub async fn counts(db: &Db) -> AppResult<Vec<(String, i64)>> {
    let sql = "SELECT state, COUNT(*) FROM notifications GROUP BY state ORDER BY state";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .fetch_all(pool)
        .await)?)
}
