//! People's message choices, calendar-feed secrets, doctors' reminder and busy-feed
//! settings, and the busy times read from those feeds.

use super::{from_ts, to_ts, with_pool, with_tx, Db, Tx};
use crate::domain::notify::{MessageChoices, DEFAULT_REMINDER_HOURS};
use crate::domain::{Role, TimeRange};
use crate::error::{AppError, AppResult};

/// What a message needs to know about its recipient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub time_zone: String,
    pub email_changes: bool,
    pub email_reminders: bool,
}

impl Recipient {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

pub async fn recipient(db: &Db, id: i64) -> AppResult<Option<Recipient>> {
    let sql = "SELECT id, name, email, role, time_zone, email_changes, email_reminders \
               FROM users WHERE id = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn choices(db: &Db, user_id: i64) -> AppResult<MessageChoices> {
    let sql = "SELECT email_changes, email_reminders FROM users WHERE id = $1";
    let (email_changes, email_reminders): (bool, bool) = with_pool!(db, |pool| {
        sqlx::query_as(sql).bind(user_id).fetch_one(pool).await
    })?;
    Ok(MessageChoices {
        email_changes,
        email_reminders,
    })
}

pub async fn set_choices(db: &Db, user_id: i64, choices: &MessageChoices) -> AppResult<()> {
    let sql = "UPDATE users SET email_changes = $2, email_reminders = $3 WHERE id = $1";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(user_id)
        .bind(choices.email_changes)
        .bind(choices.email_reminders)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The user's calendar-feed secret, made on first use.
pub async fn calendar_token(db: &Db, user_id: i64) -> AppResult<String> {
    let sql = "SELECT calendar_token FROM users WHERE id = $1";
    let token: Option<String> = with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
    match token {
        Some(token) => Ok(token),
        None => new_calendar_token(db, user_id).await,
    }
}

/// A new secret: the old feed address stops working at once.
pub async fn new_calendar_token(db: &Db, user_id: i64) -> AppResult<String> {
    let token = crate::server::random_token();
    let sql = "UPDATE users SET calendar_token = $2 WHERE id = $1";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(user_id)
        .bind(&token)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(token)
}

/// The owner of a feed secret.
pub async fn by_calendar_token(db: &Db, token: &str) -> AppResult<Option<i64>> {
    let sql = "SELECT id FROM users WHERE calendar_token = $1";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(token)
        .fetch_optional(pool)
        .await)?)
}

/// A doctor's reminder times and busy-time feed, with the feed's last outcome.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DoctorCalendar {
    pub doctor_id: i64,
    pub reminder_hours: String,
    pub busy_feed_url: String,
    pub busy_feed_checked_at: Option<i64>,
    pub busy_feed_error: String,
    pub busy_feed_events: i64,
}

pub async fn doctor_calendar(db: &Db, doctor_id: i64) -> AppResult<DoctorCalendar> {
    let sql = "SELECT doctor_id, reminder_hours, busy_feed_url, busy_feed_checked_at, \
               busy_feed_error, busy_feed_events FROM doctor_calendars WHERE doctor_id = $1";
    let row: Option<DoctorCalendar> = with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(doctor_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.unwrap_or(DoctorCalendar {
        doctor_id,
        reminder_hours: DEFAULT_REMINDER_HOURS.into(),
        busy_feed_url: String::new(),
        busy_feed_checked_at: None,
        busy_feed_error: String::new(),
        busy_feed_events: 0,
    }))
}

