//! Booking: doctor, then service, then a date, then one of the free times, then confirm.

use crate::api::booking::{doctor_services, free_times, list_doctors, Book};
use crate::domain::models::{Service, Slot};
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    browser_zone, iso, local_day_bounds, parse_day, use_hydrated, use_notices, EmptyState,
    LocalDate, LocalTime, Panel, RequireRole, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use chrono::{Local, NaiveDate};
use leptos::prelude::*;

#[component]
pub fn BookPage() -> impl IntoView {
    // The flow needs the browser (its zone and clock, and free times fetched from there), so
    // it is built once the app runs rather than hydrated from server HTML.
    let hydrated = use_hydrated();
    view! {
        <RequireRole role=Role::Patient>
            <Show when=move || hydrated.get() fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                <BookingFlow/>
            </Show>
        </RequireRole>
    }
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

#[component]
fn BookingFlow() -> impl IntoView {
    let doctor = RwSignal::new(None::<i64>);
    let service = RwSignal::new(None::<Service>);
    let day = RwSignal::new(Some(today()));
    let chosen = RwSignal::new(None::<Slot>);
    // Bumped to reload the free times (after booking, or when a time was just taken).
    let reload = RwSignal::new(0u32);

    let doctors = Resource::new(|| (), |_| list_doctors());
    let services = Resource::new(
        move || doctor.get(),
        |doctor| async move {
            match doctor {
                Some(id) => doctor_services(id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    // Built only in the browser (see BookPage), so a plain resource fetches from there.
    let slots = Resource::new(
        move || {
            let service = service.get().map(|s| s.id);
            (doctor.get(), service, day.get(), reload.get())
        },
        |key| async move {
            match key {
                (Some(doctor), Some(service), Some(day), _) => {
                    let (from, to) = local_day_bounds(day);
                    free_times(doctor, service, from, to).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );

    let choose_doctor = move |ev| {
        doctor.set(event_target_value(&ev).parse().ok());
        service.set(None);
        chosen.set(None);
    };

    view! {
        <div class="space-y-5">
            <h1 class="text-2xl font-bold">"Book an appointment"</h1>
            <div class="grid gap-5 md:grid-cols-2">
                <Panel title="1. Doctor and service">
                    <Suspense fallback=|| view! { <p class="text-slate-500">"Loading doctors…"</p> }>
                        {move || Suspend::new(async move {
                            let list = doctors.await.unwrap_or_default();
                            view! {
                                <label class=LABEL for="doctor">"Doctor"</label>
                                <select id="doctor" class=INPUT on:change=choose_doctor>
                                    <option value="" selected=move || doctor.get().is_none()>"Choose a doctor"</option>
                                    {list.into_iter().map(|d| view! {
                                        <option value=d.id.to_string()>{d.name}</option>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <Show when=move || doctor.get().is_some()>
                        <ServicePicker services service chosen/>
                    </Show>
                </Panel>
                <Panel title="2. Date and time">
                    <DayPicker day chosen/>
                    <Transition fallback=|| view! { <p class="mt-3 text-slate-500">"Finding free times…"</p> }>
                        {move || Suspend::new(async move {
                            match slots.await {
                                Ok(Some(list)) => view! { <SlotList slots=list chosen/> }.into_any(),
                                Ok(None) => view! { <p class="mt-3 text-sm text-slate-600">"Choose a doctor, a service and a date to see free times."</p> }.into_any(),
                                Err(e) => view! { <p class="mt-3 text-rose-700">{e.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </Panel>
            </div>
            {move || {
                let doctor_id = doctor.get()?;
                let service = service.get()?;
                let time = chosen.get()?;
                Some(view! { <Confirm doctor_id service time chosen reload/> })
            }}
        </div>
    }
}

#[component]
fn ServicePicker(
    services: Resource<Result<Vec<Service>, AppError>>,
    service: RwSignal<Option<Service>>,
    chosen: RwSignal<Option<Slot>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="mt-3 text-slate-500">"Loading services…"</p> }>
            {move || Suspend::new(async move {
                let list = services.await.unwrap_or_default();
                if list.is_empty() {
                    return view! { <p class="mt-3 text-sm text-slate-600">"This doctor offers no services yet. Try another doctor."</p> }.into_any();
                }
                view! {
                    <fieldset class="mt-4 space-y-2">
                        <legend class=LABEL>"Service"</legend>
                        {list.into_iter().map(|s| {
                            let id = s.id;
                            let item = s.clone();
                            view! {
                                <label class="flex cursor-pointer items-start gap-3 rounded-lg border border-slate-200 p-3 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
                                    <input type="radio" name="service" class="mt-1"
                                        prop:checked=move || service.get().map(|x| x.id) == Some(id)
                                        on:change=move |_| { service.set(Some(item.clone())); chosen.set(None); }/>
                                    <span>
                                        <span class="block font-medium">{s.name.clone()}</span>
                                        <span class="block text-sm text-slate-600">
                                            {format!("{} min", s.duration_minutes)}
                                            {s.price.as_ref().map(|p| format!(" · {}", p.display()))}
                                        </span>
                                        <span class="block text-sm text-slate-500">{s.description.clone()}</span>
                                    </span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn DayPicker(day: RwSignal<Option<NaiveDate>>, chosen: RwSignal<Option<Slot>>) -> impl IntoView {
    view! {
        <div>
        <label class=LABEL for="day">"Date"</label>
        <input id="day" type="date" class=INPUT
            min=move || today().to_string()
            prop:value=move || day.get().map(|d| d.to_string()).unwrap_or_default()
            on:change=move |ev| {
                day.set(parse_day(&event_target_value(&ev)));
                chosen.set(None);
            }/>
        </div>
    }
}

#[component]
fn SlotList(slots: Vec<Slot>, chosen: RwSignal<Option<Slot>>) -> impl IntoView {
    if slots.is_empty() {
        return view! {
            <div class="mt-3"><EmptyState title="No free times on this day">"Try another date."</EmptyState></div>
        }.into_any();
    }
    // Rendered only in the browser (the times load there), so the zone is the browser's.
    view! {
        <p class="mt-3 text-xs text-slate-500">"Times are shown in your time zone: " {browser_zone()} "."</p>
        <ul class="mt-2 grid grid-cols-3 gap-2 sm:grid-cols-4" aria-label="Free times" data-testid="slots">
            {slots.into_iter().map(|slot| {
                let selected = move || chosen.get() == Some(slot);
                view! {
                    <li>
                        <button type="button"
                            class="w-full min-h-touch rounded-lg border px-2 py-2 text-sm font-medium"
                            class=("border-brand-600", selected)
                            class=("bg-brand-600", selected)
                            class=("text-white", selected)
                            class=("border-slate-300", move || !selected())
                            class=("bg-white", move || !selected())
                            aria-pressed=move || selected().to_string()
                            data-start=iso(slot.starts_at)
                            on:click=move |_| chosen.set(Some(slot))>
                            <LocalTime at=slot.starts_at/>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }.into_any()
}

#[component]
fn Confirm(
    doctor_id: i64,
    service: Service,
    time: Slot,
    chosen: RwSignal<Option<Slot>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let book = ServerAction::<Book>::new();
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match book.value().get() {
        Some(Ok(_)) => {
            notices.success("Request sent — it is pending the doctor's confirmation. You can follow it under My appointments.");
            chosen.set(None);
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => {
            // The time was taken, or the service or hours changed meanwhile: show the
            // day's times as they are now.
            let stale = matches!(e, AppError::Conflict(_))
                || matches!(e.field(), Some("starts_at" | "service_id"));
            if stale {
                reload.update(|n| *n += 1);
                chosen.set(None);
            }
            notices.error(&e);
            error.set(Some(e));
        }
        None => {}
    });
    let service_id = service.id;
    let hydrated = use_hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        book.dispatch(Book {
            doctor_id,
            service_id,
            starts_at: time.starts_at,
            notes: notes.get(),
        });
    };
    view! {
        <Panel title="3. Confirm your request">
            <form method="post" on:submit=submit class="space-y-3" data-testid="confirm">
                <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-slate-500">"Service"</dt><dd>{service.name.clone()}</dd>
                    <dt class="text-slate-500">"When"</dt>
                    <dd><LocalDate at=time.starts_at/> " at " <LocalTime at=time.starts_at/> " (" {service.duration_minutes} " min)"</dd>
                    <dt class="text-slate-500">"Price"</dt>
                    <dd>{service.price.as_ref().map(|p| p.display()).unwrap_or_else(|| "Not listed".into())}</dd>
                </dl>
                <div>
                    <label class=LABEL for="notes">"Notes for the doctor (optional)"</label>
                    <textarea id="notes" rows="2" class=INPUT maxlength="1000"
                        prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </div>
                {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                <div class="flex gap-2">
                    <button type="submit" class=BUTTON disabled=move || !hydrated.get() || book.pending().get()>
                        {move || if book.pending().get() { "Sending request…" } else { "Request appointment" }}
                    </button>
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| chosen.set(None)>"Choose another time"</button>
                </div>
            </form>
        </Panel>
    }
}
