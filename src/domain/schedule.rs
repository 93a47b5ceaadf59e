//! Which start times a doctor offers for a service. The same code lists the offered times
//! and checks a requested time inside the booking transaction, so what patients see and
//! what the server accepts cannot drift apart.

use super::hours::{DateOverride, DayHours, WeeklyHours};
use super::wall_clock::resolve_local;
use super::TimeRange;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// A doctor's limits on when patients may book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    /// No bookings that start sooner than this after now.
    pub min_notice_minutes: u32,
    /// No bookings that start later than this many days after now.
    pub horizon_days: u32,
    /// At most this many active appointments on one day (doctor's zone).
    pub daily_cap: Option<u32>,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            min_notice_minutes: 120,
            horizon_days: 60,
            daily_cap: None,
        }
    }
}

impl BookingRules {
    /// The rules when the practice books a walk-in for today: the patient is at the desk, so
    /// no minimum notice, and the doctor chose to see them, so no daily cap. Passed times,
    /// working hours and other bookings still apply.
    pub fn at_the_desk(self) -> BookingRules {
        BookingRules {
            min_notice_minutes: 0,
            daily_cap: None,
            ..self
        }
    }
}

/// How long a service takes, the doctor's time it blocks around it, and its start grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTiming {
    pub duration_minutes: u32,
    pub buffer_before_minutes: u32,
    pub buffer_after_minutes: u32,
    /// Minutes between offered start times, counted from the start of the working hours.
    pub step_minutes: u32,
}

impl ServiceTiming {
    /// The appointment itself, starting at `start`.
    pub fn appointment(&self, start: DateTime<Utc>) -> TimeRange {
        // Callers pass starts that passed the horizon check, far from chrono's limits.
        TimeRange::starting_at(start, self.duration_minutes.max(1)).expect("start in range")
    }

    /// The doctor's time an appointment at `start` keeps busy: itself plus the buffers.
    pub fn blocked(&self, start: DateTime<Utc>) -> TimeRange {
        let own = self.appointment(start);
        TimeRange::new(
            own.start() - Duration::minutes(i64::from(self.buffer_before_minutes)),
            own.end() + Duration::minutes(i64::from(self.buffer_after_minutes)),
        )
        .unwrap_or(own)
    }
}

/// An active appointment as the offering needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub starts_at: DateTime<Utc>,
    /// Its time plus its own service's buffers.
    pub blocked: TimeRange,
    /// An appointment here (counted toward the daily cap), not time the doctor's own
    /// calendar marks busy.
    pub appointment: bool,
}

/// Why a start time cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Passed,
    TooSoon { minutes: u32 },
    TooFar { days: u32 },
    NotOffered,
    DayFull,
    Taken,
}

impl Refusal {
    /// Whether the refusal comes from other bookings (a conflict) rather than the request.
    pub fn is_conflict(self) -> bool {
        matches!(self, Refusal::DayFull | Refusal::Taken)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Passed => write!(
                f,
                "That time has already passed. Pick a time in the future."
            ),
            Refusal::TooSoon { minutes } => write!(
                f,
                "Appointments must be booked at least {} ahead. Pick a later time.",
                notice_text(*minutes)
            ),
            Refusal::TooFar { days } => write!(
                f,
                "Appointments can be booked up to {days} days ahead. Pick an earlier date."
            ),
            Refusal::NotOffered => write!(
                f,
                "The doctor does not offer that time. Choose one of the offered times."
            ),
            Refusal::DayFull => write!(f, "The doctor's day is fully booked. Pick another day."),
            Refusal::Taken => write!(f, "{}", crate::error::SLOT_TAKEN),
        }
    }
}

