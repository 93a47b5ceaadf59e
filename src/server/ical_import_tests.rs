//! Busy times read from iCalendar feeds: zones, all-day events, repeats, exceptions, and
//! the window.

use super::rule::{parse_by_day, ByDay};
use super::*;
use chrono::{TimeZone, Weekday};
use chrono_tz::Europe::Berlin;

type Span = (DateTime<Utc>, DateTime<Utc>);

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
}

fn event(lines: &[&str]) -> String {
    format!("BEGIN:VEVENT\r\n{}\r\nEND:VEVENT\r\n", lines.join("\r\n"))
}

fn calendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

/// Busy spans of `text` read with Berlin as the doctor's zone.
fn busy(text: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
    let window = TimeRange::new(from, to).unwrap();
    busy_times(text, Berlin, &window)
        .unwrap()
        .iter()
        .map(|range| (range.start(), range.end()))
        .collect()
}

/// Busy spans during December 2026 (UTC).
fn busy_in_december(text: &str) -> Vec<Span> {
    busy(text, utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0))
}

#[test]
fn reads_a_utc_event() {
    let text = calendar(&[event(&[
        "UID:1",
        "DTSTART:20261201T090000Z",
        "DTEND:20261201T100000Z",
    ])]);
    assert_eq!(
        busy_in_december(&text),
        vec![(utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 10, 0))]
    );
}

#[test]
fn reads_berlin_times_in_winter_and_summer() {
    let text = calendar(&[
        event(&[
            "DTSTART;TZID=Europe/Berlin:20261201T090000",
            "DTEND;TZID=Europe/Berlin:20261201T100000",
        ]),
        event(&[
            "DTSTART;TZID=Europe/Berlin:20260701T090000",
            "DTEND;TZID=Europe/Berlin:20260701T100000",
        ]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 6, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 7, 1, 7, 0), utc(2026, 7, 1, 8, 0)),
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
        ]
    );
}

#[test]
fn unknown_zones_fall_back_to_the_doctors_and_prefixed_names_resolve() {
    let text = calendar(&[
        // Outlook's Windows name: read in the doctor's zone (Berlin, UTC+1 in December).
        event(&[
            "DTSTART;TZID=\"W. Europe Standard Time\":20261201T090000",
            "DURATION:PT1H",
        ]),
        // London is UTC in December, so this is not read as Berlin time.
        event(&[
            "DTSTART;TZID=/Europe/London:20261202T090000",
            "DURATION:PT1H",
        ]),
        event(&[
            "DTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20261203T090000",
            "DURATION:PT1H",
        ]),
        // Floating: the doctor's zone.
        event(&["DTSTART:20261204T090000", "DURATION:PT1H"]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
            (utc(2026, 12, 2, 9, 0), utc(2026, 12, 2, 10, 0)),
            (utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 10, 0)),
            (utc(2026, 12, 4, 8, 0), utc(2026, 12, 4, 9, 0)),
        ]
    );
}

#[test]
fn all_day_events_run_midnight_to_midnight_in_the_doctors_zone() {
    let text = calendar(&[
        event(&["DTSTART;VALUE=DATE:20261201"]),
        event(&["DTSTART;VALUE=DATE:20261210", "DTEND;VALUE=DATE:20261212"]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            // Starts 2026-11-30 23:00 UTC, before the window.
            (utc(2026, 12, 1, 0, 0), utc(2026, 12, 1, 23, 0)),
            (utc(2026, 12, 9, 23, 0), utc(2026, 12, 11, 23, 0)),
        ]
    );
}

#[test]
fn an_all_day_event_on_a_clock_change_lasts_the_local_day() {
    // 2026-03-29: Berlin skips 02:00-03:00, so the day is 23 hours long.
    let text = calendar(&[event(&["DTSTART;VALUE=DATE:20260329"])]);
    assert_eq!(
        busy(&text, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0)),
        vec![(utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0))]
    );
}

