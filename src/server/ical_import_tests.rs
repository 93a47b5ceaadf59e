//! Busy times read from iCalendar feeds: zones, all-day events, repeats, exceptions, and
//! the window.

use super::*;
use chrono::TimeZone;
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
    // "Second Tuesday of the month" needs BYDAY ordinals, which are not expanded.
    let text = calendar(&[event(&[
        "DTSTART:20261208T090000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=MONTHLY;BYDAY=2TU",
    ])]);
    assert_eq!(
        busy(&text, utc(2026, 12, 1, 0, 0), utc(2027, 3, 1, 0, 0)),
        vec![(utc(2026, 12, 8, 9, 0), utc(2026, 12, 8, 10, 0))]
    );
}
