//! Offered times: examples for each rule, daylight-saving weeks, and properties that must
//! hold for any hours, bookings and rules (proptest).

use super::*;
use crate::domain::hours::{DateOverride, DayHours, WeeklyHours};
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn every_day(hours: &str) -> WeeklyHours {
    let hours = DayHours::parse(hours).unwrap();
    WeeklyHours {
        days: std::array::from_fn(|_| hours.clone()),
    }
}

fn timing(duration: u32, before: u32, after: u32, step: u32) -> ServiceTiming {
    ServiceTiming {
        duration_minutes: duration,
        buffer_before_minutes: before,
        buffer_after_minutes: after,
        step_minutes: step,
    }
}

fn open_rules() -> BookingRules {
    BookingRules {
        min_notice_minutes: 0,
        horizon_days: 365,
        daily_cap: None,
    }
}

fn schedule<'a, Z: TimeZone>(zone: &'a Z, weekly: &'a WeeklyHours) -> Schedule<'a, Z> {
    Schedule {
        zone,
        weekly,
        overrides: &[],
        extra: &[],
        rules: open_rules(),
    }
}

/// Offered start times on a day, as local "HH:MM" in `zone`.
fn local_starts<Z: TimeZone>(
    schedule: &Schedule<'_, Z>,
    timing: &ServiceTiming,
    busy: &[Busy],
    window: TimeRange,
    now: DateTime<Utc>,
) -> Vec<String>
where
    Z::Offset: std::fmt::Display,
{
    schedule
        .offered(timing, busy, &window, now)
        .iter()
        .map(|r| {
            r.start()
                .with_timezone(schedule.zone)
                .format("%H:%M")
                .to_string()
        })
        .collect()
}

fn monday() -> TimeRange {
    TimeRange::new(utc(2030, 1, 7, 0, 0), utc(2030, 1, 8, 0, 0)).unwrap()
}

fn long_ago() -> DateTime<Utc> {
    utc(2029, 12, 1, 0, 0)
}

fn busy(start: DateTime<Utc>, timing: &ServiceTiming) -> Busy {
    Busy {
        starts_at: start,
        blocked: timing.blocked(start),
        appointment: true,
    }
}

#[test]
fn several_intervals_a_day_step_by_the_service_grid() {
    let week = every_day("08:00-10:00, 13:00-14:00");
    let s = schedule(&Utc, &week);
    let hourly = timing(60, 0, 0, 60);
    assert_eq!(
        local_starts(&s, &hourly, &[], monday(), long_ago()),
        ["08:00", "09:00", "13:00"]
    );
    // A 30-minute service every 15 minutes: the last start still ends inside the hours.
    let short = timing(30, 0, 0, 15);
    assert_eq!(
        local_starts(&s, &short, &[], monday(), long_ago()),
        [
            "08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "13:00", "13:15",
            "13:30"
        ]
    );
}

#[test]
fn a_long_service_never_overlaps_a_short_one_booked_by_someone_else() {
    let week = every_day("09:00-12:00");
    let s = schedule(&Utc, &week);
    let half_hour = timing(30, 0, 0, 30);
    let taken = [busy(utc(2030, 1, 7, 9, 30), &half_hour)];
    let hour = timing(60, 0, 0, 30);
    assert_eq!(
        local_starts(&s, &hour, &taken, monday(), long_ago()),
        ["10:00", "10:30", "11:00"]
    );
}

#[test]
fn buffers_keep_time_free_on_both_sides() {
    let week = every_day("09:00-12:00");
    let s = schedule(&Utc, &week);
    // Booked 10:00-10:30 with 10 minutes after it: busy until 10:40.
    let booked = timing(30, 0, 10, 30);
    let taken = [busy(utc(2030, 1, 7, 10, 0), &booked)];
    // The new service needs 5 minutes before it.
    let new = timing(30, 5, 0, 15);
    let starts = local_starts(&s, &new, &taken, monday(), long_ago());
    assert_eq!(
        starts,
        ["09:00", "09:15", "09:30", "10:45", "11:00", "11:15", "11:30"],
        "09:45 would overlap 10:00; 10:30 would start inside the other's buffer"
    );
}

