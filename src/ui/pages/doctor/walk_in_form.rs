//! Adding a walk-in: an existing patient found by name or email, or a new one by name,
//! either into the day's queue with a token or booked into one of today's free times.

use crate::api::booking::doctor_services;
use crate::api::clinic_day::{find_patients, walk_in_times, AddWalkIn, BookWalkIn};
use crate::domain::clinic_day::{wall_clock, DayAgenda};
use crate::domain::models::User;
use crate::ui::components::{use_notices, BUTTON, INPUT, LABEL};
use crate::ui::offline::{
    use_offline, EntryState, OutboxEntry, QueuedAction, Sent, SAVED_ON_DEVICE,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// Where the walk-in goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The day's queue, with a token number.
    Queue,
    /// A free time today, booked and checked in.
    FreeTime,
}

/// What the desk has typed and chosen so far. The day's screen is rebuilt on every live
/// change, so this lives with the page (see [`WalkInDraft::provide`]) and survives that.
#[derive(Clone, Copy)]
pub struct WalkInDraft {
    name: RwSignal<String>,
    notes: RwSignal<String>,
    patient: RwSignal<Option<User>>,
    placement: RwSignal<Placement>,
    service: RwSignal<Option<i64>>,
    time: RwSignal<Option<DateTime<Utc>>>,
}

impl WalkInDraft {
    fn new() -> WalkInDraft {
        WalkInDraft {
            name: RwSignal::new(String::new()),
            notes: RwSignal::new(String::new()),
            patient: RwSignal::new(None),
            placement: RwSignal::new(Placement::Queue),
            service: RwSignal::new(None),
            time: RwSignal::new(None),
        }
    }

    /// Keeps one draft for the page's lifetime (call it in the page, not in the day view).
    pub fn provide() {
        provide_context(WalkInDraft::new());
    }

    /// A booking the server refused (its time was taken meanwhile) back in the form, for the
    /// desk to pick another time.
    pub fn choose_another_time(&self, refused: &BookWalkIn, patient: Option<User>) {
        self.name.set(refused.name.clone());
        self.notes.set(refused.notes.clone());
        self.patient.set(patient);
        self.placement.set(Placement::FreeTime);
        self.service.set(Some(refused.service_id));
        self.time.set(None);
    }
}