/// Saves the settings; a changed feed address forgets the old feed's busy times and outcome.
pub async fn save_doctor_calendar(
    tx: &mut Tx,
    doctor_id: i64,
    reminder_hours: &str,
    busy_feed_url: &str,
) -> AppResult<()> {
    let sql = "INSERT INTO doctor_calendars (doctor_id, reminder_hours, busy_feed_url) \
               VALUES ($1, $2, $3) ON CONFLICT (doctor_id) DO UPDATE SET \
               reminder_hours = excluded.reminder_hours, busy_feed_url = excluded.busy_feed_url, \
               busy_feed_checked_at = CASE WHEN doctor_calendars.busy_feed_url = \
               excluded.busy_feed_url THEN doctor_calendars.busy_feed_checked_at END, \
               busy_feed_error = CASE WHEN doctor_calendars.busy_feed_url = \
               excluded.busy_feed_url THEN doctor_calendars.busy_feed_error ELSE '' END, \
               busy_feed_events = CASE WHEN doctor_calendars.busy_feed_url = \
               excluded.busy_feed_url THEN doctor_calendars.busy_feed_events ELSE 0 END";
    let previous = "SELECT busy_feed_url FROM doctor_calendars WHERE doctor_id = $1";
    let old: Option<String> = with_tx!(tx, |conn| sqlx::query_scalar(previous)
        .bind(doctor_id)
        .fetch_optional(&mut *conn)
        .await)?;
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(doctor_id)
        .bind(reminder_hours)
        .bind(busy_feed_url)
        .execute(conn)
        .await
        .map(|_| ()))?;
    if old.unwrap_or_default() != busy_feed_url {
        replace_busy(tx, doctor_id, &[]).await?;
    }
    Ok(())
}

/// Doctors with a busy-time feed.
pub async fn busy_feeds(db: &Db) -> AppResult<Vec<(i64, String)>> {
    let sql = "SELECT doctor_id, busy_feed_url FROM doctor_calendars \
               WHERE busy_feed_url <> '' ORDER BY doctor_id";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .fetch_all(pool)
        .await)?)
}

/// The feed's busy times, replacing the previous read, with the outcome.
pub async fn replace_busy(tx: &mut Tx, doctor_id: i64, busy: &[TimeRange]) -> AppResult<()> {
    let delete = "DELETE FROM imported_busy WHERE doctor_id = $1";
    with_tx!(tx, |conn| sqlx::query(delete)
        .bind(doctor_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    let insert = "INSERT INTO imported_busy (doctor_id, starts_at, ends_at) VALUES ($1, $2, $3)";
    for range in busy {
        with_tx!(tx, |conn| sqlx::query(insert)
            .bind(doctor_id)
            .bind(to_ts(range.start()))
            .bind(to_ts(range.end()))
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// Records a read of the feed: its time, and an error or how many busy times it gave.
pub async fn feed_outcome(
    tx: &mut Tx,
    doctor_id: i64,
    url: &str,
    outcome: Result<usize, &str>,
    now: i64,
) -> AppResult<()> {
    let (error, events) = match outcome {
        Ok(n) => (String::new(), n as i64),
        Err(e) => (e.to_string(), 0),
    };
    // Only for the address it read: a doctor may have changed it meanwhile.
    let sql = "UPDATE doctor_calendars SET busy_feed_checked_at = $3, busy_feed_error = $4, \
               busy_feed_events = CASE WHEN $4 = '' THEN $5 ELSE busy_feed_events END \
               WHERE doctor_id = $1 AND busy_feed_url = $2";
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(doctor_id)
        .bind(url)
        .bind(now)
        .bind(&error)
        .bind(events)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Imported busy times overlapping `window`.
pub async fn imported_busy<'a>(
    conn: impl Into<super::Conn<'a>>,
    doctor_id: i64,
    window: &TimeRange,
) -> AppResult<Vec<TimeRange>> {
    let sql = "SELECT starts_at, ends_at FROM imported_busy WHERE doctor_id = $1 \
               AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at";
    let rows: Vec<(i64, i64)> = super::with_conn!(conn.into(), |c| sqlx::query_as(sql)
        .bind(doctor_id)
        .bind(to_ts(window.start()))
        .bind(to_ts(window.end()))
        .fetch_all(c)
        .await)?;
    Ok(super::to_ranges(rows))
}

/// When the feed was last read, for the settings page.
pub fn checked_at(calendar: &DoctorCalendar) -> Option<chrono::DateTime<chrono::Utc>> {
    calendar.busy_feed_checked_at.map(from_ts)
}

pub fn not_found() -> AppError {
    AppError::not_found("That calendar")
}