#[test]
fn notice_and_horizon_bound_the_offer() {
    let week = every_day("09:00-17:00");
    let mut s = schedule(&Utc, &week);
    s.rules.min_notice_minutes = 120;
    s.rules.horizon_days = 1;
    let now = utc(2030, 1, 7, 9, 10);
    let hourly = timing(60, 0, 0, 60);
    let window = TimeRange::new(utc(2030, 1, 7, 0, 0), utc(2030, 1, 10, 0, 0)).unwrap();
    let offered = s.offered(&hourly, &[], &window, now);
    assert_eq!(offered.first().unwrap().start(), utc(2030, 1, 7, 12, 0));
    assert!(offered.iter().all(|r| r.start() <= now + Duration::days(1)));
    assert_eq!(offered.last().unwrap().start(), utc(2030, 1, 8, 9, 0));
    assert_eq!(
        s.check(&hourly, &[], utc(2030, 1, 7, 10, 0), now),
        Err(Refusal::TooSoon { minutes: 120 })
    );
    assert_eq!(
        s.check(&hourly, &[], utc(2030, 1, 9, 10, 0), now),
        Err(Refusal::TooFar { days: 1 })
    );
    assert_eq!(
        s.check(&hourly, &[], utc(2030, 1, 7, 8, 0), now),
        Err(Refusal::Passed)
    );
}

#[test]
fn a_daily_cap_closes_the_doctors_local_day() {
    let week = every_day("09:00-17:00");
    let zone = chrono_tz::Asia::Kolkata;
    let mut s = schedule(&zone, &week);
    s.rules.daily_cap = Some(2);
    let hourly = timing(60, 0, 0, 60);
    // 09:00 and 10:00 in Kolkata on Monday 7 January.
    let taken = [
        busy(utc(2030, 1, 7, 3, 30), &hourly),
        busy(utc(2030, 1, 7, 4, 30), &hourly),
    ];
    let window = TimeRange::new(utc(2030, 1, 6, 18, 30), utc(2030, 1, 8, 18, 30)).unwrap();
    let offered = s.offered(&hourly, &taken, &window, long_ago());
    let days: Vec<u32> = offered
        .iter()
        .map(|r| r.start().with_timezone(&zone).day())
        .collect();
    assert!(days.iter().all(|d| *d == 8), "Monday is full: {days:?}");
    assert_eq!(
        s.check(&hourly, &taken, utc(2030, 1, 7, 8, 30), long_ago()),
        Err(Refusal::DayFull)
    );
}

#[test]
fn overrides_close_days_or_change_their_hours_and_extra_hours_add_to_them() {
    let week = every_day("09:00-12:00");
    let overrides = [
        DateOverride {
            id: 1,
            first_day: day(2030, 1, 7),
            last_day: day(2030, 1, 8),
            hours: DayHours::closed(),
            note: "Holiday".into(),
        },
        DateOverride {
            id: 2,
            first_day: day(2030, 1, 9),
            last_day: day(2030, 1, 9),
            hours: DayHours::parse("14:00-16:00").unwrap(),
            note: String::new(),
        },
    ];
    let extra = [TimeRange::new(utc(2030, 1, 8, 18, 0), utc(2030, 1, 8, 19, 0)).unwrap()];
    let s = Schedule {
        zone: &Utc,
        weekly: &week,
        overrides: &overrides,
        extra: &extra,
        rules: open_rules(),
    };
    let hourly = timing(60, 0, 0, 60);
    let window = TimeRange::new(utc(2030, 1, 7, 0, 0), utc(2030, 1, 11, 0, 0)).unwrap();
    let starts: Vec<String> = s
        .offered(&hourly, &[], &window, long_ago())
        .iter()
        .map(|r| r.start().format("%d %H:%M").to_string())
        .collect();
    assert_eq!(
        starts,
        ["08 18:00", "09 14:00", "09 15:00", "10 09:00", "10 10:00", "10 11:00"]
    );
}

