use crate::api::booking::ChangeAppointmentStatus;
use crate::domain::models::Appointment;
use crate::domain::{Role, StatusAction};
use crate::ui::components::{use_notices, BUTTON_SECONDARY};
use leptos::prelude::*;

/// The status changes `role` may make to `appointment`, as buttons (the domain decides which).
/// `changed` is bumped after each successful change so the list can reload.
#[component]
pub fn AppointmentActions(
    appointment: Appointment,
    role: Role,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let change = ServerAction::<ChangeAppointmentStatus>::new();
    Effect::new(move |_| match change.value().get() {
        Some(Ok(updated)) => {
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
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => {
            notices.error(&e);
            changed.update(|n| *n += 1);
        }
        None => {}
    });
    let actions = appointment.actions_for(role, chrono::Utc::now());
    if actions.is_empty() {
        return view! { <span class="text-xs text-slate-500">"No further actions"</span> }
            .into_any();
    }
    let id = appointment.id;
    view! {
        <div class="flex flex-wrap gap-2">
            {actions.into_iter().map(|action| {
                let style = match action {
                    StatusAction::Confirm => "!border-green-600 !text-green-800",
                    StatusAction::Reject | StatusAction::Cancel => "!text-rose-800",
                    _ => "",
                };
                view! {
                    <button type="button" class=format!("{BUTTON_SECONDARY} {style}")
                        data-action=format!("{action:?}").to_lowercase()
                        disabled=move || change.pending().get()
                        on:click=move |_| { change.dispatch(ChangeAppointmentStatus { appointment_id: id, action, reason: String::new() }); }>
                        {action.label()}
                    </button>
                }
            }).collect_view()}
        </div>
    }.into_any()
}
