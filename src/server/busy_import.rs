//! Busy times from a doctor's own calendar (the iCalendar address of their personal
//! calendar): read now and then, stored, and left out of the offered times. A feed that
//! fails is reported on the doctor's settings and keeps its last good busy times; it never
//! stops anyone from booking otherwise.

use super::config::Config;
use super::db::{messaging, users, Db};
use super::feed_client::{reason, FeedClient};
use super::ical_import::busy_times;
use super::scheduling::zone;
use crate::domain::TimeRange;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use std::time::Duration as StdDuration;

/// The largest feed read (a year of a busy calendar is well under 1 MB).
const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// Busy times kept: from yesterday to as far as anyone can book (and then some).
const AHEAD_DAYS: i64 = 400;

/// Reads the doctor's feed now. Ok with the number of busy times, or the reason it failed
/// (also stored for the settings page); `Ok(0)` when the doctor has no feed.
pub async fn refresh(
    db: &Db,
    http: &FeedClient,
    doctor_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Result<usize, String>> {
    let calendar = messaging::doctor_calendar(db, doctor_id).await?;
    let url = calendar.busy_feed_url;
    if url.is_empty() {
        return Ok(Ok(0));
    }
    let doctor_zone = users::find_by_id(db, doctor_id)
        .await?
        .map(|d| zone(&d.time_zone))
        .unwrap_or(chrono_tz::Tz::UTC);
    let window = TimeRange::new(now - Duration::days(1), now + Duration::days(AHEAD_DAYS))
        .map_err(AppError::internal)?;
    let read = match fetch(http, &url).await {
        // Parsing and expanding a large feed is CPU work: off the request threads.
        Ok(text) => tokio::task::spawn_blocking(move || {
            busy_times(&text, doctor_zone, &window).map_err(|e| e.to_string())
        })
        .await
        .map_err(AppError::internal)?,
        Err(error) => Err(error),
    };
    // Under the doctor's lock, like a booking: a booking sees the feed before or after.
    let mut tx = db.begin_write(doctor_id).await?;
    if let Ok(busy) = &read {
        messaging::replace_busy(&mut tx, doctor_id, busy).await?;
    }
    let outcome = read.as_ref().map(Vec::len).map_err(String::as_str);
    messaging::feed_outcome(&mut tx, doctor_id, &url, outcome, now.timestamp()).await?;
    tx.commit().await?;
    Ok(read.map(|busy| busy.len()))
}

async fn fetch(http: &FeedClient, url: &str) -> Result<String, String> {
    let response = http.get(url).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("The address answered {status}."));
    }
    if response
        .content_length()
        .is_some_and(|n| n as usize > MAX_FEED_BYTES)
    {
        return Err("The calendar is larger than 5 MB.".into());
    }
    let mut body = Vec::new();
    let mut response = response;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("The calendar could not be read ({}).", reason(&e)))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_FEED_BYTES {
            return Err("The calendar is larger than 5 MB.".into());
        }
    }
    String::from_utf8(body).map_err(|_| "The address did not return text.".into())
}

/// Reads every doctor's feed every `busy_feed_minutes`, until the pool closes. Each app
/// process does it; a read replaces the stored busy times, so doing it twice is harmless.
pub fn spawn_refresher(db: Db, config: Arc<Config>, http: FeedClient) {
    tokio::spawn(async move {
        let every = StdDuration::from_secs(u64::from(config.busy_feed_minutes) * 60);
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            if db.is_closed() {
                return;
            }
            let feeds = match messaging::busy_feeds(&db).await {
                Ok(feeds) => feeds,
                Err(error) => {
                    tracing::warn!(%error, "cannot list busy-time feeds");
                    continue;
                }
            };
            for (doctor_id, _) in feeds {
                if let Err(error) = refresh(&db, &http, doctor_id, Utc::now()).await {
                    tracing::warn!(doctor_id, %error, "busy-time feed not stored");
                }
            }
        }
    });
}