#[test]
fn only_offered_starts_are_accepted() {
    let week = every_day("09:00-12:00");
    let s = schedule(&Utc, &week);
    let half_hour = timing(30, 0, 0, 30);
    assert_eq!(
        s.check(&half_hour, &[], utc(2030, 1, 7, 9, 10), long_ago()),
        Err(Refusal::NotOffered)
    );
    assert_eq!(
        s.check(&half_hour, &[], utc(2030, 1, 7, 11, 45), long_ago()),
        Err(Refusal::NotOffered),
        "would run past the end of the hours"
    );
    let taken = [busy(utc(2030, 1, 7, 9, 0), &half_hour)];
    assert_eq!(
        s.check(&half_hour, &taken, utc(2030, 1, 7, 9, 0), long_ago()),
        Err(Refusal::Taken)
    );
    assert_eq!(
        s.check(&half_hour, &taken, utc(2030, 1, 7, 9, 30), long_ago()),
        Ok(half_hour.appointment(utc(2030, 1, 7, 9, 30)))
    );
}

/// A week of 09:00-17:00 every day in `zone` starting on `first`: every day offers the same
/// wall-clock times, while the UTC hour of the first time moves from `utc_hours.0` to `.1`.
fn assert_wall_clock_week(zone: Tz, first: NaiveDate, utc_hours: (u32, u32)) {
    let week = every_day("09:00-17:00");
    let s = schedule(&zone, &week);
    let hourly = timing(60, 0, 0, 60);
    let expected: Vec<String> = (9..17).map(|h| format!("{h:02}:00")).collect();
    let mut first_utc_hours = Vec::new();
    for offset in 0..7 {
        let local = first + Duration::days(offset);
        let start = resolve_local(&zone, local, NaiveTime::MIN);
        let end = resolve_local(&zone, local.succ_opt().unwrap(), NaiveTime::MIN);
        let window = TimeRange::new(start, end).unwrap();
        let starts = local_starts(&s, &hourly, &[], window, long_ago());
        assert_eq!(starts, expected, "{zone} on {local}");
        let offered = s.offered(&hourly, &[], &window, long_ago());
        first_utc_hours.push(offered[0].start().hour());
    }
    assert_eq!(
        (first_utc_hours[0], first_utc_hours[6]),
        utc_hours,
        "{zone}: UTC hour of 09:00 before and after the change"
    );
}

#[test]
fn working_hours_follow_the_wall_clock_across_daylight_saving_changes() {
    use chrono_tz::{America::New_York, Europe::London};
    // 2030: New York springs forward on 10 March and falls back on 3 November;
    // London on 31 March and 27 October.
    assert_wall_clock_week(New_York, day(2030, 3, 7), (14, 13));
    assert_wall_clock_week(New_York, day(2030, 10, 31), (13, 14));
    assert_wall_clock_week(London, day(2030, 3, 28), (9, 8));
    assert_wall_clock_week(London, day(2030, 10, 24), (8, 9));
}

#[test]
fn a_half_hour_offset_zone_keeps_its_offset() {
    assert_wall_clock_week(chrono_tz::Asia::Kolkata, day(2030, 3, 7), (3, 3));
    let week = every_day("09:00-10:00");
    let zone = chrono_tz::Asia::Kolkata;
    let s = schedule(&zone, &week);
    let offered = s.offered(&timing(60, 0, 0, 60), &[], &monday(), long_ago());
    assert_eq!(offered[0].start(), utc(2030, 1, 7, 3, 30));
}

#[test]
fn touching_spans_are_one_working_span() {
    // A night shift 22:00-24:00 followed by 00:00-02:00, and extra hours right after the
    // weekly ones: a 60-minute visit may run across each join.
    let week = every_day("00:00-02:00, 22:00-24:00");
    let extra = [TimeRange::new(utc(2030, 1, 7, 2, 0), utc(2030, 1, 7, 3, 0)).unwrap()];
    let s = Schedule {
        extra: &extra,
        ..schedule(&Utc, &week)
    };
    let window = TimeRange::new(utc(2030, 1, 6, 23, 0), utc(2030, 1, 7, 4, 0)).unwrap();
    let starts: Vec<String> = s
        .offered(&timing(60, 0, 0, 30), &[], &window, long_ago())
        .iter()
        .map(|r| r.start().format("%H:%M").to_string())
        .collect();
    assert_eq!(
        starts,
        ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30", "02:00"]
    );
}

