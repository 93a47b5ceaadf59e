//! Busy times read from a doctor's own calendar feed (the iCalendar "secret address" Google,
//! Outlook and Apple publish), so patients are not offered times the doctor already gave away.
//!
//! Only what real personal feeds use is understood (RFC 5545 subset). A repeat rule this module
//! does not understand counts as its first occurrence only: a missing repeat is noticed and
//! fixed by blocking the time by hand, while a guessed one would silently hide bookable hours.
//! Not read: RANGE=THISANDFUTURE, and repeat rules beyond those described on [`busy_times`]
//! (exactly: `Rule::is_supported`). The caller limits the size of the downloaded text.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::domain::wall_clock::resolve_local;
use crate::domain::TimeRange;

#[path = "ical_rule.rs"]
mod rule;
use rule::Rule;

/// A personal calendar has a few thousand events; far more means a shared or generated feed,
/// and reading it would cost the server more than the doctor gains.
pub const MAX_EVENTS: usize = 20_000;

/// Occurrences generated per repeating event at most, so an endless rule always stops.
pub const MAX_OCCURRENCES: usize = 5_000;

/// Why a feed could not be read, worded for the doctor who pasted its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

/// The times `text` (an iCalendar document) marks the doctor as busy within `window`: clipped
/// to it, sorted, and merged where they overlap or touch.
///
/// Dates without a time and times without a zone are read in `default_zone` (the doctor's), as
/// are zones this server does not know (Outlook's "W. Europe Standard Time"). Free
/// (`TRANSP:TRANSPARENT`) and cancelled events do not block time. Repeats are expanded for
/// FREQ=DAILY and WEEKLY (with BYDAY such as MO,WE,FR); MONTHLY (on the start's day, or with
/// BYDAY such as TU, 2TU or -1FR, BYMONTHDAY such as 1,15 or -1, BYMONTH and BYSETPOS); and
/// YEARLY (on the start's date, or with BYMONTH, BYMONTHDAY, BYSETPOS, and BYDAY together
/// with BYMONTH such as BYMONTH=11;BYDAY=4TH); all with INTERVAL, COUNT, UNTIL and WKST. Other
/// rules count as their first occurrence only. RDATE adds occurrences (date-times, dates and
/// periods); EXDATE and RECURRENCE-ID remove occurrences, RDATE's among them.
pub fn busy_times(
    text: &str,
    default_zone: Tz,
    window: &TimeRange,
) -> Result<Vec<TimeRange>, ImportError> {
    let lines = unfold(text);
    let mut events: Vec<Event> = vevents(&lines)?
        .iter()
        .filter_map(|props| Event::read(props, default_zone))
        .collect();
    exclude_replaced(&mut events);
    let spans = events
        .iter()
        .filter(|event| event.busy)
        .flat_map(|event| event.spans(window))
        .collect();
    Ok(clip_and_merge(spans, window))
}

// ---------------------------------------------------------------------------------------------
// Lines and properties

/// Long lines arrive folded (RFC 5545 3.1): a line starting with a space or tab continues the
/// previous one, and the fold may fall anywhere, even inside a zone name or a date.
fn unfold(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let continued = line.strip_prefix(' ').or_else(|| line.strip_prefix('\t'));
        if let (Some(rest), Some(last)) = (continued, lines.last_mut()) {
            last.push_str(rest);
        } else if !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    lines
}

/// One content line: `NAME;PARAM=VALUE;PARAM2="quoted":VALUE`, names upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn value_is(&self, wanted: &str) -> bool {
        self.value.trim().eq_ignore_ascii_case(wanted)
    }
}

/// `None` for lines that are not properties (no colon); feeds carry junk often enough that one
/// bad line must not sink the whole calendar.
fn parse_line(line: &str) -> Option<Property> {
    // Quoted parameter values may contain ':' and ';' (`ALTREP="http://..."`).
    let colon = find_unquoted(line, ':')?;
    let mut parts = split_unquoted(&line[..colon], ';').into_iter();
    let name = parts.next()?.trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let params = parts
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            let value = value.trim().trim_matches('"');
            Some((key.trim().to_ascii_uppercase(), value.to_string()))
        })
        .collect();
    let value = line[colon + 1..].to_string();
    Some(Property {
        name,
        params,
        value,
    })
}