#[component]
pub fn WalkInForm(
    doctor: i64,
    day: StoredValue<DayAgenda>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let WalkInDraft {
        name,
        notes,
        patient,
        placement,
        service,
        time,
    } = use_context().unwrap_or_else(WalkInDraft::new);
    let reset = move || {
        name.set(String::new());
        notes.set(String::new());
        patient.set(None);
        time.set(None);
        changed.update(|n| *n += 1);
    };
    let add = QueuedAction::<AddWalkIn>::new(move |outcome| match outcome {
        Ok(Sent::Queued) => {
            notices.success(SAVED_ON_DEVICE);
            reset();
        }
        Ok(Sent::Applied(w)) => {
            notices.success(format!("{} is number {} in the queue.", w.name, w.token));
            reset();
        }
        Err(e) => notices.error(e),
    });
    // Copied out: the answer can arrive after a live reload replaced this day.
    let offset = day.with_value(|d| d.utc_offset_minutes);
    let book = QueuedAction::<BookWalkIn>::new(move |outcome| match outcome {
        Ok(Sent::Queued) => {
            notices.success(SAVED_ON_DEVICE);
            reset();
        }
        Ok(Sent::Applied(a)) => {
            notices.success(format!(
                "{} is booked at {} and checked in.",
                a.patient_name,
                wall_clock(offset, a.starts_at).format("%H:%M")
            ));
            reset();
        }
        Err(e) => notices.error(e),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, notes) = (name.get_untracked(), notes.get_untracked());
        let chosen = patient.get_untracked();
        let who = chosen
            .as_ref()
            .map_or(name.trim().to_string(), |p| p.name.clone());
        let patient_id = chosen.as_ref().map(|p| p.id);
        let doctor = Some(doctor);
        match (
            placement.get_untracked(),
            service.get_untracked(),
            time.get_untracked(),
        ) {
            (Placement::Queue, _, _) => {
                let call = AddWalkIn {
                    name,
                    patient_id,
                    notes,
                    doctor,
                };
                add.dispatch_for(call, format!("Walk-in to the queue · {who}"), chosen);
            }
            (Placement::FreeTime, Some(service_id), Some(starts_at)) => {
                let at = day.with_value(|d| d.local_time(starts_at).format("%H:%M").to_string());
                let call = BookWalkIn {
                    service_id,
                    starts_at,
                    name,
                    patient_id,
                    notes,
                    doctor,
                };
                book.dispatch_for(call, format!("Walk-in booked at {at} · {who}"), chosen);
            }
            _ => notices.error(&crate::error::AppError::invalid(
                "starts_at",
                "Choose a service and a free time.",
            )),
        }
    };
    let pending = move || add.pending().get() || book.pending().get();
    view! {
        <form id="walk-in-form" class="space-y-2 border-t border-slate-200 pt-3" on:submit=submit data-testid="walk-in-form">
            <h3 class="text-sm font-semibold text-slate-700">"Add a walk-in"</h3>
            <PatientPicker name patient/>
            <fieldset class="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                <legend class="sr-only">"Where the walk-in goes"</legend>
                <label class="flex min-h-touch items-center gap-2">
                    <input type="radio" name="placement" prop:checked=move || placement.get() == Placement::Queue
                        on:change=move |_| placement.set(Placement::Queue)/>
                    "Queue (number)"
                </label>
                <label class="flex min-h-touch items-center gap-2">
                    <input type="radio" name="placement" data-testid="placement-free-time"
                        prop:checked=move || placement.get() == Placement::FreeTime
                        on:change=move |_| placement.set(Placement::FreeTime)/>
                    "A free time today"
                </label>
            </fieldset>
            {move || (placement.get() == Placement::FreeTime).then(|| view! { <FreeTimePicker doctor day service time changed/> })}
            <div>
                <label class=LABEL for="walk-in-notes">"Notes (optional)"</label>
                <input id="walk-in-notes" class=INPUT maxlength="500" prop:value=notes
                    on:input=move |ev| notes.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class=BUTTON disabled=pending>
                {move || match placement.get() {
                    Placement::Queue => "Add to queue",
                    Placement::FreeTime => "Book and check in",
                }}
            </button>
        </form>
    }
    .into_any()
}

/// Type a name, or find an existing patient and pick them.
#[component]
fn PatientPicker(name: RwSignal<String>, patient: RwSignal<Option<User>>) -> impl IntoView {
    // Searched from the browser only, as the desk types.
    let found = LocalResource::new(move || {
        let text = name.get();
        async move {
            if text.trim().chars().count() < 2 {
                return Vec::new();
            }
            find_patients(text).await.unwrap_or_default()
        }
    });
    move || {
        match patient.get() {
        Some(p) => view! {
            <p class="flex items-center justify-between gap-2 rounded-lg bg-sky-50 px-3 py-2 text-sm" data-testid="chosen-patient">
                <span>{p.name.clone()} <span class="text-slate-500">{contact(&p)}</span></span>
                <button type="button" class="min-h-touch px-2 text-slate-600 underline" on:click=move |_| patient.set(None)>"Change"</button>
            </p>
        }.into_any(),
        None => view! {
            <div>
                <label class=LABEL for="walk-in-name">"Name, or find a patient"</label>
                <input id="walk-in-name" class=INPUT autocomplete="off" maxlength="100" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                // Read, not awaited, and only if still there: the day's screen may be
                // rebuilt (and this resource disposed) while a search is on its way.
                {move || {
                        found.try_get().flatten().unwrap_or_default().into_iter().map(|p| {
                            let chosen = p.clone();
                            view! {
                                <button type="button" class="block min-h-touch w-full rounded px-2 text-left text-sm hover:bg-slate-100"
                                    data-testid="patient-match" on:click=move |_| patient.set(Some(chosen.clone()))>
                                    {p.name.clone()} <span class="text-slate-500">{contact(&p)}</span>
                                </button>
                            }
                        }).collect_view()
                    }}
            </div>
        }.into_any(),
    }
    }
}

