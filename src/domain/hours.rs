//! Working hours on the doctor's wall clock: intervals of a day, a week of them, and date
//! overrides (a day off, other hours on a date, a holiday range).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MINUTES_PER_DAY: u16 = 1440;

/// `[start, end)` in minutes after local midnight; `end` may be 1440 (midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    Format(String),
    EndNotAfterStart(String),
    Overlap(String),
    DayOrder,
    RangeTooLong { max_days: i64 },
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoursError::Format(part) => write!(
                f,
                "\"{part}\" is not a time range. Write hours like 08:00-12:00, 13:00-17:00."
            ),
            HoursError::EndNotAfterStart(part) => {
                write!(f, "In {part} the end must be after the start.")
            }
            HoursError::Overlap(part) => write!(f, "{part} overlaps other hours of the same day."),
            HoursError::DayOrder => write!(f, "The last day must not be before the first day."),
            HoursError::RangeTooLong { max_days } => {
                write!(f, "An override can cover at most {max_days} days.")
            }
        }
    }
}

impl Interval {
    pub fn new(start: u16, end: u16) -> Result<Interval, HoursError> {
        let interval = Interval { start, end };
        if end > MINUTES_PER_DAY {
            return Err(HoursError::Format(interval.to_string()));
        }
        if end <= start {
            return Err(HoursError::EndNotAfterStart(interval.to_string()));
        }
        Ok(interval)
    }

    /// "08:00-12:00"; "24:00" is accepted as the end of the day.
    pub fn parse(text: &str) -> Result<Interval, HoursError> {
        let bad = || HoursError::Format(text.trim().to_string());
        let (start, end) = text.split_once('-').ok_or_else(bad)?;
        let start = parse_clock(start).ok_or_else(bad)?;
        let end = parse_clock(end).ok_or_else(bad)?;
        Interval::new(start, end).map_err(|e| match e {
            HoursError::Format(_) => bad(),
            other => other,
        })
    }

    pub fn minutes(&self) -> u16 {
        self.end - self.start
    }
}

/// "HH:MM" to minutes after midnight, up to 24:00.
fn parse_clock(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || minutes.len() != 2 || !digits(minutes) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", clock(self.start), clock(self.end))
    }
}

/// The open intervals of one day, sorted and not overlapping; empty means closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Interval>", into = "Vec<Interval>")]
pub struct DayHours(Vec<Interval>);

impl DayHours {
    pub fn closed() -> DayHours {
        DayHours(Vec::new())
    }

    pub fn new(mut intervals: Vec<Interval>) -> Result<DayHours, HoursError> {
        intervals.sort();
        for pair in intervals.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(HoursError::Overlap(pair[1].to_string()));
            }
        }
        Ok(DayHours(intervals))
    }

    /// "08:00-12:00, 13:00-17:00"; an empty text is a closed day.
    pub fn parse(text: &str) -> Result<DayHours, HoursError> {
        let intervals = text
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(Interval::parse)
            .collect::<Result<Vec<_>, _>>()?;
        DayHours::new(intervals)
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.0
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Vec<Interval>> for DayHours {
    type Error = HoursError;
    fn try_from(intervals: Vec<Interval>) -> Result<Self, Self::Error> {
        for interval in &intervals {
            Interval::new(interval.start, interval.end)?;
        }
        DayHours::new(intervals)
    }
}

impl From<DayHours> for Vec<Interval> {
    fn from(hours: DayHours) -> Self {
        hours.0
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(Interval::to_string).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// Hours for each day of the week, Monday first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub days: [DayHours; 7],
}

impl WeeklyHours {
    pub fn on(&self, day: NaiveDate) -> &DayHours {
        &self.days[day.weekday().num_days_from_monday() as usize]
    }
}

/// Other hours (or none) for the days `first_day..=last_day` in the doctor's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOverride {
    pub id: i64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub hours: DayHours,
    #[serde(default)]
    pub note: String,
}

impl DateOverride {
    pub const MAX_DAYS: i64 = 366;

    pub fn validate(&self) -> Result<(), HoursError> {
        if self.last_day < self.first_day {
            return Err(HoursError::DayOrder);
        }
        if (self.last_day - self.first_day).num_days() >= Self::MAX_DAYS {
            return Err(HoursError::RangeTooLong {
                max_days: Self::MAX_DAYS,
            });
        }
        Ok(())
    }

    pub fn covers(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }

    pub fn overlaps(&self, other: &DateOverride) -> bool {
        self.first_day <= other.last_day && other.first_day <= self.last_day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_several_intervals_in_any_order() {
        let hours = DayHours::parse("13:00-17:00, 08:00-12:00").unwrap();
        assert_eq!(
            hours.intervals(),
            [
                Interval::new(480, 720).unwrap(),
                Interval::new(780, 1020).unwrap()
            ]
        );
        assert_eq!(hours.to_string(), "08:00-12:00, 13:00-17:00");
        assert!(DayHours::parse("  ").unwrap().is_closed());
        assert_eq!(
            DayHours::parse("20:00-24:00").unwrap().intervals()[0].end,
            1440
        );
    }

    #[test]
    fn refuses_malformed_backwards_and_overlapping_hours() {
        for bad in [
            "9-12",
            "09:00",
            "09:60-10:00",
            "25:00-26:00",
            "09:00-24:30",
            "a:bc-d",
        ] {
            assert!(
                matches!(DayHours::parse(bad), Err(HoursError::Format(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            DayHours::parse("12:00-09:00"),
            Err(HoursError::EndNotAfterStart(_))
        ));
        assert!(matches!(
            DayHours::parse("08:00-12:00, 11:00-13:00"),
            Err(HoursError::Overlap(_))
        ));
        // Touching intervals are fine: a break of zero minutes.
        assert!(DayHours::parse("08:00-12:00, 12:00-13:00").is_ok());
    }

    #[test]
    fn deserialising_validates_too() {
        let bad: Result<DayHours, _> = serde_json::from_str(r#"[{"start":600,"end":500}]"#);
        assert!(bad.is_err());
        let good: DayHours = serde_json::from_str(r#"[{"start":600,"end":700}]"#).unwrap();
        assert_eq!(good.to_string(), "10:00-11:40");
    }

    #[test]
    fn overrides_cover_inclusive_ranges_and_are_bounded() {
        let day = |d| NaiveDate::from_ymd_opt(2030, 12, d).unwrap();
        let holiday = DateOverride {
            id: 1,
            first_day: day(24),
            last_day: day(26),
            hours: DayHours::closed(),
            note: String::new(),
        };
        assert!(holiday.covers(day(24)) && holiday.covers(day(26)));
        assert!(!holiday.covers(day(27)));
        assert!(holiday.validate().is_ok());
        let backwards = DateOverride {
            first_day: day(26),
            last_day: day(24),
            ..holiday.clone()
        };
        assert_eq!(backwards.validate(), Err(HoursError::DayOrder));
    }
}