#[test]
fn hours_ending_at_midnight_and_a_day_swallowed_by_the_clock_change() {
    let week = every_day("22:00-24:00");
    let s = schedule(&Utc, &week);
    assert_eq!(
        local_starts(&s, &timing(60, 0, 0, 60), &[], monday(), long_ago()),
        ["22:00", "23:00"]
    );
    // 02:00-02:30 does not exist in New York on 10 March 2030: the hours move past the
    // gap with the clock, as everywhere else.
    let gap = every_day("02:00-02:30");
    let zone = chrono_tz::America::New_York;
    let s = schedule(&zone, &gap);
    let window = TimeRange::new(utc(2030, 3, 10, 5, 0), utc(2030, 3, 11, 4, 0)).unwrap();
    assert_eq!(
        local_starts(&s, &timing(30, 0, 0, 30), &[], window, long_ago()),
        ["03:00"]
    );
}

// ---- Properties -------------------------------------------------------------------------

const ZONES: [Tz; 5] = [
    Tz::UTC,
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Australia::Lord_Howe,
];

fn day_hours() -> impl Strategy<Value = DayHours> {
    // Up to two intervals on a 15-minute grid, the second after the first.
    (0u16..96, 1u16..40, 0u16..20, 0u16..40).prop_map(|(start, length, gap, second)| {
        let first_end = (start + length).min(96);
        let mut intervals = vec![Interval::new(start * 15, first_end * 15).unwrap()];
        let second_start = first_end + gap;
        if second > 0 && second_start + second <= 96 && first_end < 96 {
            intervals.push(Interval::new(second_start * 15, (second_start + second) * 15).unwrap());
        }
        DayHours::new(intervals).unwrap()
    })
}

fn service_timing() -> impl Strategy<Value = ServiceTiming> {
    (1u32..25, 0u32..7, 0u32..7, 1u32..13)
        .prop_map(|(d, b, a, s)| timing(d * 5, b * 5, a * 5, s * 5))
}

/// Bookings in the test fortnight that do not overlap each other (as the database ensures).
fn bookings() -> impl Strategy<Value = Vec<(u32, ServiceTiming)>> {
    proptest::collection::vec((0u32..(14 * 96), service_timing()), 0..25)
}

use super::super::hours::Interval;

fn base() -> DateTime<Utc> {
    utc(2030, 3, 4, 0, 0)
}

