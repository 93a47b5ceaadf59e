//! The doctor's availability: add one span, add a weekly pattern, remove free spans.
//! Hours are entered in the doctor's own time zone (from their profile).

use crate::api::auth::current_user;
use crate::api::doctor::{my_availability, AddWeeklyAvailability, RemoveAvailability};
use crate::domain::models::AvailabilitySpan;
use crate::domain::recurrence::{WeeklyPattern, WEEKDAYS};
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    parse_clock, parse_day, use_notices, EmptyState, LocalDate, LocalTime, Panel, RequireRole,
    BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use chrono::{Datelike, Duration, Utc, Weekday};
use leptos::prelude::*;

#[component]
pub fn AvailabilityPage() -> impl IntoView {
    view! {
        <RequireRole role=Role::Doctor>
            <Availability/>
        </RequireRole>
    }
}

#[component]
fn Availability() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let spans = Resource::new(
        move || changed.get(),
        |_| async move {
            let from = Utc::now() - Duration::days(1);
            my_availability(from, from + Duration::days(60)).await
        },
    );
    let zone = Resource::new(
        || (),
        |_| async move {
            current_user()
                .await
                .ok()
                .flatten()
                .map(|u| u.time_zone)
                .unwrap_or_else(|| "UTC".into())
        },
    );
    view! {
        <div class="grid gap-6 md:grid-cols-[1fr_22rem]">
            <section class="space-y-3">
                <h1 class="text-2xl font-bold">"Availability"</h1>
                <p class="text-sm text-slate-600">"The next 60 days. Times are shown in your browser's time zone."</p>
                <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match spans.await {
                            Ok(list) if list.is_empty() => view! {
                                <EmptyState title="No availability yet">"Add your working hours with the form, e.g. weekdays 09:00–17:00 for the next 4 weeks."</EmptyState>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="space-y-2" data-testid="spans">
                                    {list.into_iter().map(|span| view! { <SpanRow span changed/> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <div class="space-y-6">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let zone = zone.await;
                        view! { <PatternForm zone changed/> }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
fn SpanRow(span: AvailabilitySpan, changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let remove = ServerAction::<RemoveAvailability>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(_)) => {
            notices.success("Availability removed.");
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let id = span.id;
    view! {
        <li class="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-4 py-2">
            <span class="w-36"><LocalDate at=span.starts_at/></span>
            <span class="flex-1 font-medium"><LocalTime at=span.starts_at/> "–" <LocalTime at=span.ends_at/></span>
            {if span.booked {
                view! { <span class="text-xs text-slate-500" title="Cancel its appointments first">"Has bookings"</span> }.into_any()
            } else {
                view! {
                    <button class=BUTTON_SECONDARY disabled=move || remove.pending().get()
                        on:click=move |_| { remove.dispatch(RemoveAvailability { span_id: id }); }>"Remove"</button>
                }.into_any()
            }}
        </li>
    }
}

/// One form for both cases: one day (one week, that day's weekday) or a weekly pattern.
#[component]
fn PatternForm(zone: String, changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let add = ServerAction::<AddWeeklyAvailability>::new();
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive();
    let first_day = RwSignal::new(tomorrow.to_string());
    let start = RwSignal::new("09:00".to_string());
    let end = RwSignal::new("17:00".to_string());
    let weeks = RwSignal::new("4".to_string());
    let repeat = RwSignal::new(true);
    let days = RwSignal::new(vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]);
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match add.value().get() {
        Some(Ok(count)) => {
            notices.success(format!(
                "Added {count} span{} of availability.",
                if count == 1 { "" } else { "s" }
            ));
            error.set(None);
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(start_time), Some(end_time)) =
            (parse_clock(&start.get()), parse_clock(&end.get()))
        else {
            return error.set(Some(AppError::invalid(
                "start_time",
                "Enter times like 09:00.",
            )));
        };
        let Some(day) = parse_day(&first_day.get()) else {
            return error.set(Some(AppError::invalid("first_day", "Choose a date.")));
        };
        let pattern = if repeat.get() {
            WeeklyPattern {
                weekdays: days.get(),
                start_time,
                end_time,
                first_day: day,
                weeks: weeks.get().parse().unwrap_or(0),
            }
        } else {
            WeeklyPattern {
                weekdays: vec![day.weekday()],
                start_time,
                end_time,
                first_day: day,
                weeks: 1,
            }
        };
        add.dispatch(AddWeeklyAvailability { pattern });
    };
    view! {
        <Panel title="Add availability">
            <form on:submit=submit class="space-y-3" data-testid="availability-form">
                <p class="text-xs text-slate-500">"Hours are in your time zone: " <strong>{zone}</strong></p>
                <div class="flex gap-4 text-sm">
                    <label class="flex items-center gap-2"><input type="radio" name="kind" prop:checked=move || !repeat.get() on:change=move |_| repeat.set(false)/> "One day"</label>
                    <label class="flex items-center gap-2"><input type="radio" name="kind" prop:checked=move || repeat.get() on:change=move |_| repeat.set(true)/> "Every week"</label>
                </div>
                <div>
                    <label class=LABEL for="first-day">{move || if repeat.get() { "Starting on" } else { "Date" }}</label>
                    <input id="first-day" type="date" class=INPUT prop:value=first_day on:change=move |ev| first_day.set(event_target_value(&ev))/>
                </div>
                <div class="grid grid-cols-2 gap-2">
                    <div>
                        <label class=LABEL for="start-time">"From"</label>
                        <input id="start-time" type="time" class=INPUT prop:value=start on:change=move |ev| start.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label class=LABEL for="end-time">"To"</label>
                        <input id="end-time" type="time" class=INPUT prop:value=end on:change=move |ev| end.set(event_target_value(&ev))/>
                    </div>
                </div>
                <Show when=move || repeat.get()>
                    <fieldset>
                        <legend class=LABEL>"Days"</legend>
                        <div class="mt-1 flex flex-wrap gap-1">
                            {WEEKDAYS.into_iter().map(|day| view! {
                                <label class="flex min-h-touch items-center gap-1 rounded border border-slate-300 px-2 text-sm">
                                    <input type="checkbox" prop:checked=move || days.get().contains(&day)
                                        on:change=move |ev| days.update(|d| if event_target_checked(&ev) { d.push(day) } else { d.retain(|x| *x != day) })/>
                                    {format!("{day}")}
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <div>
                        <label class=LABEL for="weeks">"For how many weeks"</label>
                        <input id="weeks" type="number" min="1" max="52" class=INPUT prop:value=weeks on:input=move |ev| weeks.set(event_target_value(&ev))/>
                    </div>
                </Show>
                {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                <button type="submit" class=BUTTON disabled=move || add.pending().get()>
                    {move || if add.pending().get() { "Adding…" } else { "Add availability" }}
                </button>
            </form>
        </Panel>
    }
}