/// " · email", or that the patient has no account (registered at the desk by name).
fn contact(patient: &User) -> String {
    if patient.has_account() {
        format!(" · {}", patient.email)
    } else {
        " · no account".into()
    }
}

/// The doctor's services, and today's free times for the one chosen.
#[component]
fn FreeTimePicker(
    doctor: i64,
    day: StoredValue<DayAgenda>,
    service: RwSignal<Option<i64>>,
    time: RwSignal<Option<DateTime<Utc>>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let offline = use_offline();
    let services =
        LocalResource::new(
            move || async move { doctor_services(doctor).await.unwrap_or_default() },
        );
    let times = LocalResource::new(move || {
        let chosen = service.get();
        changed.track();
        async move {
            match chosen {
                Some(id) => walk_in_times(id, Some(doctor)).await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    view! {
        <div>
            <label class=LABEL for="walk-in-service">"Service"</label>
            <select id="walk-in-service" class=INPUT data-testid="walk-in-service"
                on:change=move |ev| {
                    time.set(None);
                    service.set(event_target_value(&ev).parse().ok());
                }>
                <option value="" selected=move || service.get().is_none()>"Choose a service"</option>
                {move || services.try_get().flatten().unwrap_or_default().into_iter().map(|s| view! {
                    <option value=s.id.to_string() selected=move || service.get() == Some(s.id)>
                        {format!("{} ({} min)", s.name, s.duration_minutes)}
                    </option>
                }).collect_view()}
            </select>
        </div>
        // Read, not awaited, and only while this day is shown (see the patient search).
        {move || {
                if service.get().is_none() {
                    return ().into_any();
                }
                if day.try_with_value(|_| ()).is_none() {
                    return ().into_any();
                }
                let Some(slots) = times.try_get().flatten() else {
                    return view! { <p class="text-sm text-slate-500">"Loading free times…"</p> }.into_any();
                };
                if slots.is_empty() {
                    return view! { <p class="text-sm text-slate-500">"No free time left today for this service."</p> }.into_any();
                }
                // As far as the device knows: times it has booked offline are taken.
                let queued = queued_starts(&offline.entries.get(), doctor);
                view! {
                    <div class="flex flex-wrap gap-2" role="group" aria-label="Free times today" data-testid="walk-in-times">
                        {slots.into_iter().filter(|slot| !queued.contains(&slot.starts_at)).map(|slot| {
                            let at = slot.starts_at;
                            let label = day.with_value(|d| d.local_time(at)).format("%H:%M").to_string();
                            view! {
                                <button type="button" aria-pressed=move || (time.get() == Some(at)).to_string()
                                    class="min-h-touch rounded-lg border border-slate-300 px-3 text-sm tabular-nums aria-pressed:border-brand-600 aria-pressed:bg-brand-600 aria-pressed:text-white"
                                    on:click=move |_| time.set(Some(at))>{label}</button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
    }
}

/// The starts of the walk-in bookings with `doctor` waiting in the device's outbox.
fn queued_starts(entries: &[OutboxEntry], doctor: i64) -> Vec<DateTime<Utc>> {
    entries
        .iter()
        .filter(|e| e.state != EntryState::Conflict)
        .filter_map(|e| e.call_of::<BookWalkIn>())
        .filter(|call| call.doctor == Some(doctor))
        .map(|call| call.starts_at)
        .collect()
}
