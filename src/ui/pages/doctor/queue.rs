//! The waiting room beside Today's timeline: who is with the doctor, who waits (booked and
//! walk-in, in arrival order, with their waiting time), calling the next one in, and adding
//! a walk-in (an existing patient found by name or email, or a new one by name).

use crate::api::clinic_day::{find_patients, AddWalkIn, CallNext, ChangeWalkIn};
use crate::domain::clinic_day::{DayAgenda, Visitor};
use crate::domain::models::User;
use crate::domain::walk_in::WalkInAction;
use crate::ui::components::{use_notices, BUTTON, BUTTON_SECONDARY, INPUT, LABEL};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[component]
pub fn Queue(
    day: StoredValue<DayAgenda>,
    now: ReadSignal<DateTime<Utc>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let doctor = day.with_value(|d| d.doctor_id);
    let is_today = day.with_value(|d| d.contains(Utc::now()));
    let call = ServerAction::<CallNext>::new();
    let walk_in = ServerAction::<ChangeWalkIn>::new();
    Effect::new(move |_| match call.value().get() {
        Some(Ok(_)) => {
            notices.success("Called in the next patient.");
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    Effect::new(move |_| match walk_in.value().get() {
        Some(Ok(w)) => {
            notices.success(format!(
                "{} (number {}) is now {}.",
                w.name,
                w.token,
                w.status.label().to_lowercase()
            ));
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let act = move |walk_in_id: i64, action: WalkInAction| {
        walk_in.dispatch(ChangeWalkIn { walk_in_id, action });
    };
    let busy = move || call.pending().get() || walk_in.pending().get();
    let row = move |visitor: Visitor<'_>, actions: &'static [WalkInAction], day: &DayAgenda| {
        let (label, id) = match visitor {
            Visitor::Booked(a) => (
                format!("Booked {}", day.local_time(a.starts_at).format("%H:%M")),
                None,
            ),
            Visitor::WalkIn(w) => (format!("Walk-in · number {}", w.token), Some(w.id)),
        };
        let waited = visitor.waited(now.get());
        view! {
            <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="queue-entry"
                data-kind=if id.is_some() { "walk-in" } else { "booked" }>
                <span>
                    <span class="font-medium">{visitor.name().to_string()}</span>
                    <span class="block text-xs text-slate-500">{label}</span>
                </span>
                <span class="text-sm tabular-nums text-slate-700">{format!("{waited} min")}</span>
                {id.map(|id| view! {
                    <span class="flex w-full flex-wrap gap-2">
                        {actions.iter().map(|action| {
                            let action = *action;
                            view! {
                                <button type="button" class=BUTTON_SECONDARY disabled=busy
                                    data-action=format!("{action:?}").to_lowercase()
                                    on:click=move |_| act(id, action)>{action.label()}</button>
                            }
                        }).collect_view()}
                    </span>
                })}
            </li>
        }
    };
    let with_doctor = move || {
        let day = day.read_value();
        let list = day.with_doctor();
        (!list.is_empty()).then(|| view! {
            <h3 class="mt-2 text-sm font-semibold text-slate-700">"With the doctor"</h3>
            <ul class="divide-y divide-slate-100" data-testid="with-doctor">
                {list.into_iter().map(|v| row(v, &[WalkInAction::Seen, WalkInAction::Wait], &day)).collect_view()}
            </ul>
        })
    };
    let waiting = move || {
        let day = day.read_value();
        let list = day.waiting();
        if list.is_empty() {
            return view! { <p class="text-sm text-slate-500">"Nobody is waiting."</p> }.into_any();
        }
        view! {
            <ul class="divide-y divide-slate-100" data-testid="waiting">
                {list.into_iter().map(|v| row(v, &[WalkInAction::Call, WalkInAction::Left], &day)).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <aside class="h-fit space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-label="Waiting room">
            <div class="flex items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">"Waiting room"</h2>
                {is_today.then(|| view! {
                    <button type="button" class=BUTTON disabled=move || busy() || day.with_value(|d| d.waiting().is_empty())
                        on:click=move |_| { call.dispatch(CallNext { doctor: Some(doctor) }); }>"Call next"</button>
                })}
            </div>
            {with_doctor}
            <h3 class="text-sm font-semibold text-slate-700">"Waiting"</h3>
            {waiting}
            {is_today.then(|| view! { <WalkInForm doctor changed/> })}
        </aside>
    }
}

/// Adds a walk-in: type a name, or find an existing patient and pick them.
#[component]
fn WalkInForm(doctor: i64, changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let add = ServerAction::<AddWalkIn>::new();
    let name = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let patient = RwSignal::new(None::<User>);
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
    Effect::new(move |_| match add.value().get() {
        Some(Ok(w)) => {
            notices.success(format!("{} is number {} in the queue.", w.name, w.token));
            name.set(String::new());
            notes.set(String::new());
            patient.set(None);
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(AddWalkIn {
            name: name.get_untracked(),
            patient_id: patient.get_untracked().map(|p| p.id),
            notes: notes.get_untracked(),
            doctor: Some(doctor),
        });
    };
    view! {
        <form class="space-y-2 border-t border-slate-200 pt-3" on:submit=submit data-testid="walk-in-form">
            <h3 class="text-sm font-semibold text-slate-700">"Add a walk-in"</h3>
            {move || match patient.get() {
                Some(p) => view! {
                    <p class="flex items-center justify-between gap-2 rounded-lg bg-sky-50 px-3 py-2 text-sm" data-testid="chosen-patient">
                        <span>{p.name} <span class="text-slate-500">{format!(" · {}", p.email)}</span></span>
                        <button type="button" class="min-h-touch px-2 text-slate-600 underline" on:click=move |_| patient.set(None)>"Change"</button>
                    </p>
                }.into_any(),
                None => view! {
                    <div>
                        <label class=LABEL for="walk-in-name">"Name, or find a patient"</label>
                        <input id="walk-in-name" class=INPUT autocomplete="off" maxlength="100" prop:value=name
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                found.await.into_iter().map(|p| {
                                    let chosen = p.clone();
                                    view! {
                                        <button type="button" class="block min-h-touch w-full rounded px-2 text-left text-sm hover:bg-slate-100"
                                            data-testid="patient-match" on:click=move |_| patient.set(Some(chosen.clone()))>
                                            {p.name} <span class="text-slate-500">{format!(" · {}", p.email)}</span>
                                        </button>
                                    }
                                }).collect_view()
                            })}
                        </Transition>
                    </div>
                }.into_any(),
            }}
            <div>
                <label class=LABEL for="walk-in-notes">"Notes (optional)"</label>
                <input id="walk-in-notes" class=INPUT maxlength="500" prop:value=notes
                    on:input=move |ev| notes.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class=BUTTON disabled=move || add.pending().get()>"Add to queue"</button>
        </form>
    }
}