/// "2 hours", "90 minutes", "1 day".
pub fn notice_text(minutes: u32) -> String {
    let plural = |n: u32, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if minutes >= 1440 && minutes.is_multiple_of(1440) {
        plural(minutes / 1440, "day")
    } else if minutes >= 60 && minutes.is_multiple_of(60) {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

/// A doctor's availability: weekly hours, overrides and extra one-off spans, in `zone`.
pub struct Schedule<'a, Tz: TimeZone> {
    pub zone: &'a Tz,
    pub weekly: &'a WeeklyHours,
    pub overrides: &'a [DateOverride],
    /// One-off extra hours as UTC ranges, on top of the weekly hours.
    pub extra: &'a [TimeRange],
    pub rules: BookingRules,
}

impl<Tz: TimeZone> Schedule<'_, Tz> {
    /// The hours of a local day: the latest override covering it, else the weekly hours.
    pub fn hours_on(&self, day: NaiveDate) -> &DayHours {
        self.overrides
            .iter()
            .filter(|o| o.covers(day))
            .max_by_key(|o| o.id)
            .map(|o| &o.hours)
            .unwrap_or_else(|| self.weekly.on(day))
    }

    pub fn local_day(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.zone
            .from_utc_datetime(&instant.naive_utc())
            .date_naive()
    }

    /// The working spans of a local day as UTC ranges.
    pub fn spans_on(&self, day: NaiveDate) -> Vec<TimeRange> {
        spans_of(self.zone, day, self.hours_on(day))
    }

    /// The working spans of the local days from `from` to `to` plus the extra hours, in
    /// order, as entered (not merged).
    fn entered_spans(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<TimeRange> {
        let mut spans = Vec::new();
        let (first, last) = (self.local_day(from), self.local_day(to));
        let mut day = first;
        while day <= last {
            spans.extend(self.spans_on(day));
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        spans.extend(self.extra.iter().copied());
        spans.sort_by_key(TimeRange::start);
        spans
    }

    /// Working time from `from` to `to`, merged where spans touch or overlap: 22:00-24:00
    /// and 00:00-02:00 are one night shift, and extra hours next to weekly ones extend them.
    pub fn working_spans(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<TimeRange> {
        merge(&self.entered_spans(from, to))
    }

    /// Working minutes on a local day: its hours (an override or the weekly ones) and the
    /// extra hours, merged, counted within the day. A plain day (24 hours long, no extra
    /// hours) is the sum of its intervals, without any time-zone arithmetic past the day's
    /// bounds; a daylight-saving day or one with extra hours is worked out span by span.
    pub fn working_minutes_on(&self, day: NaiveDate) -> i64 {
        let Some(next) = day.succ_opt() else {
            return 0;
        };
        let (start, end) = (
            resolve_local(self.zone, day, NaiveTime::MIN),
            resolve_local(self.zone, next, NaiveTime::MIN),
        );
        let hours = self.hours_on(day);
        let extra = self
            .extra
            .iter()
            .filter(|r| r.start() < end && r.end() > start);
        if extra.clone().next().is_none() && end - start == Duration::days(1) {
            return hours
                .intervals()
                .iter()
                .map(|i| i64::from(i.minutes()))
                .sum();
        }
        let mut spans = spans_of(self.zone, day, hours);
        spans.extend(extra.copied());
        spans.sort_by_key(TimeRange::start);
        merge(&spans)
            .iter()
            .map(|s| {
                (s.end().min(end) - s.start().max(start))
                    .num_minutes()
                    .max(0)
            })
            .sum()
    }

    /// Every grid start in `[from, to)` whose appointment fits in working time, before any
    /// rule or booking is considered. Each entered span anchors its own grid (so the grid
    /// never depends on the window asked for); an appointment may run on into a span that
    /// touches it.
    pub fn candidates(
        &self,
        timing: &ServiceTiming,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let day = Duration::days(1);
        let entered = self.entered_spans(from - day, to + day);
        let merged = merge(&entered);
        let step = Duration::minutes(i64::from(timing.step_minutes.max(1)));
        let length = Duration::minutes(i64::from(timing.duration_minutes.max(1)));
        let mut starts = Vec::new();
        for span in entered {
            let reach = merged
                .iter()
                .find(|m| m.start() <= span.start() && span.start() < m.end())
                .map_or(span.end(), TimeRange::end);
            let mut start = span.start();
            while start < span.end() && start + length <= reach && start < to {
                if start >= from {
                    starts.push(start);
                }
                start += step;
            }
        }
        starts.sort();
        starts.dedup();
        starts
    }

    /// Start times offered in `window`: the candidates that no rule or booking refuses.
    pub fn offered(
        &self,
        timing: &ServiceTiming,
        busy: &[Busy],
        window: &TimeRange,
        now: DateTime<Utc>,
    ) -> Vec<TimeRange> {
        let check = Checker::new(self, busy);
        self.candidates(timing, window.start(), window.end())
            .into_iter()
            .filter(|&start| check.refusal(timing, start, now).is_none())
            .map(|start| timing.appointment(start))
            .collect()
    }

    /// Whether `start` may be booked now; the appointment's time if so.
    pub fn check(
        &self,
        timing: &ServiceTiming,
        busy: &[Busy],
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<TimeRange, Refusal> {
        let check = Checker::new(self, busy);
        // Clock rules first: "too soon" says more than "not offered".
        check.clock_refusal(start, now).map_or(Ok(()), Err)?;
        let on_grid = self
            .candidates(timing, start, start + Duration::seconds(1))
            .contains(&start);
        if !on_grid {
            return Err(Refusal::NotOffered);
        }
        check.refusal(timing, start, now).map_or(Ok(()), Err)?;
        Ok(timing.appointment(start))
    }
}

/// Sorted spans joined where they touch or overlap.
fn merge(sorted: &[TimeRange]) -> Vec<TimeRange> {
    let mut merged: Vec<TimeRange> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if span.start() <= last.end() => {
                if span.end() > last.end() {
                    *last = TimeRange::new(last.start(), span.end()).expect("ordered");
                }
            }
            _ => merged.push(*span),
        }
    }
    merged
}

/// The intervals of `hours` on `day` as UTC ranges, following the zone's DST rules.
pub fn spans_of<Tz: TimeZone>(zone: &Tz, day: NaiveDate, hours: &DayHours) -> Vec<TimeRange> {
    hours
        .intervals()
        .iter()
        .filter_map(|interval| {
            let start = resolve_local(zone, day, clock(interval.start).0);
            let end = match clock(interval.end) {
                (time, false) => resolve_local(zone, day, time),
                (time, true) => resolve_local(zone, day.succ_opt()?, time),
            };
            // A DST jump can swallow a short interval; then the day has no such span.
            TimeRange::new(start, end).ok()
        })
        .collect()
}

/// `minutes` after midnight as a clock time; `true` when it is the next midnight.
fn clock(minutes: u16) -> (NaiveTime, bool) {
    let m = u32::from(minutes);
    match NaiveTime::from_hms_opt(m / 60, m % 60, 0) {
        Some(time) => (time, false),
        None => (NaiveTime::MIN, true),
    }
}

/// Busy times prepared for fast look-ups: sorted by start with a running maximum of ends, so
/// "does anything overlap [a, b)" is one binary search.
struct Checker<'s, 'a, Tz: TimeZone> {
    schedule: &'s Schedule<'a, Tz>,
    starts: Vec<DateTime<Utc>>,
    max_end: Vec<DateTime<Utc>>,
    per_day: HashMap<NaiveDate, u32>,
}

impl<'s, 'a, Tz: TimeZone> Checker<'s, 'a, Tz> {
    fn new(schedule: &'s Schedule<'a, Tz>, busy: &[Busy]) -> Self {
        let mut blocked: Vec<TimeRange> = busy.iter().map(|b| b.blocked).collect();
        blocked.sort_by_key(|range| range.start());
        let starts = blocked.iter().map(|r| r.start()).collect();
        let mut max_end = Vec::with_capacity(blocked.len());
        for range in &blocked {
            let end = max_end
                .last()
                .map_or(range.end(), |&m: &DateTime<Utc>| m.max(range.end()));
            max_end.push(end);
        }
        let mut per_day = HashMap::new();
        if schedule.rules.daily_cap.is_some() {
            for b in busy.iter().filter(|b| b.appointment) {
                *per_day.entry(schedule.local_day(b.starts_at)).or_insert(0) += 1;
            }
        }
        Checker {
            schedule,
            starts,
            max_end,
            per_day,
        }
    }

    fn clock_refusal(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Option<Refusal> {
        let rules = &self.schedule.rules;
        if start <= now {
            return Some(Refusal::Passed);
        }
        if start < now + Duration::minutes(i64::from(rules.min_notice_minutes)) {
            return Some(Refusal::TooSoon {
                minutes: rules.min_notice_minutes,
            });
        }
        if start > now + Duration::days(i64::from(rules.horizon_days)) {
            return Some(Refusal::TooFar {
                days: rules.horizon_days,
            });
        }
        None
    }

    fn refusal(
        &self,
        timing: &ServiceTiming,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Refusal> {
        if let Some(refusal) = self.clock_refusal(start, now) {
            return Some(refusal);
        }
        if let Some(cap) = self.schedule.rules.daily_cap {
            let day = self.schedule.local_day(start);
            if self.per_day.get(&day).copied().unwrap_or(0) >= cap {
                return Some(Refusal::DayFull);
            }
        }
        let blocked = timing.blocked(start);
        // Busy ranges starting before our end: does any of them end after our start?
        let before_end = self.starts.partition_point(|&s| s < blocked.end());
        if before_end > 0 && self.max_end[before_end - 1] > blocked.start() {
            return Some(Refusal::Taken);
        }
        None
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
