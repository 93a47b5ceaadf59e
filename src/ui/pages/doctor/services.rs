//! The doctor's services: create, edit, deactivate and offer again.

use crate::api::doctor::{my_services, SaveService, SetServiceActive};
use crate::domain::models::{Service, ServiceInput};
use crate::domain::validation::{parse_amount, FieldError};
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    use_notices, EmptyState, FieldAria, FieldMessage, PageMeta, Panel, RequireRole, BUTTON,
    BUTTON_SECONDARY, INPUT, LABEL,
};
use leptos::prelude::*;

#[component]
pub fn ServicesPage() -> impl IntoView {
    view! {
        <PageMeta title="Services"/>
        <RequireRole role=Role::Doctor>
            <Services/>
        </RequireRole>
    }
}

#[component]
fn Services() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Service>);
    let list = Resource::new(move || changed.get(), |_| my_services());
    view! {
        <div class="grid gap-6 md:grid-cols-[1fr_22rem]">
            <section class="space-y-3">
                <h1 class="text-2xl font-bold">"Services"</h1>
                <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(services) if services.is_empty() => view! {
                                <EmptyState title="No services yet">"Add your first service with the form, then add availability so patients can book it."</EmptyState>
                            }.into_any(),
                            Ok(services) => view! {
                                <ul class="space-y-3" data-testid="services">
                                    {services.into_iter().map(|s| view! { <ServiceRow service=s editing changed/> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            {move || view! { <ServiceForm editing=editing.get() done=editing changed/> }}
        </div>
    }
}

#[component]
fn ServiceRow(
    service: Service,
    editing: RwSignal<Option<Service>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let toggle = ServerAction::<SetServiceActive>::new();
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(s)) => {
            notices.success(if s.active {
                format!("{} is offered again.", s.name)
            } else {
                format!("{} is no longer offered. Booked appointments stay.", s.name)
            });
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let (id, active) = (service.id, service.active);
    let for_edit = service.clone();
    view! {
        <li class="flex items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" class=("opacity-60", !active)>
            <div class="flex-1">
                <div class="font-medium">{service.name.clone()} {(!active).then(|| view! { <span class="ml-2 rounded bg-slate-200 px-2 py-0.5 text-xs">"Not offered"</span> })}</div>
                <div class="text-sm text-slate-600">
                    {format!("{} min", service.duration_minutes)}
                    {service.price.as_ref().map(|p| format!(" · {}", p.display()))}
                    {service.video.then_some(" · Video")}
                    {(service.buffer_before_minutes + service.buffer_after_minutes > 0).then(|| format!(
                        " · buffers {}/{} min", service.buffer_before_minutes, service.buffer_after_minutes))}
                </div>
                <div class="text-sm text-slate-500">{service.description.clone()}</div>
            </div>
            <button class=BUTTON_SECONDARY on:click=move |_| editing.set(Some(for_edit.clone()))>"Edit"</button>
            <button class=BUTTON_SECONDARY disabled=move || toggle.pending().get()
                on:click=move |_| { toggle.dispatch(SetServiceActive { service_id: id, active: !active }); }>
                {if active { "Deactivate" } else { "Offer again" }}
            </button>
        </li>
    }
}

#[component]
fn ServiceForm(
    editing: Option<Service>,
    done: RwSignal<Option<Service>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let save = ServerAction::<SaveService>::new();
    let service_id = editing.as_ref().map(|s| s.id);
    let name = RwSignal::new(editing.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        editing
            .as_ref()
            .map(|s| s.description.clone())
            .unwrap_or_default(),
    );
    let minutes = RwSignal::new(
        editing
            .as_ref()
            .map(|s| s.duration_minutes.to_string())
            .unwrap_or_else(|| "30".into()),
    );
    let price = RwSignal::new(
        editing
            .as_ref()
            .and_then(|s| s.price.as_ref())
            .map(|p| format!("{}.{:02}", p.amount_minor / 100, p.amount_minor % 100))
            .unwrap_or_default(),
    );
    let currency = RwSignal::new(
        editing
            .as_ref()
            .and_then(|s| s.price.as_ref())
            .map(|p| p.currency.clone())
            .unwrap_or_else(|| "EUR".into()),
    );
    let number = |get: fn(&Service) -> u32, default: u32| {
        RwSignal::new(editing.as_ref().map_or(default, get).to_string())
    };
    let before = number(|s| s.buffer_before_minutes, 0);
    let after = number(|s| s.buffer_after_minutes, 0);
    let step = RwSignal::new(
        editing
            .as_ref()
            .and_then(|s| s.slot_step_minutes)
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let video = RwSignal::new(editing.as_ref().is_some_and(|s| s.video));
    let error = RwSignal::new(None::<AppError>);
    // What the browser could not read is sent as a value the server refuses, so one answer
    // names every wrong field; the browser's clearer words then replace the server's.
    let unreadable = StoredValue::new(Vec::<FieldError>::new());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            notices.success(format!("Saved {}.", s.name));
            error.set(None);
            changed.update(|n| *n += 1);
            done.set(None);
        }
        Some(Err(e)) => error.set(Some(with_local(e, &unreadable.get_value()))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = Vec::new();
        let price_minor = parse_amount(&price.get()).unwrap_or_else(|e| {
            local.push(e);
            Some(-1)
        });
        let duration_minutes = minutes.get().trim().parse::<i64>().unwrap_or_else(|_| {
            local.push(FieldError::new(
                "duration_minutes",
                "Enter the duration in minutes, e.g. 30.",
            ));
            -1
        });
        unreadable.set_value(local);
        // Blank buffers are none; a blank step means one start per service length.
        let whole = |text: String| text.trim().parse::<i64>().ok();
        let service = ServiceInput {
            name: name.get(),
            description: description.get(),
            duration_minutes,
            price_minor,
            currency: price_minor.map(|_| currency.get()),
            buffer_before_minutes: whole(before.get()).unwrap_or(0),
            buffer_after_minutes: whole(after.get()).unwrap_or(0),
            slot_step_minutes: whole(step.get()),
            video: video.get(),
        };
        save.dispatch(SaveService {
            service_id,
            service,
        });
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    let aria = FieldAria(error_signal);
    let title = if service_id.is_some() {
        "Edit service"
    } else {
        "Add a service"
    };
    view! {
        <Panel title=title>
            <form on:submit=submit class="space-y-3" novalidate data-testid="service-form">
                <div>
                    <label class=LABEL for="service-name">"Name"</label>
                    <input id="service-name" aria-invalid=aria.invalid("name") aria-describedby=aria.described("name") class=INPUT prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    <FieldMessage error=error_signal field="name"/>
                </div>
                <div>
                    <label class=LABEL for="service-description">"Description"</label>
                    <textarea id="service-description" aria-invalid=aria.invalid("description") aria-describedby=aria.described("description") rows="2" class=INPUT prop:value=description
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    <FieldMessage error=error_signal field="description"/>
                </div>
                <div>
                    <label class=LABEL for="service-minutes">"Duration (minutes)"</label>
                    <input id="service-minutes" aria-invalid=aria.invalid("duration_minutes") aria-describedby=aria.described("duration_minutes") type="number" min="5" step="5" class=INPUT prop:value=minutes
                        on:input=move |ev| minutes.set(event_target_value(&ev))/>
                    <FieldMessage error=error_signal field="duration_minutes"/>
                </div>
                <div class="grid grid-cols-[1fr_6rem] gap-2">
                    <div>
                        <label class=LABEL for="service-price">"Price (optional)"</label>
                        <input id="service-price" aria-invalid=aria.invalid("price") aria-describedby=aria.described("price") inputmode="decimal" placeholder="45.00" class=INPUT prop:value=price
                            on:input=move |ev| price.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label class=LABEL for="service-currency">"Currency"</label>
                        <input id="service-currency" aria-invalid=aria.invalid("currency") aria-describedby=aria.described("currency") maxlength="3" class=INPUT prop:value=currency
                            on:input=move |ev| currency.set(event_target_value(&ev))/>
                    </div>
                </div>
                <FieldMessage error=error_signal field="price"/>
                <FieldMessage error=error_signal field="currency"/>
                <div class="grid grid-cols-3 gap-2">
                    <div>
                        <label class=LABEL for="service-before">"Buffer before"</label>
                        <input id="service-before" aria-invalid=aria.invalid("buffer_before_minutes") aria-describedby=aria.described("buffer_before_minutes") type="number" min="0" step="5" class=INPUT prop:value=before
                            on:input=move |ev| before.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label class=LABEL for="service-after">"Buffer after"</label>
                        <input id="service-after" aria-invalid=aria.invalid("buffer_after_minutes") aria-describedby=aria.described("buffer_after_minutes") type="number" min="0" step="5" class=INPUT prop:value=after
                            on:input=move |ev| after.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label class=LABEL for="service-step">"Start every"</label>
                        <input id="service-step" aria-invalid=aria.invalid("slot_step_minutes") aria-describedby=aria.described("slot_step_minutes") type="number" min="5" step="5" placeholder="length" class=INPUT prop:value=step
                            on:input=move |ev| step.set(event_target_value(&ev))/>
                    </div>
                </div>
                <p class="text-xs text-slate-500">"Minutes. Buffers keep time free around each visit; \"start every\" sets how often a time is offered (blank: back to back, buffers included)."</p>
                <FieldMessage error=error_signal field="buffer_before_minutes"/>
                <FieldMessage error=error_signal field="buffer_after_minutes"/>
                <FieldMessage error=error_signal field="slot_step_minutes"/>
                <label class="flex min-h-touch items-center gap-2 text-sm">
                    <input type="checkbox" class="h-5 w-5" prop:checked=video on:change=move |ev| video.set(event_target_checked(&ev))/>
                    "Video visit (patients get a meeting link once confirmed)"
                </label>
                <div class="flex gap-2">
                    <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save service" }}
                    </button>
                    {service_id.map(|_| view! { <button type="button" class=BUTTON_SECONDARY on:click=move |_| done.set(None)>"Cancel"</button> })}
                </div>
            </form>
        </Panel>
    }
}

/// The server saw placeholders for what the browser could not read: the browser's own
/// messages replace the server's for those fields.
fn with_local(error: AppError, local: &[FieldError]) -> AppError {
    let AppError::Invalid(mut error) = error else {
        return error;
    };
    for mine in local {
        if error.field == mine.field {
            error.message = mine.message.clone();
            continue;
        }
        match error.others.iter_mut().find(|e| e.field == mine.field) {
            Some(theirs) => theirs.message = mine.message.clone(),
            None => error.others.push(mine.clone()),
        }
    }
    AppError::Invalid(error)
}
