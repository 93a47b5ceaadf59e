//! An appointment's audit trail, loaded when asked for.

use crate::api::clinic_day::appointment_history;
use crate::domain::models::HistoryEntry;
use crate::ui::components::{format_date, format_time};
use leptos::prelude::*;

/// A "History" button that opens the appointment's audit trail below it. The trail is
/// fetched in the browser when first opened, never while the page is rendered.
#[component]
pub fn AppointmentHistory(appointment_id: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="text-sm">
            <button type="button" class="min-h-touch text-brand-700 underline"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Hide history" } else { "History" }}
            </button>
            {move || open.get().then(|| view! { <Trail appointment_id/> })}
        </div>
    }
}

#[component]
fn Trail(appointment_id: i64) -> impl IntoView {
    let entries = LocalResource::new(move || appointment_history(appointment_id));
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) => view! {
                        <ol class="mt-1 space-y-1 border-l-2 border-slate-200 pl-3" data-testid="history">
                            {list.into_iter().map(|entry| view! { <Entry entry/> }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <p class="text-rose-700">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Entry(entry: HistoryEntry) -> impl IntoView {
    let change = match (entry.from, entry.moved_to) {
        (_, Some(to)) => format!("moved to {} {}", format_date(to), format_time(to)),
        (None, _) => "booked".to_string(),
        (Some(from), _) => format!(
            "{} → {}",
            from.label().to_lowercase(),
            entry.to.label().to_lowercase()
        ),
    };
    view! {
        <li data-testid="history-entry">
            <span class="text-slate-500">{format!("{} {} · ", format_date(entry.at), format_time(entry.at))}</span>
            <span class="font-medium">{entry.actor_name}</span>
            <span class="text-slate-500">{format!(" ({}) ", entry.actor_role.as_str())}</span>
            {change}
            {(!entry.reason.is_empty()).then(|| view! { <span class="text-slate-600">{format!(" — “{}”", entry.reason)}</span> })}
            {entry.made_offline_at.map(|at| view! {
                <span class="text-amber-800" data-testid="made-offline">{format!(" · made offline at {} on the device", format_time(at))}</span>
            })}
        </li>
    }
}