fn to_busy(raw: &[(u32, ServiceTiming)]) -> Vec<Busy> {
    let mut accepted: Vec<Busy> = Vec::new();
    for (quarter, timing) in raw {
        let start = base() + Duration::minutes(i64::from(*quarter) * 15);
        let candidate = busy(start, timing);
        if !accepted
            .iter()
            .any(|b| b.blocked.overlaps(&candidate.blocked))
        {
            accepted.push(candidate);
        }
    }
    accepted
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn offered_times_obey_every_rule(
        zone_index in 0usize..ZONES.len(),
        days in proptest::collection::vec(day_hours(), 7),
        service in service_timing(),
        raw_busy in bookings(),
        notice in 0u32..(3 * 24 * 60),
        horizon in 1u32..20,
        cap in proptest::option::of(1u32..4),
        now_offset in 0i64..(5 * 24 * 60),
    ) {
        let zone = ZONES[zone_index];
        let weekly = WeeklyHours { days: days.try_into().unwrap() };
        let schedule = Schedule {
            zone: &zone,
            weekly: &weekly,
            overrides: &[],
            extra: &[],
            rules: BookingRules { min_notice_minutes: notice, horizon_days: horizon, daily_cap: cap },
        };
        let busy = to_busy(&raw_busy);
        let now = base() + Duration::minutes(now_offset);
        let window = TimeRange::new(base(), base() + Duration::days(14)).unwrap();
        let offered = schedule.offered(&service, &busy, &window, now);
        for appointment in &offered {
            let start = appointment.start();
            prop_assert!(start >= window.start() && start < window.end());
            prop_assert!(start >= now + Duration::minutes(i64::from(notice)), "notice");
            prop_assert!(start <= now + Duration::days(i64::from(horizon)), "horizon");
            prop_assert_eq!(appointment.minutes(), i64::from(service.duration_minutes));
            // Inside working hours (merged across midnight where a day ends at 24:00 and
            // the next begins at 00:00).
            let local_day = schedule.local_day(start);
            let around = schedule.working_spans(start - Duration::days(1), start + Duration::days(1));
            let inside = around.iter()
                .any(|span| span.start() <= start && appointment.end() <= span.end());
            prop_assert!(inside, "{} outside working hours", start);
            // Its time with buffers overlaps no booking's time with buffers.
            let blocked = service.blocked(start);
            prop_assert!(!busy.iter().any(|b| b.blocked.overlaps(&blocked)), "overlap at {}", start);
            if let Some(cap) = cap {
                let same_day = busy.iter().filter(|b| schedule.local_day(b.starts_at) == local_day).count();
                prop_assert!(same_day < cap as usize, "cap");
            }
            // What is offered is exactly what the booking transaction accepts.
            prop_assert_eq!(schedule.check(&service, &busy, start, now), Ok(*appointment));
        }
        // And the other way round: a grid time that is refused is not offered.
        for start in schedule.candidates(&service, window.start(), window.end()) {
            let accepted = schedule.check(&service, &busy, start, now).is_ok();
            prop_assert_eq!(accepted, offered.iter().any(|r| r.start() == start));
        }
    }

    #[test]
    fn the_wall_clock_offer_is_the_same_on_daylight_saving_days(
        zone_index in 1usize..3,
        service in service_timing(),
        start_hour in 5u16..10,
        length in 4u16..9,
    ) {
        // Working hours away from the small hours in which the clocks change.
        let zone = ZONES[zone_index];
        let hours = DayHours::new(vec![Interval::new(start_hour * 60, (start_hour + length) * 60).unwrap()]).unwrap();
        let weekly = WeeklyHours { days: std::array::from_fn(|_| hours.clone()) };
        let schedule = Schedule { zone: &zone, weekly: &weekly, overrides: &[], extra: &[], rules: open_rules() };
        let local = |d: NaiveDate| -> Vec<String> {
            let start = resolve_local(&zone, d, NaiveTime::MIN);
            let end = resolve_local(&zone, d.succ_opt().unwrap(), NaiveTime::MIN);
            let window = TimeRange::new(start, end).unwrap();
            schedule.offered(&service, &[], &window, long_ago()).iter()
                .map(|r| r.start().with_timezone(&zone).format("%H:%M").to_string())
                .collect()
        };
        // Sundays of the 2030 changes, compared with the Sunday before.
        for change in [day(2030, 3, 10), day(2030, 3, 31), day(2030, 10, 27), day(2030, 11, 3)] {
            prop_assert_eq!(local(change), local(change - Duration::days(7)));
        }
    }
}

#[test]
fn working_minutes_count_hours_and_extra_hours_once_within_the_day() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let weekly = every_day("09:00-12:00, 13:00-17:00");
    let extra = [
        // 16:00-18:00 Berlin on 2026-12-01: one hour more than the weekly hours.
        TimeRange::new(utc(2026, 12, 1, 15, 0), utc(2026, 12, 1, 17, 0)).unwrap(),
        // 23:00 on 2026-12-02 to 01:00 on the 3rd: an hour on each day.
        TimeRange::new(utc(2026, 12, 2, 22, 0), utc(2026, 12, 3, 0, 0)).unwrap(),
    ];
    let s = Schedule {
        extra: &extra,
        ..schedule(&berlin, &weekly)
    };
    assert_eq!(s.working_minutes_on(day(2026, 11, 30)), 420);
    assert_eq!(s.working_minutes_on(day(2026, 12, 1)), 480);
    assert_eq!(s.working_minutes_on(day(2026, 12, 2)), 480);
    assert_eq!(s.working_minutes_on(day(2026, 12, 3)), 480);

    // Round the clock on the days the clocks change: 23 and 25 hours.
    let always = every_day("00:00-24:00");
    let s = schedule(&berlin, &always);
    assert_eq!(s.working_minutes_on(day(2026, 3, 29)), 23 * 60);
    assert_eq!(s.working_minutes_on(day(2026, 10, 25)), 25 * 60);
    assert_eq!(s.working_minutes_on(day(2026, 10, 26)), 24 * 60);
}
