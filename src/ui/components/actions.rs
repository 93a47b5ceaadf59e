use crate::api::booking::ChangeAppointmentStatus;
use crate::domain::models::Appointment;
use crate::domain::profile::change_policy_text;
use crate::domain::schedule::notice_text;
use crate::domain::status::patient_may_change;
use crate::domain::{Role, StatusAction};
use crate::ui::components::{use_hydrated, use_notices, BUTTON_SECONDARY, INPUT};
use crate::ui::offline::{QueuedAction, Sent, SAVED_ON_DEVICE};
use leptos::prelude::*;

/// What `role` may do with `appointment` (the domain decides which): status changes as
/// buttons, cancelling and rejecting with an optional reason, a link to move it, and the
/// video call once confirmed. `changed` is bumped after each change so the list reloads.
#[component]
pub fn AppointmentActions(
    appointment: Appointment,
    role: Role,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    // Rendered by the server too: until the app runs here a tap would do nothing, so the
    // buttons say so by being disabled.
    let hydrated = use_hydrated();
    // Cancel and reject first ask for a reason, which goes into the audit trail.
    let asking = RwSignal::new(None::<StatusAction>);
    let reason = RwSignal::new(String::new());
    let change = QueuedAction::<ChangeAppointmentStatus>::new(move |outcome| match outcome {
        Ok(Sent::Queued) => {
            notices.success(SAVED_ON_DEVICE);
            asking.set(None);
            reason.set(String::new());
        }
        Ok(Sent::Applied(updated)) => {
            notices.success(format!(
                "Appointment with {} on {} is now {}.",
                if role == Role::Patient {
                    &updated.doctor_name
                } else {
                    &updated.patient_name
                },
                super::format_date(updated.starts_at),
                updated.status.label().to_lowercase()
            ));
            asking.set(None);
            reason.set(String::new());
            changed.update(|n| *n += 1);
        }
        Err(e) => {
            notices.error(e);
            changed.update(|n| *n += 1);
        }
    });
    let now = chrono::Utc::now();
    let actions = appointment.actions_for(role, now);
    let id = appointment.id;
    let whom = match role {
        Role::Patient => appointment.doctor_name.clone(),
        _ => appointment.patient_name.clone(),
    };
    let when = format!(
        "{} {}",
        super::format_date(appointment.starts_at),
        super::format_time(appointment.starts_at)
    );
    // Who and when, for the list of changes waiting to sync.
    let subject = StoredValue::new(format!("{whom}, {when}"));
    // Only cancelling and rejecting ask for a reason; other changes never carry one.
    let dispatch = move |action: StatusAction| {
        let asked = matches!(action, StatusAction::Reject | StatusAction::Cancel);
        let call = ChangeAppointmentStatus {
            appointment_id: id,
            action,
            reason: if asked {
                reason.get_untracked()
            } else {
                String::new()
            },
        };
        let label = subject.with_value(|subject| format!("{} · {subject}", action.label()));
        change.dispatch(call, label);
    };
    let keep = move || {
        asking.set(None);
        reason.set(String::new());
    };
    let reschedule = appointment.reschedulable_by(role, now).then(|| {
        format!(
            "/doctors/{}?service={}&reschedule={}",
            appointment.doctor_id, appointment.service_id, appointment.id
        )
    });
    let policy =
        (role == Role::Patient && appointment.status.is_active() && appointment.starts_at > now)
            .then(|| ChangePolicy(&appointment, now).view());
    let buttons = actions
        .into_iter()
        .map(|action| {
            let style = match action {
                StatusAction::Confirm => "!border-green-600 !text-green-800",
                StatusAction::Reject | StatusAction::Cancel => "!text-rose-800",
                _ => "",
            };
            let needs_reason = matches!(action, StatusAction::Reject | StatusAction::Cancel);
            view! {
                <button type="button" class=format!("{BUTTON_SECONDARY} {style}")
                    data-action=format!("{action:?}").to_lowercase()
                    disabled=move || !hydrated.get() || change.pending().get()
                    on:click=move |_| if needs_reason { asking.set(Some(action)) } else { dispatch(action) }>
                    {action.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="flex flex-col gap-2 md:items-end">
            <div class="flex flex-wrap gap-2">
                {appointment.meeting_url.clone().map(|url| view! {
                    <a href=url target="_blank" rel="noopener noreferrer" class=format!("{BUTTON_SECONDARY} !border-brand-600 !text-brand-700")
                        data-testid="meeting-link">"Join video call"</a>
                })}
                {reschedule.map(|href| view! { <a href=href class=BUTTON_SECONDARY data-action="reschedule">"Reschedule"</a> })}
                {buttons}
            </div>
            {move || asking.get().map(|action| view! {
                <form class="flex w-full flex-wrap items-end gap-2 md:max-w-sm" data-testid="reason-form"
                    on:submit=move |ev| { ev.prevent_default(); dispatch(action); }>
                    <label class="flex-1 text-sm">
                        <span class="text-slate-600">"Reason (optional)"</span>
                        <input type="text" class=INPUT maxlength="500" prop:value=reason
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit" class=format!("{BUTTON_SECONDARY} !text-rose-800") disabled=move || change.pending().get()>
                        {if action == StatusAction::Cancel { "Cancel appointment" } else { "Reject request" }}
                    </button>
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| keep()>"Keep it"</button>
                </form>
            })}
            {policy}
        </div>
    }
}

/// The change policy as it applies to the patient's appointment now: until when it can be
/// changed online, or, once that has closed, how to reach the practice instead.
struct ChangePolicy<'a>(&'a Appointment, chrono::DateTime<chrono::Utc>);

impl ChangePolicy<'_> {
    fn view(&self) -> AnyView {
        let ChangePolicy(appointment, now) = *self;
        let hours = appointment.change_notice_hours;
        if patient_may_change(appointment.starts_at, now, hours).is_ok() {
            return view! { <p class="text-xs text-slate-600">{change_policy_text(hours)}</p> }
                .into_any();
        }
        let phone = appointment.practice_phone.clone();
        view! {
            <p class="max-w-sm rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="changes-closed">
                {format!("Online changes closed {} before the start. To cancel or move it, ", notice_text(hours * 60))}
                {if phone.is_empty() {
                    view! { "contact the practice." }.into_any()
                } else {
                    view! {
                        "call the practice on "
                        <a class="font-medium underline" href=format!("tel:{}", phone.replace(' ', ""))>{phone.clone()}</a> "."
                    }.into_any()
                }}
            </p>
        }
        .into_any()
    }
}
