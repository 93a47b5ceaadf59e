//! Repeating availability ("weekdays 09:00-17:00 for the next 4 weeks") in the doctor's zone.

use super::time_range::TimeRange;
use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyPattern {
    /// Days of the week the hours apply to.
    pub weekdays: Vec<Weekday>,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    /// First day of the pattern, in the doctor's zone.
    pub first_day: NaiveDate,
    /// How many weeks from `first_day`.
    pub weeks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    NoWeekdays,
    EndNotAfterStart,
    Weeks { max: u32 },
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::NoWeekdays => write!(f, "Choose at least one day of the week."),
            PatternError::EndNotAfterStart => {
                write!(f, "The end time must be after the start time.")
            }
            PatternError::Weeks { max } => write!(f, "Choose between 1 and {max} weeks."),
        }
    }
}

/// Monday first, as clinics plan their weeks.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl WeeklyPattern {
    pub const MAX_WEEKS: u32 = 52;

    /// The pattern's spans as UTC ranges. Local times are resolved in `zone`, so "09:00"
    /// stays 09:00 on the doctor's wall clock across daylight-saving changes. A local time
    /// that does not exist (skipped by a DST jump) moves forward by the gap.
    pub fn spans<Tz: TimeZone>(&self, zone: &Tz) -> Result<Vec<TimeRange>, PatternError> {
        if self.weekdays.is_empty() {
            return Err(PatternError::NoWeekdays);
        }
        if self.end_time <= self.start_time {
            return Err(PatternError::EndNotAfterStart);
        }
        if self.weeks == 0 || self.weeks > Self::MAX_WEEKS {
            return Err(PatternError::Weeks {
                max: Self::MAX_WEEKS,
            });
        }
        let days = i64::from(self.weeks) * 7;
        let mut spans = Vec::new();
        for offset in 0..days {
            let day = self.first_day + Duration::days(offset);
            if !self.weekdays.contains(&day.weekday()) {
                continue;
            }
            let start = resolve_local(zone, day, self.start_time);
            let end = resolve_local(zone, day, self.end_time);
            // A DST jump can swallow a short span entirely; such a day simply has no span.
            if let Ok(span) = TimeRange::new(start, end) {
                spans.push(span);
            }
        }
        Ok(spans)
    }
}

/// The UTC instant of a wall-clock time in `zone`: the earlier one when the clock is turned
/// back, and past the gap when it is turned forward.
pub fn resolve_local<Tz: TimeZone>(
    zone: &Tz,
    day: NaiveDate,
    time: NaiveTime,
) -> chrono::DateTime<Utc> {
    let local = day.and_time(time);
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Inside a spring-forward gap: the same wall time one hour later exists.
            let later = local + Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn pattern(weekdays: Vec<Weekday>, weeks: u32) -> WeeklyPattern {
        WeeklyPattern {
            weekdays,
            start_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            // A Monday.
            first_day: NaiveDate::from_ymd_opt(2030, 1, 7).unwrap(),
            weeks,
        }
    }

    #[test]
    fn weekdays_for_two_weeks_give_ten_spans() {
        let weekdays = vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        let spans = pattern(weekdays, 2).spans(&Utc).unwrap();
        assert_eq!(spans.len(), 10);
        assert!(spans.iter().all(|s| s.minutes() == 8 * 60));
        assert!(spans
            .iter()
            .all(|s| s.start().weekday().num_days_from_monday() < 5));
    }

    #[test]
    fn local_hours_are_converted_with_the_zone_offset() {
        let zone = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let spans = pattern(vec![Weekday::Mon], 1).spans(&zone).unwrap();
        assert_eq!(spans[0].start().format("%H:%M").to_string(), "03:30");
    }

    /// Every span starts and ends at the same wall-clock time in `zone`, across a DST change.
    fn assert_wall_clock(zone: chrono_tz::Tz, first_day: (i32, u32, u32), utc_hours: (u32, u32)) {
        let mut weekly = pattern(WEEKDAYS.to_vec(), 2);
        weekly.first_day = NaiveDate::from_ymd_opt(first_day.0, first_day.1, first_day.2).unwrap();
        let spans = weekly.spans(&zone).unwrap();
        assert_eq!(spans.len(), 14);
        for span in &spans {
            let start = span.start().with_timezone(&zone);
            let end = span.end().with_timezone(&zone);
            assert_eq!(start.format("%H:%M").to_string(), "09:00", "{zone} {start}");
            assert_eq!(end.format("%H:%M").to_string(), "17:00", "{zone} {end}");
        }
        let hour = |s: &TimeRange| s.start().format("%H").to_string().parse::<u32>().unwrap();
        assert_eq!(
            (hour(&spans[0]), hour(&spans[13])),
            utc_hours,
            "{zone}: UTC hour before and after"
        );
    }

    #[test]
    fn hours_follow_the_wall_clock_across_daylight_saving_changes() {
        use chrono_tz::{America::New_York, Europe::London};
        // 2030: New York springs forward on 10 March, falls back on 3 November;
        // London on 31 March and 27 October.
        assert_wall_clock(New_York, (2030, 3, 4), (14, 13));
        assert_wall_clock(New_York, (2030, 10, 28), (13, 14));
        assert_wall_clock(London, (2030, 3, 25), (9, 8));
        assert_wall_clock(London, (2030, 10, 21), (8, 9));
    }

    #[test]
    fn half_hour_zones_keep_their_offset() {
        assert_wall_clock(chrono_tz::Asia::Kolkata, (2030, 3, 4), (3, 3));
        let spans = pattern(vec![Weekday::Mon], 1)
            .spans(&chrono_tz::Asia::Kolkata)
            .unwrap();
        assert_eq!(spans[0].start().format("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_moves_past_the_gap() {
        let day = NaiveDate::from_ymd_opt(2030, 3, 10).unwrap();
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let resolved = resolve_local(&chrono_tz::America::New_York, day, skipped);
        let local = resolved.with_timezone(&chrono_tz::America::New_York);
        assert_eq!(local.format("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn invalid_patterns_are_refused() {
        assert_eq!(
            pattern(vec![], 1).spans(&Utc),
            Err(PatternError::NoWeekdays)
        );
        assert_eq!(
            pattern(vec![Weekday::Mon], 0).spans(&Utc),
            Err(PatternError::Weeks { max: 52 })
        );
        let mut backwards = pattern(vec![Weekday::Mon], 1);
        backwards.end_time = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        assert_eq!(backwards.spans(&Utc), Err(PatternError::EndNotAfterStart));
    }
}