#[test]
fn duration_sets_the_end_when_dtend_is_missing() {
    let text = calendar(&[
        event(&["DTSTART:20261201T090000Z", "DURATION:PT1H30M"]),
        event(&["DTSTART:20261203T090000Z", "DURATION:P1D"]),
        // No DTEND and no DURATION: zero length, blocks nothing.
        event(&["DTSTART:20261205T090000Z"]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 10, 30)),
            (utc(2026, 12, 3, 9, 0), utc(2026, 12, 4, 9, 0)),
        ]
    );
}

#[test]
fn parses_durations() {
    let hours = |h: i64| Duration::try_hours(h).unwrap();
    assert_eq!(
        parse_duration("PT1H30M"),
        Some(Length::exact(Duration::try_minutes(90).unwrap()))
    );
    assert_eq!(parse_duration("P1W"), Some(Length::days(7)));
    assert_eq!(
        parse_duration("+P1DT2H"),
        Some(Length {
            days: 1,
            exact: hours(2)
        })
    );
    assert_eq!(
        parse_duration("PT45S"),
        Some(Length::exact(Duration::try_seconds(45).unwrap()))
    );
    assert_eq!(parse_duration("-PT15M"), None);
    assert_eq!(parse_duration("P1M"), None);
    assert_eq!(parse_duration("PT1"), None);
}

#[test]
fn free_and_cancelled_events_block_nothing() {
    let text = calendar(&[
        event(&[
            "DTSTART:20261201T090000Z",
            "DURATION:PT1H",
            "TRANSP:TRANSPARENT",
        ]),
        event(&[
            "DTSTART:20261202T090000Z",
            "DURATION:PT1H",
            "STATUS:CANCELLED",
        ]),
        event(&["DTSTART:20261203T090000Z", "DURATION:PT1H", "TRANSP:OPAQUE"]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![(utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 10, 0))]
    );
}

#[test]
fn folded_lines_are_joined_and_names_are_case_insensitive() {
    let text = "BEGIN:VCALENDAR\n\
                begin:vevent\r\n\
                DTSTART;TZID=Europe/\r\n Berlin:20261201T090000\r\n\
                dtend;tzid=Europe/Berlin:2026120\n\t1T100000\n\
                END:VEVENT\n\
                END:VCALENDAR\n";
    assert_eq!(
        busy_in_december(text),
        vec![(utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0))]
    );
}

#[test]
fn a_quoted_parameter_may_hold_colons_and_semicolons() {
    let line = "DTSTART;X-NOTE=\"a:b;c\";TZID=Europe/Berlin:20261201T090000";
    let prop = parse_line(line).unwrap();
    assert_eq!(prop.name, "DTSTART");
    assert_eq!(prop.param("X-NOTE"), Some("a:b;c"));
    assert_eq!(prop.param("TZID"), Some("Europe/Berlin"));
    assert_eq!(prop.value, "20261201T090000");
}

#[test]
fn weekly_by_day_with_count_keeps_the_wall_time_across_the_clock_change() {
    // Monday 2026-10-19; Berlin leaves summer time on Sunday 2026-10-25.
    let text = calendar(&[event(&[
        "DTSTART;TZID=Europe/Berlin:20261019T090000",
        "DTEND;TZID=Europe/Berlin:20261019T100000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 10, 1, 0, 0), utc(2026, 12, 1, 0, 0)),
        vec![
            (utc(2026, 10, 19, 7, 0), utc(2026, 10, 19, 8, 0)),
            (utc(2026, 10, 21, 7, 0), utc(2026, 10, 21, 8, 0)),
            (utc(2026, 10, 23, 7, 0), utc(2026, 10, 23, 8, 0)),
            (utc(2026, 10, 26, 8, 0), utc(2026, 10, 26, 9, 0)),
            (utc(2026, 10, 28, 8, 0), utc(2026, 10, 28, 9, 0)),
        ]
    );
}

#[test]
fn daily_until_is_inclusive_and_exdates_remove_occurrences() {
    let text = calendar(&[event(&[
        "DTSTART:20261201T090000Z",
        "DTEND:20261201T093000Z",
        "RRULE:FREQ=DAILY;UNTIL=20261205T090000Z",
        "EXDATE:20261203T090000Z",
        // 10:00 in Berlin is 09:00 UTC: the occurrence of 2 December.
        "EXDATE;TZID=Europe/Berlin:20261202T100000",
    ])]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 9, 30)),
            (utc(2026, 12, 4, 9, 0), utc(2026, 12, 4, 9, 30)),
            (utc(2026, 12, 5, 9, 0), utc(2026, 12, 5, 9, 30)),
        ]
    );
}

