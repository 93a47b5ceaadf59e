//! Working hours, overrides and extra hours, and the times offered to patients.

use super::db::profiles::{self, ProfileRecord};
use super::db::{appointments, availability, hours, services, users, Conn, Db, Tx};
use crate::domain::hours::{DateOverride, WeeklyHours};
use crate::domain::insight::LocalStart;
use crate::domain::models::{AvailabilitySpan, Service, Slot};
use crate::domain::schedule::{BookingRules, Schedule};
use crate::domain::TimeRange;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// Longest window one request may ask free times or spans for.
pub const MAX_WINDOW_DAYS: i64 = 62;

pub fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> AppResult<TimeRange> {
    if to <= from {
        return Err(AppError::invalid("to", "The end must be after the start."));
    }
    if !in_calendar(from) || !in_calendar(to) {
        return Err(AppError::invalid("from", "That date is out of range."));
    }
    if to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(AppError::invalid(
            "to",
            format!("Ask for at most {MAX_WINDOW_DAYS} days at a time."),
        ));
    }
    TimeRange::new(from, to).map_err(|e| AppError::invalid("to", e.to_string()))
}

/// Whether an instant lies in the years the calendar works with.
pub fn in_calendar(instant: DateTime<Utc>) -> bool {
    day_in_calendar(instant.date_naive())
}

/// Years the calendar works with; outside them date arithmetic could overflow, and dates
/// stored as text would no longer sort.
pub fn day_in_calendar(day: NaiveDate) -> bool {
    (1970..=9999).contains(&day.year())
}

/// A stored zone name; an unknown one (never written by us) falls back to UTC.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// `window` grown by two days each way: enough to see every appointment whose buffers
/// reach into it and every appointment on the local days it touches (for daily caps).
pub fn widened(window: &TimeRange) -> TimeRange {
    TimeRange::new(
        window.start() - Duration::days(2),
        window.end() + Duration::days(2),
    )
    .unwrap_or(*window)
}

/// Everything that decides a doctor's offered times in a window, loaded once.
pub struct DoctorSchedule {
    zone: Tz,
    weekly: WeeklyHours,
    overrides: Vec<DateOverride>,
    extra: Vec<TimeRange>,
    rules: BookingRules,
}

impl DoctorSchedule {
    pub async fn load<'a>(
        conn: impl Into<Conn<'a>>,
        profile: &ProfileRecord,
        window: &TimeRange,
    ) -> AppResult<Self> {
        let mut conn = conn.into();
        let zone = zone(&profile.doctor.time_zone);
        let wide = widened(window);
        let (first, last) = local_days(&zone, &wide);
        let doctor_id = profile.doctor.id;
        Ok(DoctorSchedule {
            zone,
            weekly: hours::weekly(conn.reborrow(), doctor_id).await?,
            overrides: hours::overrides(conn.reborrow(), doctor_id, first, last).await?,
            extra: availability::ranges(conn, doctor_id, &wide).await?,
            rules: profile.rules,
        })
    }

    /// Loads inside the booking transaction (with the doctor's lock held), so hours, extra
    /// spans and rules cannot change between the check and the commit.
    pub async fn load_in(
        tx: &mut Tx,
        doctor_id: i64,
        window: &TimeRange,
    ) -> AppResult<(ProfileRecord, Self)> {
        let profile = profiles::find(&mut *tx, doctor_id)
            .await?
            .ok_or_else(|| AppError::invalid("doctor_id", "That doctor does not exist."))?;
        let schedule = Self::load(tx, &profile, window).await?;
        Ok((profile, schedule))
    }

    /// Where `at` falls on the doctor's clock (stored with an appointment for Insight).
    pub fn local_start(&self, at: DateTime<Utc>) -> LocalStart {
        LocalStart::of(&self.zone, at)
    }

    /// The same schedule under the rules for booking a walk-in at the desk.
    pub fn at_the_desk(mut self) -> Self {
        self.rules = self.rules.at_the_desk();
        self
    }

    pub fn view(&self) -> Schedule<'_, Tz> {
        Schedule {
            zone: &self.zone,
            weekly: &self.weekly,
            overrides: &self.overrides,
            extra: &self.extra,
            rules: self.rules,
        }
    }
}

