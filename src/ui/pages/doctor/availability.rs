//! The doctor's availability: weekly hours, date overrides (days off, other hours, holidays)
//! and one-off extra hours. Hours are entered on the doctor's own wall clock.

use crate::api::doctor::{my_availability, AddExtraHours, RemoveAvailability};
use crate::api::hours::{my_hours, AddOverride, HoursSettings, RemoveOverride, SetWeeklyHours};
use crate::domain::hours::DateOverride;
use crate::domain::models::AvailabilitySpan;
use crate::domain::wall_clock::WEEKDAYS;
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    day_text, parse_day, use_notices, EmptyState, LocalDate, LocalTime, PageMeta, Panel,
    RequireRole, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use chrono::{Duration, Utc};
use leptos::prelude::*;

#[component]
pub fn AvailabilityPage() -> impl IntoView {
    view! {
        <PageMeta title="Availability"/>
        <RequireRole role=Role::Doctor>
            <Availability/>
        </RequireRole>
    }
}

/// Reports a server action's outcome: a success notice and a reload, or the error, shown by
/// its form (`error`) or, for a list row without one, as a notice.
fn report<T: 'static>(
    outcome: impl Fn() -> Option<Result<T, AppError>> + 'static,
    success: &'static str,
    changed: RwSignal<u32>,
    error: Option<RwSignal<Option<AppError>>>,
) {
    let notices = use_notices();
    Effect::new(move |_| match outcome() {
        Some(Ok(_)) => {
            notices.success(success);
            if let Some(error) = error {
                error.set(None);
            }
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => match error {
            Some(error) => error.set(Some(e)),
            None => notices.error(&e),
        },
        None => {}
    });
}

#[component]
fn Availability() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let settings = Resource::new(move || changed.get(), |_| my_hours());
    // Each part waits for the settings on its own; nesting the extra hours (with their own
    // resource) inside another suspense would break hydration.
    let loading = || view! { <p class="text-slate-500">"Loading…"</p> };
    view! {
        <div class="space-y-6">
            <h1 class="text-2xl font-bold">"Availability"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    settings.await.ok().map(|s| view! {
                        <p class="text-sm text-slate-600">"Hours are in your time zone, " <strong>{s.time_zone}</strong>
                            ", and follow its daylight-saving changes. Patients see the times in their own zone."</p>
                    })
                })}
            </Transition>
            <div class="grid gap-6 lg:grid-cols-2">
                <Transition fallback=loading>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Ok(settings) => view! { <WeeklyHoursForm settings changed/> }.into_any(),
                            Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
                <div class="space-y-6">
                    <Transition fallback=loading>
                        {move || Suspend::new(async move {
                            settings.await.ok().map(|s| view! { <Overrides overrides=s.overrides changed/> })
                        })}
                    </Transition>
                    <ExtraHours/>
                </div>
            </div>
        </div>
    }
}

#[component]
fn WeeklyHoursForm(settings: HoursSettings, changed: RwSignal<u32>) -> impl IntoView {
    let save = ServerAction::<SetWeeklyHours>::new();
    let days: Vec<RwSignal<String>> = settings
        .weekly
        .days
        .iter()
        .map(|hours| RwSignal::new(hours.to_string()))
        .collect();
    let error = RwSignal::new(None::<AppError>);
    report(
        move || save.value().get(),
        "Weekly hours saved.",
        changed,
        Some(error),
    );
    let inputs = days.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days = inputs.iter().map(|d| d.get_untracked()).collect();
        save.dispatch(SetWeeklyHours { days });
    };
    view! {
        <Panel title="Weekly hours">
            <form on:submit=submit class="space-y-2" data-testid="weekly-hours">
                <p class="text-xs text-slate-500">"One or more ranges per day, e.g. 08:00-12:00, 13:00-17:00. Leave a day empty when you do not work."</p>
                {WEEKDAYS.into_iter().zip(days).map(|(weekday, value)| {
                    let id = format!("hours-{weekday}");
                    // The attribute shows the saved hours before the app has loaded.
                    let initial = value.get_untracked();
                    view! {
                        <div class="grid grid-cols-[4rem_1fr] items-center gap-2">
                            <label class="text-sm font-medium text-slate-700" for=id.clone()>{weekday.to_string()}</label>
                            <input id=id type="text" class=INPUT placeholder="Closed" value=initial prop:value=value
                                on:input=move |ev| value.set(event_target_value(&ev))/>
                        </div>
                    }
                }).collect_view()}
                {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save weekly hours" }}
                </button>
            </form>
        </Panel>
    }
}

