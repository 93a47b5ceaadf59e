//! Wall-clock times in the doctor's zone turned into instants, across DST changes.

use chrono::{Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

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

    #[test]
    fn a_time_skipped_by_the_clock_change_moves_past_the_gap() {
        let day = NaiveDate::from_ymd_opt(2030, 3, 10).unwrap();
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let resolved = resolve_local(&chrono_tz::America::New_York, day, skipped);
        let local = resolved.with_timezone(&chrono_tz::America::New_York);
        assert_eq!(local.format("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn a_repeated_time_resolves_to_its_first_occurrence() {
        let day = NaiveDate::from_ymd_opt(2030, 11, 3).unwrap();
        let repeated = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        let resolved = resolve_local(&chrono_tz::America::New_York, day, repeated);
        // 01:30 EDT (UTC-4) comes before 01:30 EST (UTC-5).
        assert_eq!(resolved.format("%H:%M").to_string(), "05:30");
    }
}