fn local_days(zone: &Tz, window: &TimeRange) -> (NaiveDate, NaiveDate) {
    let day = |t: DateTime<Utc>| t.with_timezone(zone).date_naive();
    (day(window.start()), day(window.end()))
}

pub async fn doctor_profile(db: &Db, doctor_id: i64) -> AppResult<ProfileRecord> {
    profiles::find(db, doctor_id)
        .await?
        .ok_or_else(|| AppError::invalid("doctor_id", "That doctor does not exist."))
}

/// The doctor's active service, or a message saying it cannot be booked.
pub async fn offered_service(db: &Db, doctor_id: i64, service_id: i64) -> AppResult<Service> {
    services::find(db, service_id)
        .await?
        .filter(|s| s.doctor_id == doctor_id && s.active)
        .ok_or_else(|| {
            AppError::invalid("service_id", "That service is not offered by this doctor.")
        })
}

/// An appointment being moved: its times are offered as if it were not booked.
pub struct Moving {
    pub appointment_id: i64,
    pub service: Service,
}

impl Moving {
    /// The appointment `user` wants to move, if it is theirs to move (404 otherwise).
    pub async fn load(db: &Db, user: &crate::domain::models::User, id: i64) -> AppResult<Moving> {
        let not_found = || AppError::not_found("That appointment");
        let appointment = appointments::find(db, id).await?.ok_or_else(not_found)?;
        let sees_doctor = super::access::sees_doctor(db, user, appointment.doctor_id).await?;
        if !super::access::sees_appointment(user, sees_doctor, &appointment) {
            return Err(not_found());
        }
        let service = services::find(db, appointment.service_id)
            .await?
            .ok_or(AppError::Internal)?;
        Ok(Moving {
            appointment_id: id,
            service,
        })
    }
}

/// Who asks for free times: a patient booking, someone moving an appointment (its own
/// service, its current time left out of the busy times), or the desk booking a walk-in.
pub enum Asking {
    Booking,
    Moving(Moving),
    Desk,
}

/// Free start times for `service_id` with `doctor_id` in `[from, to)`, for `asking`.
pub async fn free_times(
    db: &Db,
    doctor_id: i64,
    service_id: i64,
    window: &TimeRange,
    asking: Asking,
    now: DateTime<Utc>,
) -> AppResult<Vec<Slot>> {
    let profile = doctor_profile(db, doctor_id).await?;
    let desk = matches!(asking, Asking::Desk);
    let (service, except) = match asking {
        Asking::Moving(m) => (m.service, Some(m.appointment_id)),
        _ => (offered_service(db, doctor_id, service_id).await?, None),
    };
    let window = *window;
    let mut schedule = DoctorSchedule::load(db, &profile, &window).await?;
    if desk {
        schedule = schedule.at_the_desk();
    }
    let busy = appointments::busy(db, doctor_id, &widened(&window), except).await?;
    let offered = schedule
        .view()
        .offered(&service.timing(), &busy, &window, now);
    Ok(offered
        .into_iter()
        .map(|s| Slot {
            starts_at: s.start(),
            ends_at: s.end(),
        })
        .collect())
}

/// How far ahead the directory looks for a doctor's next free time: enough to be useful,
/// bounded so a public search stays cheap.
pub const NEXT_FREE_DAYS: i64 = 62;

/// The earliest time any of `services` can be booked, searching month by month up to the
/// doctor's horizon or `NEXT_FREE_DAYS`, whichever comes first.
pub async fn next_free(
    db: &Db,
    profile: &ProfileRecord,
    services: &[Service],
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    if services.is_empty() {
        return Ok(None);
    }
    for window in search_windows(profile, now)? {
        let schedule = DoctorSchedule::load(db, profile, &window).await?;
        let busy = appointments::busy(db, profile.doctor.id, &widened(&window), None).await?;
        let first = services
            .iter()
            .filter_map(|service| {
                let offered = schedule
                    .view()
                    .offered(&service.timing(), &busy, &window, now);
                offered.first().map(TimeRange::start)
            })
            .min();
        if first.is_some() {
            return Ok(first);
        }
    }
    Ok(None)
}