fn find_unquoted(text: &str, wanted: char) -> Option<usize> {
    let mut quoted = false;
    for (index, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == wanted && !quoted {
            return Some(index);
        }
    }
    None
}

fn split_unquoted(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(index) = find_unquoted(rest, separator) {
        parts.push(&rest[..index]);
        rest = &rest[index + separator.len_utf8()..];
    }
    parts.push(rest);
    parts
}

/// The properties of each VEVENT. Properties of components nested in an event (VALARM) belong
/// to that component: an alarm's DURATION or DESCRIPTION must not become the event's.
fn vevents(lines: &[String]) -> Result<Vec<Vec<Property>>, ImportError> {
    let mut open: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut current = Vec::new();
    let mut begun = 0usize;
    let mut seen_calendar = false;
    for prop in lines.iter().map(String::as_str).filter_map(parse_line) {
        if prop.name == "BEGIN" {
            let kind = prop.value.trim().to_ascii_uppercase();
            seen_calendar |= kind == "VCALENDAR";
            if kind == "VEVENT" {
                begun += 1;
                if begun > MAX_EVENTS {
                    return Err(too_many_events());
                }
                current.clear();
            }
            open.push(kind);
        } else if prop.name == "END" {
            let kind = prop.value.trim().to_ascii_uppercase();
            // A missing END closes with its parent rather than swallowing the rest.
            if let Some(position) = open.iter().rposition(|open_kind| *open_kind == kind) {
                let closed = open.split_off(position);
                if closed.iter().any(|closed_kind| closed_kind == "VEVENT") {
                    events.push(std::mem::take(&mut current));
                }
            }
        } else if open.last().map(String::as_str) == Some("VEVENT") {
            current.push(prop);
        }
    }
    if !seen_calendar {
        return Err(ImportError(
            "The address did not return a calendar (no BEGIN:VCALENDAR). Check that you \
             copied the calendar's secret address in iCal format."
                .to_string(),
        ));
    }
    Ok(events)
}

fn too_many_events() -> ImportError {
    ImportError(format!(
        "The calendar has more than {MAX_EVENTS} events, too many to read. Use a calendar \
         that holds only your own appointments."
    ))
}

// ---------------------------------------------------------------------------------------------
// Dates, times and zones

/// A date-time value as written: a wall time and the zone it is in. Dates (all-day values) are
/// midnight in the doctor's zone, since the feed cannot tell which zone the day is meant in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Moment {
    local: NaiveDateTime,
    zone: Tz,
    all_day: bool,
}

impl Moment {
    fn instant(&self) -> DateTime<Utc> {
        resolve(self.zone, self.local)
    }

    fn point(&self) -> Point {
        if self.all_day {
            Point::Day(self.local.date())
        } else {
            Point::At(self.instant())
        }
    }

    /// The same zone and kind of value at another wall time: a repeat of this one.
    fn at(&self, local: NaiveDateTime) -> Moment {
        Moment { local, ..*self }
    }

    /// Start and end instants of an occurrence starting here and lasting `length`.
    fn span(&self, length: Length) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let end_local = self.local.checked_add_days(Days::new(length.days))?;
        let end = resolve(self.zone, end_local).checked_add_signed(length.exact)?;
        Some((self.instant(), end))
    }
}

/// Where an EXDATE, RECURRENCE-ID or UNTIL points: an instant, or a whole local day when the
/// value is a date (all-day events repeat by day, not by instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

/// Zones for reading values: `default` for dates and unknown zone names, `floating` for times
/// without a zone. A floating EXDATE or UNTIL means the event's own zone, not the doctor's.
#[derive(Debug, Clone, Copy)]
struct Zones {
    default: Tz,
    floating: Tz,
}

/// The earlier instant when the clock is turned back, past the gap when turned forward.
fn resolve(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    resolve_local(&zone, local.date(), local.time())
}

