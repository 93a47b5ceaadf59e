//! Times are stored in UTC and shown in the browser's own zone. The server renders UTC; once
//! the page is live in the browser, each time switches to local (an effect runs only there).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

// The helpers below format and parse by hand: chrono's strftime machinery would add tens of
// kilobytes to the WASM for a handful of fixed formats.

/// "2026-11-30T09:00:00Z": stable text for attributes (`datetime`, test hooks).
pub fn iso(at: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Reads what `iso` writes ("2026-11-30T09:00:00Z", a link's `start`), by hand: chrono's
/// RFC 3339 parser would add its whole parsing machinery to the WASM.
pub fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    let (day, clock) = text.strip_suffix('Z')?.split_once('T')?;
    let mut parts = clock.split(':').map(str::parse::<u32>);
    let (hour, minute, second) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let clock = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some(parse_day(day)?.and_time(clock).and_utc())
}

/// Reads "YYYY-MM-DD", the value of a date input.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().splitn(3, '-').map(str::parse::<u32>);
    let (year, month, day) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Reads "HH:MM" (or "HH:MM:SS"), the value of a time input.
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let mut parts = text.trim().split(':').map(str::parse::<u32>);
    let (hour, minute) = (parts.next()?.ok()?, parts.next()?.ok()?);
    NaiveTime::from_hms_opt(hour, minute, 0)
}
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
fn js_date(at: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}

#[cfg(feature = "hydrate")]
fn options(pairs: &[(&str, &str)]) -> wasm_bindgen::JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

/// The wall-clock time in another IANA zone (the doctor's), e.g. "14:30".
pub fn format_time_in(at: DateTime<Utc>, zone: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_date(at).to_locale_time_string_with_options(
            "en-GB",
            &options(&[
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("timeZone", zone),
            ]),
        ))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = zone;
        at.format("%H:%M UTC").to_string()
    }
}

/// The date and hour of `at` on the browser's clock.
pub fn local_day_and_hour(at: DateTime<Utc>) -> (NaiveDate, u32) {
    let local = at.with_timezone(&chrono::Local);
    (local.date_naive(), local.hour())
}

pub fn format_time(at: DateTime<Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_date(at).to_locale_time_string_with_options(
            "en-GB",
            &options(&[("hour", "2-digit"), ("minute", "2-digit")]),
        ))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        at.format("%H:%M UTC").to_string()
    }
}

/// The date as the user reads it ("Mon, 30 Nov 2026" in their zone once in the browser).
pub fn format_date(at: DateTime<Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_date(at).to_locale_date_string(
            "en-GB",
            &options(&[
                ("weekday", "short"),
                ("day", "numeric"),
                ("month", "short"),
                ("year", "numeric"),
            ]),
        ))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        at.format("%a %-d %b %Y").to_string()
    }
}

/// "Mon 30 Nov 2026" for a calendar date, formatted by hand (no strftime in the WASM).
pub fn day_text(day: NaiveDate) -> String {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {} {}",
        WEEKDAYS[day.weekday().num_days_from_monday() as usize],
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// The browser's IANA zone ("UTC" while rendering on the server).
pub fn browser_zone() -> String {
    #[cfg(feature = "hydrate")]
    {
        let format =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "UTC".into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        "UTC".into()
    }
}

/// UTC instants of the start and end of `day` in the browser's zone.
pub fn local_day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| -> DateTime<Utc> {
        #[cfg(feature = "hydrate")]
        {
            use chrono::Datelike;
            let date = js_sys::Date::new_with_year_month_day(
                d.year() as u32,
                d.month0() as i32,
                d.day() as i32,
            );
            DateTime::from_timestamp_millis(date.get_time() as i64).unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
        }
    };
    (midnight(day), midnight(day.succ_opt().unwrap_or(day)))
}

/// Renders `format(at)` on the server and re-renders it in the browser's zone after hydration.
fn localised(at: DateTime<Utc>, format: fn(DateTime<Utc>) -> String) -> impl IntoView {
    let utc = iso(at);
    let text = RwSignal::new(format!("{} {} UTC", &utc[..10], &utc[11..16]));
    Effect::new(move |_| text.set(format(at)));
    view! { <time datetime=utc>{move || text.get()}</time> }
}

#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    localised(at, format_time)
}

#[component]
pub fn LocalDate(at: DateTime<Utc>) -> impl IntoView {
    localised(at, format_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_date_and_time_inputs_give() {
        assert_eq!(
            parse_day("2026-11-30"),
            NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("30.11.2026"), None);
        assert_eq!(parse_day(""), None);
        assert_eq!(parse_clock("09:05"), NaiveTime::from_hms_opt(9, 5, 0));
        assert_eq!(parse_clock("17:00:00"), NaiveTime::from_hms_opt(17, 0, 0));
        assert_eq!(parse_clock("25:00"), None);
        assert_eq!(parse_clock("9"), None);
    }

    #[test]
    fn day_text_reads_like_a_calendar() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(day_text(day), "Mon 30 Nov 2026");
    }

    #[test]
    fn iso_text_reads_back() {
        let at = parse_iso("2026-11-30T08:05:09Z").unwrap();
        assert_eq!(iso(at), "2026-11-30T08:05:09Z");
        assert_eq!(parse_iso("2026-11-30T08:05:09+01:00"), None);
        assert_eq!(parse_iso("2026-11-30T25:00:00Z"), None);
        assert_eq!(parse_iso("2026-11-30"), None);
    }

    #[test]
    fn iso_text_is_rfc3339_in_utc() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T08:05:09+00:00")
            .unwrap()
            .to_utc();
        assert_eq!(iso(at), "2026-11-30T08:05:09Z");
    }
}
