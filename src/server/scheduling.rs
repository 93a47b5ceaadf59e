//! Availability management and the free times offered to patients.

use super::db::{appointments, availability, services, users, Db};
use crate::domain::models::{AvailabilitySpan, Slot};
use crate::domain::recurrence::WeeklyPattern;
use crate::domain::slots::free_slots;
use crate::domain::TimeRange;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};

/// Longest window one request may ask free times or spans for.
pub const MAX_WINDOW_DAYS: i64 = 62;

pub fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> AppResult<TimeRange> {
    if to <= from {
        return Err(AppError::invalid("to", "The end must be after the start."));
    }
    if to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(AppError::invalid(
            "to",
            format!("Ask for at most {MAX_WINDOW_DAYS} days at a time."),
        ));
    }
    TimeRange::new(from, to).map_err(|e| AppError::invalid("to", e.to_string()))
}

/// Free start times for `service_id` with `doctor_id` in `[from, to)`.
pub async fn free_times(
    db: &Db,
    doctor_id: i64,
    service_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Slot>> {
    let window = window(from, to)?;
    let service = services::find(db, service_id)
        .await?
        .filter(|s| s.doctor_id == doctor_id && s.active)
        .ok_or_else(|| {
            AppError::invalid("service_id", "That service is not offered by this doctor.")
        })?;
    let spans = availability::ranges(db, doctor_id, &window).await?;
    let busy = appointments::busy_ranges(db, doctor_id, &window).await?;
    let slots = free_slots(&spans, &busy, service.duration_minutes, now, &window);
    Ok(slots
        .into_iter()
        .map(|s| Slot {
            starts_at: s.start(),
            ends_at: s.end(),
        })
        .collect())
}

/// Adds spans for a doctor in one transaction: all of them or, on any overlap, none.
pub async fn add_spans(
    db: &Db,
    doctor_id: i64,
    spans: &[TimeRange],
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if spans.is_empty() {
        return Err(AppError::invalid(
            "weekdays",
            "That pattern gives no times. Check the days and dates.",
        ));
    }
    if spans.iter().any(|s| s.end() <= now) {
        return Err(AppError::invalid(
            "starts_at",
            "Availability must lie in the future.",
        ));
    }
    let zone = users::find_by_id(db, doctor_id)
        .await?
        .map(|u| u.time_zone)
        .unwrap_or_else(|| "UTC".into());
    let mut tx = db.begin_write(doctor_id).await?;
    for span in spans {
        if availability::first_overlap(&mut tx, doctor_id, span)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "{} overlaps availability you already have. Nothing was added.",
                span.start().format("%Y-%m-%d %H:%M UTC")
            )));
        }
        availability::insert(&mut tx, doctor_id, span, &zone).await?;
    }
    tx.commit().await.map_err(AppError::internal)?;
    Ok(spans.len())
}

/// Expands a weekly pattern in the doctor's zone and adds it.
pub async fn add_pattern(
    db: &Db,
    doctor_id: i64,
    time_zone: &str,
    pattern: &WeeklyPattern,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let zone: chrono_tz::Tz = time_zone
        .parse()
        .map_err(|_| AppError::internal(format!("bad zone {time_zone}")))?;
    let spans = pattern
        .spans(&zone)
        .map_err(|e| AppError::invalid("weekdays", e.to_string()))?;
    add_spans(db, doctor_id, &spans, now).await
}

/// Removes a span of the doctor's own that has no active appointment in it.
pub async fn remove_span(db: &Db, doctor_id: i64, span_id: i64) -> AppResult<AvailabilitySpan> {
    let mut tx = db.begin_write(doctor_id).await?;
    let span = availability::find_own(&mut tx, doctor_id, span_id)
        .await?
        .ok_or_else(|| AppError::not_found("That availability"))?;
    if span.booked {
        return Err(AppError::Conflict(
            "An appointment is booked in this time. Cancel it before removing the time.".into(),
        ));
    }
    availability::delete(&mut tx, span_id).await?;
    tx.commit().await.map_err(AppError::internal)?;
    Ok(span)
}
