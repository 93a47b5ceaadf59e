use crate::domain::AppointmentStatus;
use leptos::prelude::*;

/// The status with its colour; always a text label, never colour alone.
#[component]
pub fn StatusBadge(status: AppointmentStatus) -> impl IntoView {
    let colours = match status {
        AppointmentStatus::Pending => "bg-amber-100 text-amber-900 ring-amber-300",
        AppointmentStatus::Confirmed => "bg-green-100 text-green-900 ring-green-300",
        AppointmentStatus::Arrived => "bg-sky-100 text-sky-900 ring-sky-300",
        AppointmentStatus::Completed => "bg-blue-100 text-blue-900 ring-blue-300",
        AppointmentStatus::NoShow => "bg-rose-100 text-rose-900 ring-rose-300",
        AppointmentStatus::Rejected | AppointmentStatus::Cancelled => {
            "bg-slate-100 text-slate-600 ring-slate-300 line-through"
        }
    };
    view! {
        <span
            class=format!("inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 {colours}")
            data-status=status.as_str()
        >
            {status.label()}
        </span>
    }
}