/// The first value of a single-valued property such as DTSTART.
fn read_moment(prop: &Property, zones: Zones) -> Option<Moment> {
    let first = prop.value.split(',').next()?;
    parse_moment(first, prop.param("TZID"), zones)
}

/// Every value of a list property: EXDATE may hold several, comma-separated.
fn read_moments(prop: &Property, zones: Zones) -> Vec<Moment> {
    read_values(prop, zones, parse_moment)
}

/// The comma-separated values of `prop` that `parse` reads (in its TZID); others are left out.
fn read_values<T>(
    prop: &Property,
    zones: Zones,
    parse: impl Fn(&str, Option<&str>, Zones) -> Option<T>,
) -> Vec<T> {
    let tzid = prop.param("TZID");
    prop.value
        .split(',')
        .filter_map(|value| parse(value, tzid, zones))
        .collect()
}

/// An occurrence an RDATE adds: where it starts, and its own length when given as a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ExtraStart {
    start: Moment,
    length: Option<Length>,
}

impl ExtraStart {
    /// A date added to a timed event means DTSTART's wall time on that day, in DTSTART's
    /// zone: one more day of the same appointment, not a block from midnight.
    fn at_time_of(self, first: &Moment) -> ExtraStart {
        if !self.start.all_day || first.all_day {
            return self;
        }
        let local = self.start.local.date().and_time(first.local.time());
        ExtraStart {
            start: first.at(local),
            length: self.length,
        }
    }
}

/// Every value of an RDATE line: date-times, dates, or periods (`start/end`, `start/duration`)
/// that bring their own length. As for EXDATE the shape of each value decides, not VALUE.
fn read_extra_starts(prop: &Property, zones: Zones) -> Vec<ExtraStart> {
    read_values(prop, zones, parse_extra_start)
}

/// `None` for a value that does not read, and for an empty or backwards period, which blocks
/// nothing.
fn parse_extra_start(value: &str, tzid: Option<&str>, zones: Zones) -> Option<ExtraStart> {
    let Some((start, end)) = value.split_once('/') else {
        let start = parse_moment(value, tzid, zones)?;
        return Some(ExtraStart {
            start,
            length: None,
        });
    };
    let start = parse_moment(start, tzid, zones)?;
    let length = parse_duration(end).or_else(|| {
        let end = parse_moment(end, tzid, zones)?;
        Some(Length::exact(end.instant() - start.instant()))
    })?;
    (!length.is_empty()).then_some(ExtraStart {
        start,
        length: Some(length),
    })
}

/// Reads `20261201`, `20261201T090000Z` and `20261201T090000` (in `tzid`, else floating). The
/// shape of the value decides, not VALUE=DATE: some producers omit the parameter.
fn parse_moment(value: &str, tzid: Option<&str>, zones: Zones) -> Option<Moment> {
    let value = value.trim();
    if let Some(day) = parse_date(value) {
        return Some(Moment {
            local: day.and_time(NaiveTime::MIN),
            zone: zones.default,
            all_day: true,
        });
    }
    let (text, utc) = match value.strip_suffix('Z') {
        Some(text) => (text, true),
        None => (value, false),
    };
    let zone = match (utc, tzid) {
        (true, _) => chrono_tz::UTC,
        (false, Some(name)) => zone_named(name).unwrap_or(zones.default),
        (false, None) => zones.floating,
    };
    Some(Moment {
        local: parse_date_time(text)?,
        zone,
        all_day: false,
    })
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(4..6)?, number(6..8)?)
}

fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    let (date, clock) = text.split_once('T')?;
    if clock.len() != 6 || !clock.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| clock[range].parse::<u32>().ok();
    let time = NaiveTime::from_hms_opt(number(0..2)?, number(2..4)?, number(4..6)?)?;
    Some(parse_date(date)?.and_time(time))
}

/// An IANA zone name, also when a producer prefixes it with a path: "/Europe/Berlin",
/// "/mozilla.org/20050126_1/Europe/Berlin". Windows names are not IANA names: `None`.
fn zone_named(name: &str) -> Option<Tz> {
    let mut rest = name.trim().trim_start_matches('/');
    loop {
        if let Ok(zone) = rest.parse::<Tz>() {
            return Some(zone);
        }
        rest = rest.split_once('/')?.1;
    }
}

