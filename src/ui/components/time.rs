//! Times are stored in UTC and shown in the browser's own zone. The server renders UTC; once
//! the page is live in the browser, each time switches to local (an effect runs only there).

use chrono::{DateTime, NaiveDate, Utc};
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

fn format_time(at: DateTime<Utc>) -> String {
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

fn format_date(at: DateTime<Utc>) -> String {
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
    let text = RwSignal::new(at.format("%Y-%m-%d %H:%M UTC").to_string());
    Effect::new(move |_| text.set(format(at)));
    view! { <time datetime=at.to_rfc3339()>{move || text.get()}</time> }
}

#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    localised(at, format_time)
}

#[component]
pub fn LocalDate(at: DateTime<Utc>) -> impl IntoView {
    localised(at, format_date)
}