#[component]
fn Overrides(overrides: Vec<DateOverride>, changed: RwSignal<u32>) -> impl IntoView {
    let list = if overrides.is_empty() {
        view! { <p class="text-sm text-slate-500">"No days off or special hours coming up."</p> }
            .into_any()
    } else {
        view! {
            <ul class="space-y-2" data-testid="overrides">
                {overrides.into_iter().map(|item| view! { <OverrideRow item changed/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Panel title="Days off and special hours">
            <div class="space-y-4">
                {list}
                <OverrideForm changed/>
            </div>
        </Panel>
    }
}

#[component]
fn OverrideRow(item: DateOverride, changed: RwSignal<u32>) -> impl IntoView {
    let remove = ServerAction::<RemoveOverride>::new();
    report(
        move || remove.value().get(),
        "Override removed.",
        changed,
        None,
    );
    let days = if item.first_day == item.last_day {
        day_text(item.first_day)
    } else {
        format!("{} – {}", day_text(item.first_day), day_text(item.last_day))
    };
    let hours = if item.hours.is_closed() {
        "Closed".to_string()
    } else {
        item.hours.to_string()
    };
    let id = item.id;
    view! {
        <li class="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm">
            <span class="font-medium">{days}</span>
            <span class="flex-1 text-slate-600">{hours} {(!item.note.is_empty()).then(|| format!(" · {}", item.note))}</span>
            <button class=BUTTON_SECONDARY disabled=move || remove.pending().get()
                on:click=move |_| { remove.dispatch(RemoveOverride { override_id: id }); }>"Remove"</button>
        </li>
    }
}

#[component]
fn OverrideForm(changed: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddOverride>::new();
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive().to_string();
    let first = RwSignal::new(tomorrow.clone());
    let last = RwSignal::new(tomorrow);
    let hours = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    report(
        move || add.value().get(),
        "Override added.",
        changed,
        Some(error),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(first_day), Some(last_day)) = (parse_day(&first.get()), parse_day(&last.get()))
        else {
            return error.set(Some(AppError::invalid("first_day", "Choose the dates.")));
        };
        add.dispatch(AddOverride {
            first_day,
            last_day,
            hours: hours.get(),
            note: note.get(),
        });
    };
    view! {
        <form on:submit=submit class="space-y-2" data-testid="override-form">
            <div class="grid grid-cols-2 gap-2">
                <div>
                    <label class=LABEL for="override-first">"From"</label>
                    <input id="override-first" type="date" class=INPUT prop:value=first on:change=move |ev| first.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label class=LABEL for="override-last">"Until (inclusive)"</label>
                    <input id="override-last" type="date" class=INPUT prop:value=last on:change=move |ev| last.set(event_target_value(&ev))/>
                </div>
            </div>
            <div>
                <label class=LABEL for="override-hours">"Hours on these days"</label>
                <input id="override-hours" type="text" class=INPUT placeholder="Empty = closed, or e.g. 10:00-14:00"
                    prop:value=hours on:input=move |ev| hours.set(event_target_value(&ev))/>
            </div>
            <div>
                <label class=LABEL for="override-note">"Note (optional)"</label>
                <input id="override-note" type="text" class=INPUT placeholder="e.g. Public holiday"
                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
            </div>
            {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
            <button type="submit" class=BUTTON disabled=move || add.pending().get()>"Add override"</button>
        </form>
    }
}

/// One-off hours on top of the week, e.g. an extra Saturday morning.
#[component]
fn ExtraHours() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let spans = Resource::new(
        move || changed.get(),
        |_| async move {
            let from = Utc::now() - Duration::days(1);
            my_availability(from, from + Duration::days(60)).await
        },
    );
    view! {
        <Panel title="Extra hours">
            <div class="space-y-4">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match spans.await {
                            Ok(list) if list.is_empty() => view! {
                                <EmptyState title="No extra hours">"Add hours on a date outside your week, e.g. a Saturday morning."</EmptyState>
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
                <ExtraHoursForm changed/>
            </div>
        </Panel>
    }
}

#[component]
fn SpanRow(span: AvailabilitySpan, changed: RwSignal<u32>) -> impl IntoView {
    let remove = ServerAction::<RemoveAvailability>::new();
    report(
        move || remove.value().get(),
        "Extra hours removed.",
        changed,
        None,
    );
    let id = span.id;
    view! {
        <li class="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm">
            <span class="w-32"><LocalDate at=span.starts_at/></span>
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

#[component]
fn ExtraHoursForm(changed: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddExtraHours>::new();
    let day = RwSignal::new((Utc::now() + Duration::days(1)).date_naive().to_string());
    let hours = RwSignal::new("09:00-12:00".to_string());
    let error = RwSignal::new(None::<AppError>);
    report(
        move || add.value().get(),
        "Extra hours added.",
        changed,
        Some(error),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(on) = parse_day(&day.get()) else {
            return error.set(Some(AppError::invalid("day", "Choose a date.")));
        };
        add.dispatch(AddExtraHours {
            day: on,
            hours: hours.get(),
        });
    };
    view! {
        <form on:submit=submit class="grid grid-cols-[1fr_1fr_auto] items-end gap-2" data-testid="extra-hours-form">
            <div>
                <label class=LABEL for="extra-day">"Date"</label>
                <input id="extra-day" type="date" class=INPUT prop:value=day on:change=move |ev| day.set(event_target_value(&ev))/>
            </div>
            <div>
                <label class=LABEL for="extra-hours">"Hours"</label>
                <input id="extra-hours" type="text" class=INPUT prop:value=hours on:input=move |ev| hours.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class=BUTTON disabled=move || add.pending().get()>"Add"</button>
            {move || error.get().map(|e| view! { <p class="col-span-3 text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
        </form>
    }
}