/// How long each occurrence lasts. Whole days are counted on the wall clock (an all-day event
/// on the day the clocks change lasts 23 or 25 hours); `exact` is added on top as elapsed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Length {
    days: u64,
    exact: Duration,
}

impl Length {
    fn days(days: u64) -> Length {
        Length {
            days,
            exact: Duration::zero(),
        }
    }

    fn exact(exact: Duration) -> Length {
        Length { days: 0, exact }
    }

    fn is_empty(&self) -> bool {
        self.days == 0 && self.exact <= Duration::zero()
    }
}

/// DTEND if present, else DURATION, else a day for all-day events and nothing for the rest.
fn event_length(
    start: &Moment,
    end: Option<&Property>,
    duration: Option<&Property>,
    zones: Zones,
) -> Length {
    if let Some(end) = end.and_then(|prop| read_moment(prop, zones)) {
        if start.all_day && end.all_day {
            let days = (end.local.date() - start.local.date()).num_days();
            return Length::days(u64::try_from(days).unwrap_or(0));
        }
        return Length::exact(end.instant() - start.instant());
    }
    if let Some(length) = duration.and_then(|prop| parse_duration(&prop.value)) {
        return length;
    }
    if start.all_day {
        Length::days(1)
    } else {
        Length::exact(Duration::zero())
    }
}

