//! A half-open span of time `[start, end)` in UTC: the unit of availability and bookings.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeRange {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeRangeError {
    EndNotAfterStart,
    OutOfRange,
    TooLong { max_hours: i64 },
}

impl fmt::Display for TimeRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeRangeError::EndNotAfterStart => write!(f, "The end must be after the start."),
            TimeRangeError::OutOfRange => write!(f, "That time is out of range."),
            TimeRangeError::TooLong { max_hours } => {
                write!(f, "A span may last at most {max_hours} hours.")
            }
        }
    }
}

impl TimeRange {
    /// Longest availability span accepted; longer ones are almost always a typo (wrong date).
    pub const MAX_SPAN_HOURS: i64 = 24;

    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<TimeRange, TimeRangeError> {
        if end <= start {
            return Err(TimeRangeError::EndNotAfterStart);
        }
        Ok(TimeRange { start, end })
    }

    /// A span of working time entered by a doctor: at most a day long.
    pub fn working_span(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<TimeRange, TimeRangeError> {
        let range = TimeRange::new(start, end)?;
        if end - start > Duration::hours(Self::MAX_SPAN_HOURS) {
            return Err(TimeRangeError::TooLong {
                max_hours: Self::MAX_SPAN_HOURS,
            });
        }
        Ok(range)
    }

    /// A range of `minutes` starting at `start`; `minutes` must be positive.
    pub fn starting_at(start: DateTime<Utc>, minutes: u32) -> Result<TimeRange, TimeRangeError> {
        let end = start
            .checked_add_signed(Duration::minutes(i64::from(minutes)))
            .ok_or(TimeRangeError::OutOfRange)?;
        TimeRange::new(start, end)
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    /// Half-open: a range ending at 10:00 does not overlap one starting at 10:00.
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &TimeRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 7, hour, minute, 0).unwrap()
    }

    fn range(h1: u32, m1: u32, h2: u32, m2: u32) -> TimeRange {
        TimeRange::new(at(h1, m1), at(h2, m2)).unwrap()
    }

    #[test]
    fn end_must_follow_start() {
        assert_eq!(
            TimeRange::new(at(10, 0), at(9, 0)),
            Err(TimeRangeError::EndNotAfterStart)
        );
        assert_eq!(
            TimeRange::new(at(10, 0), at(10, 0)),
            Err(TimeRangeError::EndNotAfterStart)
        );
        assert_eq!(
            TimeRange::starting_at(at(10, 0), 0),
            Err(TimeRangeError::EndNotAfterStart)
        );
        assert_eq!(
            TimeRange::starting_at(DateTime::<Utc>::MAX_UTC, 30),
            Err(TimeRangeError::OutOfRange)
        );
    }

    #[test]
    fn refuses_working_spans_longer_than_a_day() {
        let start = at(9, 0);
        assert!(TimeRange::working_span(start, start + Duration::hours(24)).is_ok());
        assert!(TimeRange::new(start, start + Duration::hours(25)).is_ok());
        assert_eq!(
            TimeRange::working_span(start, start + Duration::hours(25)),
            Err(TimeRangeError::TooLong { max_hours: 24 })
        );
    }

    #[test]
    fn touching_ranges_do_not_overlap() {
        assert!(!range(9, 0, 10, 0).overlaps(&range(10, 0, 11, 0)));
        assert!(!range(10, 0, 11, 0).overlaps(&range(9, 0, 10, 0)));
    }

    #[test]
    fn partial_and_nested_ranges_overlap() {
        assert!(range(9, 0, 10, 0).overlaps(&range(9, 30, 10, 30)));
        assert!(range(9, 0, 12, 0).overlaps(&range(10, 0, 10, 30)));
        assert!(range(10, 0, 10, 30).overlaps(&range(9, 0, 12, 0)));
    }

    #[test]
    fn containment_includes_the_edges() {
        let day = range(9, 0, 17, 0);
        assert!(day.contains(&range(9, 0, 9, 30)));
        assert!(day.contains(&range(16, 30, 17, 0)));
        assert!(!day.contains(&range(16, 45, 17, 15)));
        assert_eq!(range(9, 0, 10, 30).minutes(), 90);
    }
}
