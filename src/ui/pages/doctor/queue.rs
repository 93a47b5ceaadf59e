//! The waiting room beside Today's timeline: who is with the doctor, who waits (booked and
//! walk-in, in arrival order, with their waiting time), calling the next one in, and the
//! walk-in form.

use super::walk_in_form::WalkInForm;
use crate::api::clinic_day::{call_next, ChangeWalkIn};
use crate::domain::clinic_day::{DayAgenda, Visitor};
use crate::domain::walk_in::WalkInAction;
use crate::ui::components::{use_notices, BUTTON, BUTTON_SECONDARY};
use crate::ui::offline::{QueuedAction, Sent, SAVED_ON_DEVICE};
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
    // Calling in needs the connection: replayed later, it would call whoever is next then,
    // not the patient the desk saw.
    // Its answer is handled in the task that sent it, as `QueuedAction::new` does.
    let call = Action::new_local(move |doctor: &Option<i64>| {
        let sent = call_next(*doctor);
        async move {
            let answer = sent.await;
            match &answer {
                Ok(_) => {
                    notices.success("Called in the next patient.");
                    changed.update(|n| *n += 1);
                }
                Err(e) => notices.error(e),
            }
            answer
        }
    });
    let walk_in = QueuedAction::<ChangeWalkIn>::new(move |outcome| match outcome {
        Ok(Sent::Queued) => notices.success(SAVED_ON_DEVICE),
        Ok(Sent::Applied(w)) => {
            notices.success(format!(
                "{} (number {}) is now {}.",
                w.name,
                w.token,
                w.status.label().to_lowercase()
            ));
            changed.update(|n| *n += 1);
        }
        Err(e) => notices.error(e),
    });
    let act = move |walk_in_id: i64, action: WalkInAction, name: &str| {
        let label = format!("{} · walk-in {name}", action.label());
        walk_in.dispatch(ChangeWalkIn { walk_in_id, action }, label);
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
                            let name = visitor.name().to_string();
                            view! {
                                <button type="button" class=BUTTON_SECONDARY disabled=busy
                                    data-action=format!("{action:?}").to_lowercase()
                                    on:click=move |_| act(id, action, &name)>{action.label()}</button>
                            }
                        }).collect_view()}
                    </span>
                })}
            </li>
        }
    };
    let with_doctor = move || {
        // Once a newer day has replaced this one, it draws nothing (see Today's timeline).
        let day = day.try_read_value()?;
        let list = day.with_doctor();
        (!list.is_empty()).then(|| view! {
            <h3 class="mt-2 text-sm font-semibold text-slate-700">"With the doctor"</h3>
            <ul class="divide-y divide-slate-100" data-testid="with-doctor">
                {list.into_iter().map(|v| row(v, &[WalkInAction::Seen, WalkInAction::Wait], &day)).collect_view()}
            </ul>
        })
    };
    let waiting = move || {
        let Some(day) = day.try_read_value() else {
            return ().into_any();
        };
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
                        on:click=move |_| { call.dispatch_local(Some(doctor)); }>"Call next"</button>
                })}
            </div>
            {with_doctor}
            <h3 class="text-sm font-semibold text-slate-700">"Waiting"</h3>
            {waiting}
            {is_today.then(|| view! { <WalkInForm doctor day changed/> })}
        </aside>
    }
    .into_any()
}
