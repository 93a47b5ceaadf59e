//! The month booking calendar. One request loads a month of free times for a service (the
//! next month is fetched ahead, so paging feels instant); days show how many times are
//! free; a day's times are grouped by part of the day; a time opens a confirmation dialog.
//! Keyboard: arrows move between days, Page Up/Down between months, Enter picks a day.
//! Built only in the browser: it needs the browser's zone and clock.

use crate::api::booking::{free_times, Book, Reschedule};
use crate::domain::models::{Service, Slot};
use crate::domain::profile::{change_policy_text, DoctorProfile};
use crate::error::AppError;
use crate::ui::components::{
    browser_zone, format_date, format_time, format_time_in, local_day_and_hour, local_day_bounds,
    use_auth, use_notices, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use chrono::{Datelike, Duration, Local, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
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

fn part_of_day(hour: u32) -> usize {
    match hour {
        0..=11 => 0,
        12..=16 => 1,
        _ => 2,
    }
}

const PARTS: [&str; 3] = ["Morning", "Afternoon", "Evening"];

/// Focuses a day's button after the grid re-renders (keyboard navigation).
fn focus_day(day: NaiveDate) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let selector = format!("[data-day='{day}']");
        let element = document().query_selector(&selector).ok().flatten();
        if let Some(button) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = button.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = day;
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
            match reply {
                Ok(slots) => {
                    self.months.try_update(|m| {
                        m.insert(key, slots);
                    });
                    self.error.try_set(None);
                }
                Err(e) => {
                    self.error.try_set(Some(e));
                }
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
    }
}

#[component]
pub fn BookingCalendar(
    profile: DoctorProfile,
    /// Preselected service.
    service_id: Option<i64>,
    /// Move this appointment instead of booking a new one.
    reschedule: Option<i64>,
) -> impl IntoView {
    let today = Local::now().date_naive();
    let services = profile.services.clone();
    let initial = service_id
        .and_then(|id| services.iter().find(|s| s.id == id).cloned())
        .or_else(|| services.first().cloned());
    let service = RwSignal::new(initial);
    let month = RwSignal::new(first_of_month(today));
    let months = RwSignal::new(BTreeMap::new());
    let calendar = Calendar {
        doctor_id: profile.doctor.id,
        service,
        month,
        focused: RwSignal::new(today),
        selected: RwSignal::new(None),
        chosen: RwSignal::new(None),
        months,
        in_flight: StoredValue::new(BTreeSet::new()),
        generation: StoredValue::new(BTreeMap::new()),
        error: RwSignal::new(None),
        reschedule,
        days: Memo::new(move |_| group_by_day(service, month, months)),
    };
    // The shown month, and the next one ahead of time.
    Effect::new(move |_| {
        if let Some(service) = calendar.service.get() {
            let first = calendar.month.get();
            calendar.load(service.id, first, false);
            calendar.load(service.id, shift_months(first, 1), false);
        }
    });
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
    view! {
        <div class="space-y-4" data-testid="calendar">
            {(!locked && services.len() > 1).then(|| view! { <ServicePicker services=services.clone() calendar/> })}
            <p class="text-xs text-slate-500">{zone_note}</p>
            {move || calendar.error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
            <div class="grid gap-4 md:grid-cols-[minmax(0,22rem)_1fr]">
                <MonthGrid calendar today/>
                <DayTimes calendar/>
            </div>
            {move || calendar.chosen.get().map(|slot| view! {
                <ConfirmDialog calendar time=slot profile=profile.clone() reschedule/>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn ServicePicker(services: Vec<Service>, calendar: Calendar) -> impl IntoView {
    let current = calendar.service.get_untracked().map(|s| s.id);
    let list = StoredValue::new(services.clone());
    let choose = move |ev| {
        let id: Option<i64> = event_target_value(&ev).parse().ok();
        let service = list.with_value(|l| l.iter().find(|s| Some(s.id) == id).cloned());
        calendar.service.set(service);
        calendar.selected.set(None);
    };
    view! {
        <div>
            <label class=LABEL for="calendar-service">"Service"</label>
            <select id="calendar-service" class=INPUT on:change=choose>
                {services.into_iter().map(|s| {
                    let label = service_summary(&s);
                    view! { <option value=s.id.to_string() selected=Some(s.id) == current>{label}</option> }
                }).collect_view()}
            </select>
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
        // Nothing to book before this month.
        let next = next.max(first_of_month(today));
        calendar.go_to(next);
        focus_day(next);
    };
    let first_month = first_of_month(today);
    let step = move |months: i32| {
        let first = shift_months(calendar.month.get_untracked(), months).max(first_month);
        calendar.show_month(first);
        calendar
            .focused
            .set(if first == first_month { today } else { first });
    };
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-2 shadow-sm sm:p-3">
            <div class="mb-2 flex items-center justify-between">
                <button type="button" class=BUTTON_SECONDARY aria-label="Previous month"
                    disabled=move || calendar.month.get() <= first_month
                    on:click=move |_| step(-1)>"‹"</button>
                <h2 id="calendar-month" class="font-semibold" aria-live="polite">{move || month_title(calendar.month.get())}</h2>
                <button type="button" class=BUTTON_SECONDARY aria-label="Next month" on:click=move |_| step(1)>"›"</button>
            </div>
            <table role="grid" aria-labelledby="calendar-month" class="w-full table-fixed border-separate border-spacing-0.5 sm:border-spacing-1" on:keydown=on_key>
                <thead>
                    <tr>
                        {WEEKDAY_NAMES.iter().map(|name| view! {
                            <th scope="col" abbr=*name class="text-xs font-medium text-slate-500">{&name[..2]}</th>
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
                None => Some(view! { <p class="mt-2 text-xs text-slate-500">"Loading free times…"</p> }.into_any()),
                // A month with nothing free: offer the next one rather than a wall of grey.
                Some(days) if days.is_empty() => Some(view! {
                    <p class="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600" role="status">
                        {format!("No free times in {}.", month_title(calendar.month.get()))}
                        <button type="button" class="underline" on:click=move |_| step(1)>"Show the next month"</button>
                    </p>
                }.into_any()),
                Some(_) => None,
            }}
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
    let label = match (past, count) {
        (true, _) => format!("{}, past", day_label(day)),
        (false, None) => format!("{}, loading", day_label(day)),
        (false, Some(0)) => format!("{}, no free times", day_label(day)),
        (false, Some(1)) => format!("{}, 1 free time", day_label(day)),
        (false, Some(n)) => format!("{}, {n} free times", day_label(day)),
    };
    let selected = move || calendar.selected.get() == Some(day);
    let open = !past && free > 0;
    view! {
        <td role="gridcell" aria-selected=move || selected().to_string()>
            <button type="button" data-day=day.to_string() aria-label=label
                aria-disabled=(!open).to_string()
                tabindex=move || if calendar.focused.get() == day { "0" } else { "-1" }
                class="flex h-12 w-full flex-col items-center justify-center rounded-lg text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-1"
                class=("font-semibold", open)
                class=("text-slate-300", !open)
                class=("bg-brand-50", move || open && !selected())
                class=("hover:bg-brand-100", move || open && !selected())
                class=("bg-brand-600", selected)
                class=("text-white", selected)
                class=("ring-1", day == today)
                class=("ring-slate-400", day == today)
                on:click=move |_| {
                    calendar.focused.set(day);
                    if open {
                        calendar.selected.set(Some(day));
                    }
                }>
                <span>{day.day()}</span>
                {(open).then(|| view! { <span class="text-[10px] leading-none opacity-80">{free}</span> })}
            </button>
        </td>
    }
    .into_any()
}

#[component]
fn DayTimes(calendar: Calendar) -> impl IntoView {
    move || {
        let Some(day) = calendar.selected.get() else {
            return view! {
                <p class="rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">
                    "Choose a day with free times to see them."
                </p>
            }.into_any();
        };
        let slots = calendar
            .days()
            .and_then(|days| days.get(&day).cloned())
            .unwrap_or_default();
        if slots.is_empty() {
            return view! {
                <p class="rounded-xl border border-slate-200 p-6 text-sm text-slate-600">
                    "No free times left on " {day_label(day)} ". Choose another day."
                </p>
            }
            .into_any();
        }
        let mut parts: [Vec<Slot>; 3] = Default::default();
        for slot in slots {
            parts[part_of_day(local_day_and_hour(slot.starts_at).1)].push(slot);
        }
        view! {
            <section class="space-y-3" aria-label=format!("Free times on {}", day_label(day)) data-testid="day-times">
                <h3 class="font-semibold">{day_label(day)}</h3>
                {parts.into_iter().zip(PARTS).filter(|(slots, _)| !slots.is_empty()).map(|(slots, name)| view! {
                    <div>
                        <h4 class="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">{name}</h4>
                        <ul class="grid grid-cols-3 gap-2 sm:grid-cols-4">
                            {slots.into_iter().map(|slot| view! {
                                <li>
                                    <button type="button" data-start=crate::ui::components::iso(slot.starts_at)
                                        class="w-full min-h-touch rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm font-medium hover:border-brand-600 focus-visible:ring-2 focus-visible:ring-brand-500"
                                        on:click=move |_| calendar.chosen.set(Some(slot))>
                                        {format_time(slot.starts_at)}
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }).collect_view()}
            </section>
        }.into_any()
    }
}

#[component]
fn ConfirmDialog(
    calendar: Calendar,
    time: Slot,
    profile: DoctorProfile,
    reschedule: Option<i64>,
) -> impl IntoView {
    let notices = use_notices();
    let auth = use_auth();
    let navigate = leptos_router::hooks::use_navigate();
    let book = ServerAction::<Book>::new();
    let reschedule_action = ServerAction::<Reschedule>::new();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let close = move || calendar.chosen.set(None);
    let outcome = move |result: Result<String, AppError>| match result {
        Ok(message) => {
            notices.success(message);
            close();
            calendar.refresh();
        }
        Err(e) => {
            // Taken meanwhile (or the hours changed): show the day as it is now.
            if matches!(e, AppError::Conflict(_)) || e.field() == Some("starts_at") {
                calendar.refresh();
                close();
                notices.error(&e);
            } else {
                error.set(Some(e));
            }
        }
    };
    Effect::new(move |_| {
        if let Some(result) = book.value().get() {
            outcome(result.map(|_| {
                "Request sent. It is pending the doctor's confirmation; follow it under My appointments.".to_string()
            }));
        }
    });
    let to_list = navigate.clone();
    Effect::new(move |_| {
        if let Some(result) = reschedule_action.value().get() {
            let moved = result.is_ok();
            outcome(result.map(|a| {
                format!(
                    "Moved to {} at {}.",
                    format_date(a.starts_at),
                    format_time(a.starts_at)
                )
            }));
            if moved {
                to_list("/appointments", Default::default());
            }
        }
    });
    let service = calendar.service.get_untracked();
    let Some(service) = service else {
        return ().into_any();
    };
    let service_id = service.id;
    let doctor_id = profile.doctor.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match reschedule {
            Some(appointment_id) => {
                reschedule_action.dispatch(Reschedule {
                    appointment_id,
                    starts_at: time.starts_at,
                    reason: text.get(),
                });
            }
            None => {
                book.dispatch(Book {
                    doctor_id,
                    service_id,
                    starts_at: time.starts_at,
                    notes: text.get(),
                });
            }
        }
    };
    let pending = move || book.pending().get() || reschedule_action.pending().get();
    let zone = browser_zone();
    let doctor_zone = profile.doctor.time_zone.clone();
    let doctor_time = (zone != doctor_zone).then(|| {
        format!(
            " · {} for the doctor ({doctor_zone})",
            format_time_in(time.starts_at, &doctor_zone)
        )
    });
    let signed_in = move || {
        auth.user
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .is_some_and(|u| reschedule.is_some() || u.role == crate::domain::Role::Patient)
    };
    let title = if reschedule.is_some() {
        "Move your appointment"
    } else {
        "Confirm your appointment"
    };
    // Focus moves into the dialog (the text field, or Back when not signed in), so the
    // keyboard and Escape act on it.
    request_animation_frame(|| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let element = document()
                .get_element_by_id("confirm-text")
                .or_else(|| document().get_element_by_id("confirm-back"));
            if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = element.focus();
            }
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    view! {
        <div class="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-2 sm:items-center" on:keydown=on_key>
            <div role="dialog" aria-modal="true" aria-labelledby="confirm-title"
                class="w-full max-w-md rounded-2xl bg-white p-5 shadow-xl" data-testid="confirm">
                <h2 id="confirm-title" class="mb-3 text-lg font-semibold">{title}</h2>
                <form on:submit=submit class="space-y-3">
                    <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                        <dt class="text-slate-500">"Service"</dt><dd>{service.name.clone()}{service.video.then_some(" (video visit)")}</dd>
                        <dt class="text-slate-500">"Doctor"</dt><dd>{profile.doctor.name.clone()}</dd>
                        <dt class="text-slate-500">"Date"</dt><dd>{format_date(time.starts_at)}</dd>
                        <dt class="text-slate-500">"Time"</dt>
                        <dd>{format_time(time.starts_at)} "–" {format_time(time.ends_at)} {doctor_time}</dd>
                        <dt class="text-slate-500">"Duration"</dt><dd>{service.duration_minutes} " min"</dd>
                        <dt class="text-slate-500">"Price"</dt>
                        <dd>{service.price.as_ref().map(|p| p.display()).unwrap_or_else(|| "Not listed".into())}</dd>
                    </dl>
                    <p class="text-xs text-slate-500">{change_policy_text(profile.change_notice_hours)}</p>
                    <Show when=signed_in fallback=move || view! {
                        <p class="rounded-lg bg-amber-50 p-3 text-sm">
                            <a class="font-medium underline" href=format!("/login?next=/doctors/{doctor_id}")>"Log in"</a> " or "
                            <a class="font-medium underline" href=format!("/register?next=/doctors/{doctor_id}")>"create an account"</a>
                            " as a patient to book this time; you come back here afterwards."
                        </p>
                    }>
                        <div>
                            <label class=LABEL for="confirm-text">
                                {if reschedule.is_some() { "Reason for the change (optional)" } else { "Notes for the doctor (optional)" }}
                            </label>
                            <textarea id="confirm-text" rows="2" class=INPUT maxlength="1000"
                                prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </div>
                    </Show>
                    {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                    <div class="flex flex-wrap gap-2">
                        <button type="submit" class=BUTTON disabled=move || pending() || !signed_in()>
                            {move || match (pending(), reschedule.is_some()) {
                                (true, _) => "Sending…",
                                (false, true) => "Move appointment",
                                (false, false) => "Request appointment",
                            }}
                        </button>
                        <button id="confirm-back" type="button" class=BUTTON_SECONDARY on:click=move |_| close()>"Back"</button>
                    </div>
                </form>
            </div>
        </div>
    }.into_any()
}