/// `PT1H30M`, `P1D`, `P1W`, `P1DT2H`. Negative durations mean nothing for busy time: `None`.
fn parse_duration(text: &str) -> Option<Length> {
    let text = text.trim().to_ascii_uppercase();
    let text = text.strip_prefix('+').unwrap_or(&text);
    let mut days: u64 = 0;
    let mut seconds: i64 = 0;
    let mut number: Option<u64> = None;
    let mut in_time = false;
    for c in text.strip_prefix('P')?.chars() {
        match c {
            '0'..='9' => {
                let digit = u64::from(c.to_digit(10)?);
                number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(digit)?);
            }
            'T' if number.is_none() && !in_time => in_time = true,
            'W' | 'D' if !in_time => {
                let unit = if c == 'W' { 7 } else { 1 };
                days = days.checked_add(number.take()?.checked_mul(unit)?)?;
            }
            'H' | 'M' | 'S' if in_time => {
                let unit = match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
                let amount = i64::try_from(number.take()?).ok()?.checked_mul(unit)?;
                seconds = seconds.checked_add(amount)?;
            }
            _ => return None,
        }
    }
    if number.is_some() {
        return None;
    }
    Some(Length {
        days,
        exact: Duration::try_seconds(seconds)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Events

/// Occurrences removed from a repeating event: its EXDATEs and the RECURRENCE-IDs of the
/// events that replace single occurrences.
#[derive(Debug, Default)]
struct Exclusions {
    instants: HashSet<DateTime<Utc>>,
    days: HashSet<NaiveDate>,
}

impl Exclusions {
    fn add(&mut self, point: Point) {
        match point {
            Point::At(instant) => self.instants.insert(instant),
            Point::Day(day) => self.days.insert(day),
        };
    }

    fn contains(&self, start: DateTime<Utc>, local: NaiveDateTime) -> bool {
        self.instants.contains(&start) || self.days.contains(&local.date())
    }
}

#[derive(Debug)]
struct Event {
    uid: Option<String>,
    start: Moment,
    length: Length,
    rule: Option<Rule>,
    /// RDATE's occurrences, on top of DTSTART and the rule's.
    extra_starts: Vec<ExtraStart>,
    excluded: Exclusions,
    /// Set on an event that replaces one occurrence of the repeating event with the same UID.
    recurrence_id: Option<Point>,
    busy: bool,
}

impl Event {
    /// `None` without a readable DTSTART. Free, cancelled and empty events are kept (not
    /// busy): as replacements they still remove an occurrence of their repeating event.
    fn read(props: &[Property], default_zone: Tz) -> Option<Event> {
        let first = |name: &str| props.iter().find(|prop| prop.name == name);
        let own_zones = Zones {
            default: default_zone,
            floating: default_zone,
        };
        let start = read_moment(first("DTSTART")?, own_zones)?;
        let zones = Zones {
            default: default_zone,
            floating: start.zone,
        };
        let length = event_length(&start, first("DTEND"), first("DURATION"), zones);
        let mut excluded = Exclusions::default();
        for prop in props.iter().filter(|prop| prop.name == "EXDATE") {
            for moment in read_moments(prop, zones) {
                excluded.add(moment.point());
            }
        }
        // Bounded like the rule's occurrences, although the feed's size already bounds them.
        let extra_starts: Vec<ExtraStart> = props
            .iter()
            .filter(|prop| prop.name == "RDATE")
            .flat_map(|prop| read_extra_starts(prop, zones))
            .map(|extra| extra.at_time_of(&start))
            .take(MAX_OCCURRENCES)
            .collect();
        let free = first("TRANSP").is_some_and(|prop| prop.value_is("TRANSPARENT"));
        let cancelled = first("STATUS").is_some_and(|prop| prop.value_is("CANCELLED"));
        // Without DTEND or DURATION only the RDATE periods, which carry their own end, block.
        let lasts = !length.is_empty() || extra_starts.iter().any(|extra| extra.length.is_some());
        Some(Event {
            uid: first("UID").map(|prop| prop.value.trim().to_string()),
            rule: first("RRULE").and_then(|prop| Rule::parse(&prop.value, zones)),
            recurrence_id: first("RECURRENCE-ID")
                .and_then(|prop| read_moment(prop, zones))
                .map(|moment| moment.point()),
            busy: !free && !cancelled && lasts,
            start,
            length,
            extra_starts,
            excluded,
        })
    }

    /// This event's occurrences that touch `window`, as (start, end) instants: DTSTART and
    /// the rule's repeats, then the RDATEs (each with the event's length unless a period
    /// gives its own), less those an EXDATE or a replacing event removes.
    fn spans(&self, window: &TimeRange) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let starts = match &self.rule {
            Some(rule) => rule.starts(&self.start, self.length, window),
            None => vec![self.start.local],
        };
        let repeats = starts
            .into_iter()
            .map(|local| (self.start.at(local), self.length));
        let extras = self
            .extra_starts
            .iter()
            .map(|extra| (extra.start, extra.length.unwrap_or(self.length)));
        repeats
            .chain(extras)
            .filter_map(|(start, length)| {
                let (from, to) = start.span(length)?;
                let excluded = self.excluded.contains(from, start.local);
                let touches = from < window.end() && window.start() < to;
                (touches && !excluded).then_some((from, to))
            })
            .collect()
    }
}

/// Removes from each repeating event the occurrences that other events (same UID, with a
/// RECURRENCE-ID) replace, wherever in the feed they appear. A cancelled replacement still
/// removes its occurrence: that is how Google and Outlook publish a single cancelled meeting.
fn exclude_replaced(events: &mut [Event]) {
    let mut replaced: HashMap<String, Vec<Point>> = HashMap::new();
    for event in events.iter() {
        if let (Some(uid), Some(point)) = (&event.uid, event.recurrence_id) {
            replaced.entry(uid.clone()).or_default().push(point);
        }
    }
    // A replacement may keep its original start (only the end moved): never exclude it.
    for event in events
        .iter_mut()
        .filter(|event| event.recurrence_id.is_none())
    {
        let Some(points) = event.uid.as_ref().and_then(|uid| replaced.get(uid)) else {
            continue;
        };
        for point in points {
            event.excluded.add(*point);
        }
    }
}

/// Spans cut to the window, sorted, and merged where they overlap or touch.
fn clip_and_merge(
    mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    window: &TimeRange,
) -> Vec<TimeRange> {
    for span in spans.iter_mut() {
        span.0 = span.0.max(window.start());
        span.1 = span.1.min(window.end());
    }
    spans.retain(|(start, end)| start < end);
    spans.sort_unstable();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
        .into_iter()
        .filter_map(|(start, end)| TimeRange::new(start, end).ok())
        .collect()
}

#[cfg(test)]
#[path = "ical_import_tests.rs"]
mod tests;
