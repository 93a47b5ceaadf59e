//! The month booking calendar. One request loads a month of free times for a service (the
//! next month is fetched ahead, so paging feels instant); days show how many times are
//! free; a day's times are grouped by part of the day; a time opens a confirmation dialog.
//! Keyboard: arrows move between days, Page Up/Down between months, Enter picks a day.
//! It opens on the first month with free times, and goes no further than bookings open.
//! `?service=&start=` (a free-time link, or the way back from registering) opens that
//! time's confirmation. Built only in the browser: it needs the browser's zone and clock.

mod day_times;
mod dialog;
mod service_picker;

use super::focus_first;
use crate::api::booking::free_times;
use crate::domain::models::{Service, Slot};
use crate::domain::profile::{DoctorProfile, FreeTimes};
use crate::error::AppError;
use crate::ui::components::{
    browser_zone, iso, local_day_and_hour, local_day_bounds, parse_iso, ErrorNotice,
    BUTTON_SECONDARY,
};
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, Utc};
use day_times::DayTimes;
use dialog::ConfirmDialog;
use leptos::prelude::*;
use leptos::task::spawn_local;
use service_picker::ServicePicker;
use std::collections::{BTreeMap, BTreeSet};

/// Loaded months: (service, first day of the month) to its free times.
// B-tree collections only: one family of generic code in the WASM instead of two.
type MonthCache = BTreeMap<(i64, NaiveDate), Vec<Slot>>;

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn shift_months(first: NaiveDate, months: i32) -> NaiveDate {
    let index = first.year() * 12 + first.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(first)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Day `day` of the month starting `first`, or its last day when shorter (31 → 30 April).
fn same_day_in(first: NaiveDate, day: u32) -> NaiveDate {
    (1..=day)
        .rev()
        .find_map(|d| first.with_day(d))
        .unwrap_or(first)
}

fn month_title(first: NaiveDate) -> String {
    format!("{} {}", MONTHS[first.month0() as usize], first.year())
}

fn day_label(day: NaiveDate) -> String {
    format!(
        "{} {} {}",
        WEEKDAY_NAMES[day.weekday().num_days_from_monday() as usize],
        day.day(),
        month_title(day)
    )
}

/// "26 January".
fn day_month(day: NaiveDate) -> String {
    format!("{} {}", day.day(), MONTHS[day.month0() as usize])
}

/// The month's days in weeks starting on Monday; `None` pads the first and last week.
fn weeks_of(first: NaiveDate) -> Vec<Vec<Option<NaiveDate>>> {
    let lead = first.weekday().num_days_from_monday() as usize;
    let next = shift_months(first, 1);
    let mut cells: Vec<Option<NaiveDate>> = vec![None; lead];
    let mut day = first;
    while day < next {
        cells.push(Some(day));
        day += Duration::days(1);
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    cells.chunks(7).map(<[_]>::to_vec).collect()
}

const PARTS: [&str; 3] = ["Morning", "Afternoon", "Evening"];

/// Focuses a day's button after the grid re-renders (keyboard navigation).
fn focus_day(day: NaiveDate) {
    focus_first(vec![format!("[data-day='{day}']")]);
}

/// Focuses the time button starting at `start` (its `data-start`), or its day's button once
/// that time is gone.
fn focus_time(start: &str, day: NaiveDate) {
    focus_first(vec![
        format!("#day-times [data-start='{start}']"),
        format!("[data-day='{day}']"),
    ]);
}

/// Whether a day button has the keyboard focus.
fn day_has_focus() -> bool {
    #[cfg(feature = "hydrate")]
    {
        document()
            .active_element()
            .and_then(|e| e.get_attribute("data-day"))
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Shared state of one calendar.
#[derive(Clone, Copy)]
struct Calendar {
    doctor_id: i64,
    service: RwSignal<Option<Service>>,
    month: RwSignal<NaiveDate>,
    focused: RwSignal<NaiveDate>,
    selected: RwSignal<Option<NaiveDate>>,
    chosen: RwSignal<Option<Slot>>,
    months: RwSignal<MonthCache>,
    in_flight: StoredValue<BTreeSet<(i64, NaiveDate)>>,
    /// Bumped by each load of a month; an older reply arriving late is dropped.
    generation: StoredValue<BTreeMap<(i64, NaiveDate), u32>>,
    error: RwSignal<Option<AppError>>,
    /// The appointment being moved, if any: its own time counts as free.
    reschedule: Option<i64>,
    /// The shown month's free times by local day; `None` while it loads. A memo, so the
    /// grid re-renders only when the shown month changes, not when another month arrives.
    days: Memo<Option<BTreeMap<NaiveDate, Vec<Slot>>>>,
    /// The time a link asked for, opened once its month has loaded.
    wanted: RwSignal<Option<DateTime<Utc>>>,
    /// The linked time was taken meanwhile (said until the next choice).
    gone: RwSignal<bool>,
    /// Each service's first free time (from the server's page), to open on its month.
    first_free: StoredValue<BTreeMap<i64, DateTime<Utc>>>,
    /// The last day bookings are open (the doctor's horizon), on the browser's clock.
    last_day: NaiveDate,
    /// Online changes close this many hours before the start (the doctor's policy).
    change_notice_hours: u32,
}

impl Calendar {
    /// Loads a month unless it is cached or on its way; `fresh` reloads it regardless (and
    /// wins over a load already on its way).
    fn load(self, service_id: i64, first: NaiveDate, fresh: bool) {
        let key = (service_id, first);
        let known = self.months.with_untracked(|m| m.contains_key(&key));
        let loading = self.in_flight.with_value(|f| f.contains(&key));
        if !fresh && (known || loading) {
            return;
        }
        self.in_flight.update_value(|f| {
            f.insert(key);
        });
        let mut generation = 0;
        self.generation.update_value(|g| {
            let n = g.entry(key).or_insert(0);
            *n += 1;
            generation = *n;
        });
        let (doctor_id, reschedule) = (self.doctor_id, self.reschedule);
        spawn_local(async move {
            let from = local_day_bounds(first).0;
            let to = local_day_bounds(shift_months(first, 1)).0;
            let reply = free_times(doctor_id, service_id, from, to, reschedule).await;
            // The calendar may be gone by now (the user moved on): then drop the reply.
            let current = self
                .generation
                .try_with_value(|g| g.get(&key) == Some(&generation));
            if current != Some(true) {
                return;
            }
            // Only the shown month's load speaks: a failed look-ahead is retried when shown.
            let shown = self.month.try_get_untracked() == Some(first);
            match reply {
                Ok(slots) => {
                    self.months.try_update(|m| {
                        m.insert(key, slots);
                    });
                    if shown {
                        self.error.try_set(None);
                    }
                }
                Err(e) if shown => {
                    self.error.try_set(Some(e));
                }
                Err(_) => {}
            }
            self.in_flight.try_update_value(|f| {
                f.remove(&key);
            });
        });
    }

    fn days(self) -> Option<BTreeMap<NaiveDate, Vec<Slot>>> {
        self.days.get()
    }
}

/// The shown month's cached free times, grouped by the browser's local day.
fn group_by_day(
    service: RwSignal<Option<Service>>,
    month: RwSignal<NaiveDate>,
    months: RwSignal<MonthCache>,
) -> Option<BTreeMap<NaiveDate, Vec<Slot>>> {
    let service = service.get()?;
    let key = (service.id, month.get());
    months.with(|m| {
        let slots = m.get(&key)?;
        let mut days: BTreeMap<NaiveDate, Vec<Slot>> = BTreeMap::new();
        for slot in slots {
            days.entry(local_day_and_hour(slot.starts_at).0)
                .or_default()
                .push(*slot);
        }
        Some(days)
    })
}

impl Calendar {
    fn refresh(self) {
        if let Some(service) = self.service.get_untracked() {
            self.load(service.id, self.month.get_untracked(), true);
        }
    }

    /// Reloads the shown month and forgets the others, which load again when shown.
    fn reload(self) {
        let shown = self.month.get_untracked();
        self.months
            .update(|m| m.retain(|(_, first), _| *first == shown));
        self.refresh();
    }

    fn go_to(self, day: NaiveDate) {
        self.focused.set(day);
        if first_of_month(day) != self.month.get_untracked() {
            self.show_month(first_of_month(day));
        }
    }

    /// A day chosen in another month is not shown any more: forget it.
    fn show_month(self, first: NaiveDate) {
        self.month.set(first);
        self.selected.set(None);
        self.wanted.set(None);
        self.gone.set(false);
    }

    /// Another service: its first month with free times, nothing chosen yet.
    fn choose_service(self, service: Service) {
        let first = self.first_free.with_value(|f| f.get(&service.id).copied());
        self.service.set(Some(service));
        self.selected.set(None);
        self.wanted.set(None);
        self.gone.set(false);
        if let Some(first) = first {
            let day = local_day_and_hour(first).0;
            self.focused.set(day);
            self.month.set(first_of_month(day));
        }
    }

    /// Opens the confirmation of `slot`.
    fn open(self, slot: Slot) {
        self.gone.set(false);
        self.chosen.set(Some(slot));
    }

    /// Closes the confirmation; the keyboard focus goes back to the time that opened it
    /// (or, if it was just taken, to its day).
    fn close(self) {
        let Some(slot) = self.chosen.get_untracked() else {
            return;
        };
        self.chosen.set(None);
        let day = local_day_and_hour(slot.starts_at).0;
        focus_time(&iso(slot.starts_at), day);
    }

    /// The month of `start` with its day selected, and its confirmation once loaded.
    fn ask_for(self, service: Option<Service>, start: DateTime<Utc>) {
        if let Some(service) = service {
            self.service.set(Some(service));
        }
        let day = local_day_and_hour(start).0;
        self.focused.set(day);
        self.month.set(first_of_month(day));
        self.selected.set(Some(day));
        self.gone.set(false);
        self.wanted.set(Some(start));
    }

    /// Opens the asked-for time once its month is here, or says it is gone.
    fn open_wanted(self) {
        let Some(start) = self.wanted.get() else {
            return;
        };
        let Some(days) = self.days.get() else {
            return;
        };
        self.wanted.set(None);
        let slot = days
            .get(&local_day_and_hour(start).0)
            .and_then(|slots| slots.iter().find(|s| s.starts_at == start).copied());
        match slot {
            Some(slot) => self.open(slot),
            None => self.gone.set(true),
        }
    }
}

#[component]
pub fn BookingCalendar(
    profile: DoctorProfile,
    /// Each service's first free times, as the server listed them.
    free: Vec<FreeTimes>,
    /// Move this appointment instead of booking a new one.
    reschedule: Option<i64>,
) -> impl IntoView {
    let today = Local::now().date_naive();
    let query = leptos_router::hooks::use_query_map();
    let number =
        move |name: &str| query.with_untracked(|q| q.get(name).and_then(|v| v.parse::<i64>().ok()));
    let services = profile.services.clone();
    let all = profile.services.clone();
    let find = move |id: Option<i64>| id.and_then(|id| all.iter().find(|s| s.id == id).cloned());
    // The linked service, or the doctor's first-listed one (shown chosen, never silently).
    let initial = find(number("service")).or_else(|| services.first().cloned());
    let first_free: BTreeMap<i64, DateTime<Utc>> = free
        .iter()
        .filter_map(|f| Some((f.service_id, f.times.first()?.starts_at)))
        .collect();
    // The first month with free times for that service.
    let opening = initial
        .as_ref()
        .and_then(|s| first_free.get(&s.id))
        .map_or(today, |first| local_day_and_hour(*first).0);
    let service = RwSignal::new(initial);
    let month = RwSignal::new(first_of_month(opening));
    let months = RwSignal::new(BTreeMap::new());
    let horizon = Utc::now() + Duration::days(i64::from(profile.rules.horizon_days));
    let calendar = Calendar {
        doctor_id: profile.doctor.id,
        service,
        month,
        focused: RwSignal::new(opening),
        selected: RwSignal::new(None),
        chosen: RwSignal::new(None),
        months,
        in_flight: StoredValue::new(BTreeSet::new()),
        generation: StoredValue::new(BTreeMap::new()),
        error: RwSignal::new(None),
        reschedule,
        days: Memo::new(move |_| group_by_day(service, month, months)),
        wanted: RwSignal::new(None),
        gone: RwSignal::new(false),
        first_free: StoredValue::new(first_free),
        last_day: local_day_and_hour(horizon).0,
        change_notice_hours: profile.change_notice_hours,
    };
    // The shown month, and the next one ahead of time.
    Effect::new(move |_| {
        if let Some(service) = calendar.service.get() {
            let first = calendar.month.get();
            calendar.load(service.id, first, false);
            calendar.load(service.id, shift_months(first, 1), false);
        }
    });
    // A link to a time (`?service=&start=`): on arrival, and when one is followed here.
    let find_service = StoredValue::new(find);
    Effect::new(move |_| {
        let (service, start) = query.with(|q| {
            let service = q.get("service").and_then(|v| v.parse::<i64>().ok());
            let start = q.get("start").and_then(|v| parse_iso(&v));
            (service, start)
        });
        if let Some(start) = start {
            let service = find_service.with_value(|find| find(service));
            calendar.ask_for(service, start);
        }
    });
    Effect::new(move |_| calendar.open_wanted());
    // Times taken or freed by anyone show up without a reload.
    let live = super::use_live(format!("/api/live?doctor={}", profile.doctor.id));
    Effect::new(move |seen: Option<u32>| {
        let changes = live.changes.get();
        if seen.is_some_and(|seen| seen != changes) {
            calendar.reload();
        }
        changes
    });
    let zone = browser_zone();
    let doctor_zone = profile.doctor.time_zone.clone();
    let zone_note = if zone == doctor_zone {
        format!("Times are in your time zone, {zone}.")
    } else {
        format!("Times are in your time zone, {zone}. The doctor works in {doctor_zone}.")
    };
    let locked = reschedule.is_some();
    let dialog_profile = StoredValue::new(profile.clone());
    view! {
        <div class="space-y-4" data-testid="calendar">
            {(!locked && services.len() > 1).then(|| view! { <ServicePicker services=services.clone() calendar/> })}
            <p class="text-xs text-slate-600">{zone_note}</p>
            {move || calendar.error.get().map(|error| view! {
                <ErrorNotice error retry=Callback::new(move |_| {
                    calendar.error.set(None);
                    calendar.refresh();
                })/>
            })}
            {move || calendar.gone.get().then(|| view! {
                <p class="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" role="status" data-testid="time-gone">
                    "That time is no longer free. Please choose another one."
                </p>
            })}
            <div class="grid gap-4 md:grid-cols-[minmax(0,22rem)_1fr]">
                <MonthGrid calendar today/>
                <DayTimes calendar/>
            </div>
            {move || calendar.chosen.get().map(|slot| view! {
                <ConfirmDialog calendar time=slot profile=dialog_profile.get_value() reschedule/>
            })}
        </div>
    }
    .into_any()
}

/// "General consultation · 30 min · EUR 60.00"
pub fn service_summary(service: &Service) -> String {
    let mut text = format!("{} · {} min", service.name, service.duration_minutes);
    if let Some(price) = &service.price {
        text.push_str(&format!(" · {}", price.display()));
    }
    if service.video {
        text.push_str(" · video");
    }
    text
}

#[component]
fn MonthGrid(calendar: Calendar, today: NaiveDate) -> impl IntoView {
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let day = calendar.focused.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowLeft" => day - Duration::days(1),
            "ArrowRight" => day + Duration::days(1),
            "ArrowUp" => day - Duration::days(7),
            "ArrowDown" => day + Duration::days(7),
            "Home" => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            "End" => day + Duration::days(6 - i64::from(day.weekday().num_days_from_monday())),
            "PageUp" => same_day_in(shift_months(first_of_month(day), -1), day.day()),
            "PageDown" => same_day_in(shift_months(first_of_month(day), 1), day.day()),
            _ => return,
        };
        ev.prevent_default();
        // Nothing to book before this month, or after bookings close.
        let next = next.max(first_of_month(today)).min(calendar.last_day);
        calendar.go_to(next);
        focus_day(next);
    };
    let first_month = first_of_month(today);
    let last_month = first_of_month(calendar.last_day.max(today));
    let step = move |months: i32| {
        let first =
            shift_months(calendar.month.get_untracked(), months).clamp(first_month, last_month);
        calendar.show_month(first);
        calendar
            .focused
            .set(if first == first_month { today } else { first });
    };
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-2 shadow-sm sm:p-3">
            <div class="mb-2 flex items-center justify-between">
                <button type="button" class=format!("{BUTTON_SECONDARY} min-w-touch") aria-label="Previous month"
                    disabled=move || calendar.month.get() <= first_month
                    on:click=move |_| step(-1)>"‹"</button>
                <h3 id="calendar-month" class="font-semibold" aria-live="polite">{move || month_title(calendar.month.get())}</h3>
                <button type="button" class=format!("{BUTTON_SECONDARY} min-w-touch") aria-label="Next month"
                    disabled={move || calendar.month.get() >= last_month}
                    on:click=move |_| step(1)>"›"</button>
            </div>
            <table role="grid" aria-labelledby="calendar-month" class="w-full table-fixed border-separate border-spacing-0.5 sm:border-spacing-1" on:keydown=on_key>
                <thead>
                    <tr>
                        {WEEKDAY_NAMES.iter().map(|name| view! {
                            <th scope="col" abbr=*name class="text-xs font-medium text-slate-600">{&name[..2]}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let days = calendar.days();
                        // New cells replace the old ones: keep the keyboard focus on the day.
                        if day_has_focus() {
                            focus_day(calendar.focused.get_untracked());
                        }
                        weeks_of(calendar.month.get()).into_iter().map(|week| view! {
                            <tr>
                                {week.into_iter().map(|day| match day {
                                    Some(day) => {
                                        let count = days.as_ref().map(|d| d.get(&day).map_or(0, Vec::len));
                                        view! { <DayCell calendar day today count/> }.into_any()
                                    }
                                    None => view! { <td role="gridcell"></td> }.into_any(),
                                }).collect_view()}
                            </tr>
                        }).collect_view()
                    }}
                </tbody>
            </table>
            {move || match calendar.days() {
                None => Some(view! { <p class="mt-2 text-xs text-slate-600">"Loading free times…"</p> }.into_any()),
                // A month with nothing free: offer the next one rather than a wall of grey.
                Some(days) if days.is_empty() && calendar.month.get() < last_month => Some(view! {
                    <p class="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600" role="status">
                        {format!("No free times in {}.", month_title(calendar.month.get()))}
                        <button type="button" class="min-h-touch underline" on:click=move |_| step(1)>"Show the next month"</button>
                    </p>
                }.into_any()),
                Some(_) => None,
            }}
            <p class="mt-2 text-xs text-slate-600" data-testid="bookings-open-until">
                {format!("Bookings open until {}.", day_month(calendar.last_day))}
            </p>
        </div>
    }
    .into_any()
}

/// One day: its number and free-time count; muted without times, inert in the past.
#[component]
fn DayCell(
    calendar: Calendar,
    day: NaiveDate,
    today: NaiveDate,
    count: Option<usize>,
) -> impl IntoView {
    let past = day < today;
    let free = count.unwrap_or(0);
    // Begins with what the button shows, its number and its count: "30, 5 free times,
    // Monday 30 November 2026".
    let state = match (past, count) {
        (true, _) => "past".to_string(),
        (false, None) => "loading".to_string(),
        (false, Some(0)) => "no free times".to_string(),
        (false, Some(1)) => "1 free time".to_string(),
        (false, Some(n)) => format!("{n} free times"),
    };
    let label = format!("{}, {state}, {}", day.day(), day_label(day));
    let selected = move || calendar.selected.get() == Some(day);
    let open = !past && free > 0;
    view! {
        <td role="gridcell" aria-selected=move || selected().to_string()>
            <button type="button" data-day=day.to_string() aria-label=label
                aria-disabled=(!open).to_string()
                tabindex=move || if calendar.focused.get() == day { "0" } else { "-1" }
                class="flex h-12 w-full flex-col items-center justify-center rounded-lg text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-1"
                class=("font-semibold", open)
                class=("text-slate-400", !open)
                class=("bg-brand-50", move || open && !selected())
                class=("hover:bg-brand-100", move || open && !selected())
                class=("bg-brand-600", selected)
                class=("text-white", selected)
                class=("ring-2", day == today)
                class=("ring-slate-600", day == today)
                on:click=move |_| {
                    calendar.focused.set(day);
                    if open {
                        calendar.selected.set(Some(day));
                    }
                }>
                <span>{day.day()}</span>
                // The space keeps "30" and "12" two words for assistive technology.
                {(open).then(|| view! { " " <span class="text-[10px] leading-none opacity-80">{free}</span> })}
            </button>
        </td>
    }
    .into_any()
}