/// A month at a time from `now` to the doctor's horizon or `NEXT_FREE_DAYS`, whichever
/// comes first: how far the directory and the profile look for free times.
fn search_windows(profile: &ProfileRecord, now: DateTime<Utc>) -> AppResult<Vec<TimeRange>> {
    let days = i64::from(profile.rules.horizon_days).min(NEXT_FREE_DAYS);
    let horizon = now + Duration::days(days);
    let mut windows = Vec::new();
    let mut from = now;
    while from < horizon {
        let to = (from + Duration::days(31)).min(horizon + Duration::minutes(1));
        windows.push(window(from, to)?);
        from = to;
    }
    Ok(windows)
}

/// Up to `count` earliest free times of each of `services` (in their order), searched month
/// by month like `next_free`: the profile's quick links, which work before the calendar does.
pub async fn first_free_times(
    db: &Db,
    profile: &ProfileRecord,
    services: &[Service],
    now: DateTime<Utc>,
    count: usize,
) -> AppResult<Vec<Vec<Slot>>> {
    let mut found: Vec<Vec<Slot>> = vec![Vec::new(); services.len()];
    for window in search_windows(profile, now)? {
        if found.iter().all(|times| times.len() >= count) {
            break;
        }
        let schedule = DoctorSchedule::load(db, profile, &window).await?;
        let busy = appointments::busy(db, profile.doctor.id, &widened(&window), None).await?;
        for (service, times) in services.iter().zip(found.iter_mut()) {
            let missing = count.saturating_sub(times.len());
            let offered = schedule
                .view()
                .offered(&service.timing(), &busy, &window, now);
            times.extend(offered.iter().take(missing).map(|range| Slot {
                starts_at: range.start(),
                ends_at: range.end(),
            }));
        }
    }
    Ok(found)
}

/// Replaces the doctor's weekly hours.
pub async fn set_weekly_hours(db: &Db, doctor_id: i64, week: &WeeklyHours) -> AppResult<()> {
    let mut tx = db.begin_write(doctor_id).await?;
    hours::replace_weekly(&mut tx, doctor_id, week).await?;
    tx.commit().await.map_err(AppError::internal)
}

/// Adds a date override unless it overlaps another one (which would make a day ambiguous).
pub async fn add_override(
    db: &Db,
    doctor_id: i64,
    item: &DateOverride,
    today: NaiveDate,
) -> AppResult<DateOverride> {
    item.validate()
        .map_err(|e| AppError::invalid("last_day", e.to_string()))?;
    if !day_in_calendar(item.first_day) || !day_in_calendar(item.last_day) {
        return Err(AppError::invalid("first_day", "That date is out of range."));
    }
    if item.last_day < today {
        return Err(AppError::invalid(
            "last_day",
            "That date has passed. Choose today or a later day.",
        ));
    }
    let mut tx = db.begin_write(doctor_id).await?;
    let existing = hours::overrides(&mut tx, doctor_id, item.first_day, item.last_day).await?;
    if let Some(other) = existing.iter().find(|o| o.overlaps(item)) {
        return Err(AppError::Conflict(format!(
            "These days overlap the override from {} to {}. Remove it first.",
            other.first_day, other.last_day
        )));
    }
    let id = hours::insert_override(&mut tx, doctor_id, item).await?;
    tx.commit().await.map_err(AppError::internal)?;
    Ok(DateOverride { id, ..item.clone() })
}

pub async fn remove_override(db: &Db, doctor_id: i64, id: i64) -> AppResult<()> {
    if hours::delete_override(db, doctor_id, id).await? {
        Ok(())
    } else {
        Err(AppError::not_found("That override"))
    }
}

/// Adds one-off extra hours for a doctor in one transaction: all of them or, on any overlap, none.
pub async fn add_spans(
    db: &Db,
    doctor_id: i64,
    spans: &[TimeRange],
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if spans.is_empty() {
        return Err(AppError::invalid(
            "hours",
            "Those hours do not exist on that date (a clock change). Check the date and times.",
        ));
    }
    for (field, outside) in [
        ("starts_at", spans.iter().any(|s| !in_calendar(s.start()))),
        ("ends_at", spans.iter().any(|s| !in_calendar(s.end()))),
    ] {
        if outside {
            return Err(AppError::invalid(
                field,
                "Use dates between the years 1970 and 9999.",
            ));
        }
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