#[test]
fn repeating_all_day_events_honour_date_exdates_and_date_until() {
    let text = calendar(&[
        event(&[
            "DTSTART;VALUE=DATE:20261207",
            "RRULE:FREQ=DAILY;COUNT=3",
            "EXDATE;VALUE=DATE:20261208",
        ]),
        event(&[
            "DTSTART:20261214T090000Z",
            "DURATION:PT1H",
            // A date UNTIL includes its day: 17 December would be the last occurrence.
            "RRULE:FREQ=DAILY;UNTIL=20261217",
            "EXDATE:20261216T090000Z,20261217T090000Z",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 6, 23, 0), utc(2026, 12, 7, 23, 0)),
            (utc(2026, 12, 8, 23, 0), utc(2026, 12, 9, 23, 0)),
            (utc(2026, 12, 14, 9, 0), utc(2026, 12, 14, 10, 0)),
            (utc(2026, 12, 15, 9, 0), utc(2026, 12, 15, 10, 0)),
        ]
    );
}

#[test]
fn a_recurrence_id_moves_one_occurrence() {
    let text = calendar(&[
        // The replacement comes first: feeds do not order them.
        event(&[
            "UID:weekly-1",
            "RECURRENCE-ID;TZID=Europe/Berlin:20261208T090000",
            "DTSTART;TZID=Europe/Berlin:20261208T140000",
            "DTEND;TZID=Europe/Berlin:20261208T150000",
        ]),
        event(&[
            "UID:weekly-1",
            "DTSTART;TZID=Europe/Berlin:20261201T090000",
            "DTEND;TZID=Europe/Berlin:20261201T100000",
            "RRULE:FREQ=WEEKLY;COUNT=3",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
            (utc(2026, 12, 8, 13, 0), utc(2026, 12, 8, 14, 0)),
            (utc(2026, 12, 15, 8, 0), utc(2026, 12, 15, 9, 0)),
        ]
    );
}

#[test]
fn a_cancelled_or_lengthened_replacement_is_honoured() {
    let text = calendar(&[
        event(&[
            "UID:daily-1",
            "DTSTART:20261201T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=DAILY;COUNT=3",
        ]),
        event(&[
            "UID:daily-1",
            "RECURRENCE-ID:20261202T090000Z",
            "DTSTART:20261202T090000Z",
            "DURATION:PT1H",
            "STATUS:CANCELLED",
        ]),
        event(&[
            "UID:daily-1",
            "RECURRENCE-ID:20261203T090000Z",
            "DTSTART:20261203T090000Z",
            "DURATION:PT2H",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 10, 0)),
            (utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 11, 0)),
        ]
    );
}

#[test]
fn alarms_and_time_zone_definitions_do_not_leak_into_events() {
    let text = calendar(&[
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\n\
         DTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
         END:STANDARD\r\nEND:VTIMEZONE\r\n"
            .to_string(),
        event(&[
            "DTSTART:20261201T090000Z",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-PT15M",
            "DURATION:PT5M",
            "REPEAT:2",
            "STATUS:CANCELLED",
            "END:VALARM",
            "DURATION:PT1H",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![(utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 10, 0))]
    );
}

#[test]
fn refuses_what_is_not_a_calendar() {
    let window = TimeRange::new(utc(2026, 12, 1, 0, 0), utc(2026, 12, 2, 0, 0)).unwrap();
    for text in [
        "",
        "<html><body>Sign in</body></html>",
        "BEGIN:VEVENT\nEND:VEVENT\n",
    ] {
        let error = busy_times(text, Berlin, &window).unwrap_err();
        assert!(error.to_string().contains("no BEGIN:VCALENDAR"), "{error}");
    }
}

#[test]
fn refuses_a_feed_with_too_many_events() {
    let events: Vec<String> = (0..=MAX_EVENTS)
        .map(|_| event(&["DTSTART:20261201T090000Z"]))
        .collect();
    let text = calendar(&events);
    let window = TimeRange::new(utc(2026, 12, 1, 0, 0), utc(2026, 12, 2, 0, 0)).unwrap();
    assert_eq!(busy_times(&text, Berlin, &window), Err(too_many_events()));
}

#[test]
fn clips_to_the_window_and_merges_overlapping_or_touching_spans() {
    let text = calendar(&[
        event(&["DTSTART:20261201T130000Z", "DURATION:PT2H"]),
        event(&["DTSTART:20261201T090000Z", "DURATION:PT2H"]),
        event(&["DTSTART:20261201T140000Z", "DURATION:PT30M"]),
        event(&["DTSTART:20261201T110000Z", "DURATION:PT1H"]),
        event(&["DTSTART:20261201T173000Z", "DURATION:PT90M"]),
        event(&["DTSTART:20261201T190000Z", "DURATION:PT1H"]),
        event(&["DTSTART:20261130T120000Z", "DURATION:PT1H"]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 12, 1, 10, 0), utc(2026, 12, 1, 18, 0)),
        vec![
            (utc(2026, 12, 1, 10, 0), utc(2026, 12, 1, 12, 0)),
            (utc(2026, 12, 1, 13, 0), utc(2026, 12, 1, 15, 0)),
            (utc(2026, 12, 1, 17, 30), utc(2026, 12, 1, 18, 0)),
        ]
    );
}

#[test]
fn local_times_in_a_clock_change_resolve_past_the_gap_and_to_the_earlier_fold() {
    let text = calendar(&[
        // 02:30 does not exist on 2026-03-29 in Berlin: 03:30 CEST.
        event(&[
            "DTSTART;TZID=Europe/Berlin:20260329T023000",
            "DURATION:PT30M",
        ]),
        // 02:30 happens twice on 2026-10-25: the first, still CEST.
        event(&[
            "DTSTART;TZID=Europe/Berlin:20261025T023000",
            "DURATION:PT30M",
        ]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 3, 1, 0, 0), utc(2026, 11, 1, 0, 0)),
        vec![
            (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 0)),
            (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 0)),
        ]
    );
}

#[test]
fn old_endless_repeats_still_reach_the_window() {
    // Over 6,000 days before the window: more than MAX_OCCURRENCES if walked from the start.
    let text = calendar(&[
        event(&[
            "DTSTART;TZID=Europe/Berlin:20100104T090000",
            "DTEND;TZID=Europe/Berlin:20100104T100000",
            "RRULE:FREQ=DAILY",
        ]),
        // Every other Monday from Monday 2026-01-05: 7 December is on, 30 November off.
        event(&[
            "DTSTART;TZID=Europe/Berlin:20260105T120000",
            "DTEND;TZID=Europe/Berlin:20260105T130000",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        ]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 11, 30, 0, 0), utc(2026, 12, 8, 0, 0)),
        vec![
            (utc(2026, 11, 30, 8, 0), utc(2026, 11, 30, 9, 0)),
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
            (utc(2026, 12, 2, 8, 0), utc(2026, 12, 2, 9, 0)),
            (utc(2026, 12, 3, 8, 0), utc(2026, 12, 3, 9, 0)),
            (utc(2026, 12, 4, 8, 0), utc(2026, 12, 4, 9, 0)),
            (utc(2026, 12, 5, 8, 0), utc(2026, 12, 5, 9, 0)),
            (utc(2026, 12, 6, 8, 0), utc(2026, 12, 6, 9, 0)),
            (utc(2026, 12, 7, 8, 0), utc(2026, 12, 7, 9, 0)),
            (utc(2026, 12, 7, 11, 0), utc(2026, 12, 7, 12, 0)),
        ]
    );
}

#[test]
fn monthly_repeats_skip_months_without_the_day() {
    let text = calendar(&[event(&[
        "DTSTART:20260131T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;COUNT=3",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 1, 31, 9, 0), utc(2026, 1, 31, 10, 0)),
            (utc(2026, 3, 31, 9, 0), utc(2026, 3, 31, 10, 0)),
            (utc(2026, 5, 31, 9, 0), utc(2026, 5, 31, 10, 0)),
        ]
    );
}

#[test]
fn an_unsupported_rule_counts_its_first_occurrence_only() {
    let text = calendar(&[
        // YEARLY BYDAY without BYMONTH (the year's 20th Monday) is not expanded.
        event(&[
            "DTSTART:20261207T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=YEARLY;BYDAY=20MO",
        ]),
        // An ordinal means nothing in a weekly rule.
        event(&[
            "DTSTART:20261208T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY;BYDAY=2TU",
        ]),
        // BYMONTHDAY is not expanded for DAILY, as before.
        event(&[
            "DTSTART:20261210T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=DAILY;BYMONTHDAY=10",
        ]),
        // BYHOUR is not read at all.
        event(&[
            "DTSTART:20261211T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=MONTHLY;BYDAY=2FR;BYHOUR=9,15",
        ]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 12, 1, 0, 0), utc(2028, 1, 1, 0, 0)),
        vec![
            (utc(2026, 12, 7, 9, 0), utc(2026, 12, 7, 10, 0)),
            (utc(2026, 12, 8, 9, 0), utc(2026, 12, 8, 10, 0)),
            (utc(2026, 12, 10, 9, 0), utc(2026, 12, 10, 10, 0)),
            (utc(2026, 12, 11, 9, 0), utc(2026, 12, 11, 10, 0)),
        ]
    );
}

#[test]
fn parses_by_day_entries_with_and_without_ordinals() {
    let day = |nth, weekday| Some(ByDay { nth, weekday });
    assert_eq!(parse_by_day("TU"), day(None, Weekday::Tue));
    assert_eq!(parse_by_day("2tu"), day(Some(2), Weekday::Tue));
    assert_eq!(parse_by_day("+2WE"), day(Some(2), Weekday::Wed));
    assert_eq!(parse_by_day(" -1FR"), day(Some(-1), Weekday::Fri));
    assert_eq!(parse_by_day("-5SU"), day(Some(-5), Weekday::Sun));
    assert_eq!(parse_by_day("0MO"), None);
    // Within a month there is no sixth: a year's 20th Monday makes the rule count once.
    assert_eq!(parse_by_day("6MO"), None);
    assert_eq!(parse_by_day("20MO"), None);
    assert_eq!(parse_by_day("2XX"), None);
    assert_eq!(parse_by_day("U"), None);
    // Not a character boundary two bytes from the end: refused, not a panic.
    assert_eq!(parse_by_day("\u{dc}U"), None);
}

#[test]
fn monthly_second_tuesday_keeps_the_wall_time_across_the_clock_change() {
    // Second Tuesdays: 2026-09-08, 10-13, 11-10, 12-08. Berlin leaves summer time on Sunday
    // 2026-10-25, so 09:00 there is 07:00 UTC before and 08:00 UTC after.
    let text = calendar(&[event(&[
        "DTSTART;TZID=Europe/Berlin:20260908T090000",
        "DTEND;TZID=Europe/Berlin:20260908T100000",
        "RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 9, 1, 0, 0), utc(2027, 3, 1, 0, 0)),
        vec![
            (utc(2026, 9, 8, 7, 0), utc(2026, 9, 8, 8, 0)),
            (utc(2026, 10, 13, 7, 0), utc(2026, 10, 13, 8, 0)),
            (utc(2026, 11, 10, 8, 0), utc(2026, 11, 10, 9, 0)),
            (utc(2026, 12, 8, 8, 0), utc(2026, 12, 8, 9, 0)),
        ]
    );
}

#[test]
fn monthly_last_friday_counts_from_the_end_of_the_month() {
    // Fridays of 2026-10: 2..30; 11: 6..27; 12: 4..25; 2027-01: 1..29; 02: 5..26.
    let text = calendar(&[event(&[
        "DTSTART:20261030T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=-1FR",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 10, 1, 0, 0), utc(2027, 3, 1, 0, 0)),
        vec![
            (utc(2026, 10, 30, 9, 0), utc(2026, 10, 30, 10, 0)),
            (utc(2026, 11, 27, 9, 0), utc(2026, 11, 27, 10, 0)),
            (utc(2026, 12, 25, 9, 0), utc(2026, 12, 25, 10, 0)),
            (utc(2027, 1, 29, 9, 0), utc(2027, 1, 29, 10, 0)),
            (utc(2027, 2, 26, 9, 0), utc(2027, 2, 26, 10, 0)),
        ]
    );
}

#[test]
fn monthly_plain_weekdays_are_every_such_day_of_the_month() {
    // From Wednesday 2026-12-02: Mondays 7, 14, 21, 28 and 2027-01-04; Wednesdays 2, 9, 16,
    // 23, 30 and 2027-01-06.
    let text = calendar(&[event(&[
        "DTSTART:20261202T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,WE",
    ])]);
    let at = |month: u32, day: u32| {
        let year = if month == 1 { 2027 } else { 2026 };
        (utc(year, month, day, 9, 0), utc(year, month, day, 10, 0))
    };
    assert_eq!(
        busy(&text, utc(2026, 12, 1, 0, 0), utc(2027, 1, 8, 0, 0)),
        vec![
            at(12, 2),
            at(12, 7),
            at(12, 9),
            at(12, 14),
            at(12, 16),
            at(12, 21),
            at(12, 23),
            at(12, 28),
            at(12, 30),
            at(1, 4),
            at(1, 6),
        ]
    );
}

#[test]
fn a_fifth_monday_rule_skips_months_without_one() {
    // 2026 has five Mondays in March (30), June (29), August (31) and November (30) only.
    let text = calendar(&[event(&[
        "DTSTART:20260330T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=5MO;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 3, 1, 0, 0), utc(2027, 6, 1, 0, 0)),
        vec![
            (utc(2026, 3, 30, 9, 0), utc(2026, 3, 30, 10, 0)),
            (utc(2026, 6, 29, 9, 0), utc(2026, 6, 29, 10, 0)),
            (utc(2026, 8, 31, 9, 0), utc(2026, 8, 31, 10, 0)),
            (utc(2026, 11, 30, 9, 0), utc(2026, 11, 30, 10, 0)),
        ]
    );
}

#[test]
fn a_rule_that_never_falls_stops_early_and_counts_once() {
    // 31 February never comes; with COUNT nothing is skipped, so from 1900 this walked every
    // month up to the window before giving up.
    let text = calendar(&[event(&[
        "DTSTART:19000131T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31;COUNT=2",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![]
    );
    let far = "DTSTART:20260131T090000Z";
    let text = text.replace("DTSTART:19000131T090000Z", far);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2127, 1, 1, 0, 0)),
        vec![(utc(2026, 1, 31, 9, 0), utc(2026, 1, 31, 10, 0))]
    );
}

#[test]
fn monthly_by_month_day_minus_one_is_the_last_day() {
    let text = calendar(&[event(&[
        "DTSTART:20260131T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 1, 31, 9, 0), utc(2026, 1, 31, 10, 0)),
            (utc(2026, 2, 28, 9, 0), utc(2026, 2, 28, 10, 0)),
            (utc(2026, 3, 31, 9, 0), utc(2026, 3, 31, 10, 0)),
            (utc(2026, 4, 30, 9, 0), utc(2026, 4, 30, 10, 0)),
        ]
    );
}

#[test]
fn monthly_by_month_day_lists_several_days_and_honours_the_interval() {
    let text = calendar(&[event(&[
        "DTSTART:20260101T120000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,15;COUNT=5",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 1, 1, 12, 0), utc(2026, 1, 1, 13, 0)),
            (utc(2026, 1, 15, 12, 0), utc(2026, 1, 15, 13, 0)),
            (utc(2026, 3, 1, 12, 0), utc(2026, 3, 1, 13, 0)),
            (utc(2026, 3, 15, 12, 0), utc(2026, 3, 15, 13, 0)),
            (utc(2026, 5, 1, 12, 0), utc(2026, 5, 1, 13, 0)),
        ]
    );
}

#[test]
fn monthly_day_31_skips_short_months_and_dtstart_still_counts() {
    // DTSTART (Saturday 2026-01-10) is not a 31st, yet it is the first of the four.
    let text = calendar(&[event(&[
        "DTSTART:20260110T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 1, 10, 9, 0), utc(2026, 1, 10, 10, 0)),
            (utc(2026, 1, 31, 9, 0), utc(2026, 1, 31, 10, 0)),
            (utc(2026, 3, 31, 9, 0), utc(2026, 3, 31, 10, 0)),
            (utc(2026, 5, 31, 9, 0), utc(2026, 5, 31, 10, 0)),
        ]
    );
}

#[test]
fn monthly_count_counts_a_dtstart_that_is_not_a_first_monday() {
    // DTSTART is Thursday 2026-01-15; first Mondays: 2026-01-05 (before DTSTART, so not an
    // occurrence), 02-02, 03-02, 04-06 (past COUNT).
    let text = calendar(&[event(&[
        "DTSTART:20260115T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=3",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
        vec![
            (utc(2026, 1, 15, 9, 0), utc(2026, 1, 15, 10, 0)),
            (utc(2026, 2, 2, 9, 0), utc(2026, 2, 2, 10, 0)),
            (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 10, 0)),
        ]
    );
}

#[test]
fn monthly_by_day_and_by_month_day_must_both_match() {
    // Friday the 13th: in 2026 February, March and November.
    let text = calendar(&[event(&[
        "DTSTART:20260213T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0)),
        vec![
            (utc(2026, 2, 13, 9, 0), utc(2026, 2, 13, 10, 0)),
            (utc(2026, 3, 13, 9, 0), utc(2026, 3, 13, 10, 0)),
            (utc(2026, 11, 13, 9, 0), utc(2026, 11, 13, 10, 0)),
        ]
    );
}

#[test]
fn by_set_pos_picks_the_last_weekday_of_the_month() {
    // 2026-10-31 is a Saturday, 11-30 a Monday, 12-31 a Thursday, and 2027-01-30/31 a
    // weekend, so the last weekdays are 10-30, 11-30, 12-31 and 2027-01-29.
    let text = calendar(&[event(&[
        "DTSTART:20261030T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 10, 1, 0, 0), utc(2027, 6, 1, 0, 0)),
        vec![
            (utc(2026, 10, 30, 9, 0), utc(2026, 10, 30, 10, 0)),
            (utc(2026, 11, 30, 9, 0), utc(2026, 11, 30, 10, 0)),
            (utc(2026, 12, 31, 9, 0), utc(2026, 12, 31, 10, 0)),
            (utc(2027, 1, 29, 9, 0), utc(2027, 1, 29, 10, 0)),
        ]
    );
}

#[test]
fn yearly_by_month_repeats_the_start_day_in_each_listed_month() {
    let text = calendar(&[event(&[
        "DTSTART:20260310T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=YEARLY;BYMONTH=3,9;COUNT=4",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0)),
        vec![
            (utc(2026, 3, 10, 9, 0), utc(2026, 3, 10, 10, 0)),
            (utc(2026, 9, 10, 9, 0), utc(2026, 9, 10, 10, 0)),
            (utc(2027, 3, 10, 9, 0), utc(2027, 3, 10, 10, 0)),
            (utc(2027, 9, 10, 9, 0), utc(2027, 9, 10, 10, 0)),
        ]
    );
}

#[test]
fn yearly_fourth_thursday_of_november_counts_within_the_month() {
    // Thursdays of November: 2026 5..26, 2027 4..25, 2028 2..23 (and 30, the fifth).
    let text = calendar(&[event(&[
        "DTSTART;TZID=Europe/Berlin:20261126T090000",
        "DTEND;TZID=Europe/Berlin:20261126T100000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0)),
        vec![
            (utc(2026, 11, 26, 8, 0), utc(2026, 11, 26, 9, 0)),
            (utc(2027, 11, 25, 8, 0), utc(2027, 11, 25, 9, 0)),
            (utc(2028, 11, 23, 8, 0), utc(2028, 11, 23, 9, 0)),
        ]
    );
}

#[test]
fn old_monthly_rules_still_reach_the_window() {
    let text = calendar(&[
        // Tuesday 2016-12-13 is December 2016's second Tuesday; 2026-12-08 is the window's.
        event(&[
            "DTSTART;TZID=Europe/Berlin:20161213T090000",
            "DTEND;TZID=Europe/Berlin:20161213T100000",
            "RRULE:FREQ=MONTHLY;BYDAY=2TU",
        ]),
        // Every day since Monday 2006-01-02: over 7,600 occurrences before the window, more
        // than MAX_OCCURRENCES if walked from the start.
        event(&[
            "DTSTART:20060102T120000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        ]),
    ]);
    assert_eq!(
        busy(&text, utc(2026, 12, 7, 0, 0), utc(2026, 12, 10, 0, 0)),
        vec![
            (utc(2026, 12, 7, 12, 0), utc(2026, 12, 7, 13, 0)),
            (utc(2026, 12, 8, 8, 0), utc(2026, 12, 8, 9, 0)),
            (utc(2026, 12, 8, 12, 0), utc(2026, 12, 8, 13, 0)),
            (utc(2026, 12, 9, 12, 0), utc(2026, 12, 9, 13, 0)),
        ]
    );
}

#[test]
fn rdates_add_occurrences_in_their_own_zone() {
    let text = calendar(&[event(&[
        "DTSTART;TZID=Europe/Berlin:20261201T090000",
        "DURATION:PT1H",
        "RDATE;TZID=Europe/Berlin:20261203T140000,20261210T090000",
        // London is on UTC in December, an hour behind Berlin.
        "RDATE;TZID=Europe/London:20261215T090000",
        "RDATE:20261216T120000Z",
        // A date for a timed event: its 09:00 Berlin on that day.
        "RDATE;VALUE=DATE:20261217",
    ])]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
            (utc(2026, 12, 3, 13, 0), utc(2026, 12, 3, 14, 0)),
            (utc(2026, 12, 10, 8, 0), utc(2026, 12, 10, 9, 0)),
            (utc(2026, 12, 15, 9, 0), utc(2026, 12, 15, 10, 0)),
            (utc(2026, 12, 16, 12, 0), utc(2026, 12, 16, 13, 0)),
            (utc(2026, 12, 17, 8, 0), utc(2026, 12, 17, 9, 0)),
        ]
    );
}

#[test]
fn rdate_periods_bring_their_own_length_and_dates_repeat_all_day_events() {
    let text = calendar(&[
        event(&[
            "DTSTART:20261201T090000Z",
            "DURATION:PT1H",
            "RDATE;VALUE=PERIOD:20261204T090000Z/20261204T120000Z,20261208T090000Z/PT30M",
        ]),
        event(&[
            "DTSTART;VALUE=DATE:20261220",
            "RDATE;VALUE=DATE:20261224,20261226",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 10, 0)),
            (utc(2026, 12, 4, 9, 0), utc(2026, 12, 4, 12, 0)),
            (utc(2026, 12, 8, 9, 0), utc(2026, 12, 8, 9, 30)),
            // Whole days in Berlin, an hour ahead of UTC.
            (utc(2026, 12, 19, 23, 0), utc(2026, 12, 20, 23, 0)),
            (utc(2026, 12, 23, 23, 0), utc(2026, 12, 24, 23, 0)),
            (utc(2026, 12, 25, 23, 0), utc(2026, 12, 26, 23, 0)),
        ]
    );
}

#[test]
fn exdates_and_replacements_remove_rdate_occurrences() {
    let text = calendar(&[
        event(&[
            "UID:extra-1",
            "DTSTART;TZID=Europe/Berlin:20261201T090000",
            "DURATION:PT1H",
            "RDATE;TZID=Europe/Berlin:20261203T090000,20261205T090000,20261207T090000",
            "EXDATE;TZID=Europe/Berlin:20261205T090000",
        ]),
        event(&[
            "UID:extra-1",
            "RECURRENCE-ID;TZID=Europe/Berlin:20261207T090000",
            "DTSTART;TZID=Europe/Berlin:20261207T150000",
            "DURATION:PT1H",
        ]),
    ]);
    assert_eq!(
        busy_in_december(&text),
        vec![
            (utc(2026, 12, 1, 8, 0), utc(2026, 12, 1, 9, 0)),
            (utc(2026, 12, 3, 8, 0), utc(2026, 12, 3, 9, 0)),
            (utc(2026, 12, 7, 14, 0), utc(2026, 12, 7, 15, 0)),
        ]
    );
}
