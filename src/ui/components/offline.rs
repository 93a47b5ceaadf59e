//! What the screens show about offline use: the connection and sync state in the header, the
//! "new version" offer, and the changes waiting to sync on the clinic day.

use crate::api::clinic_day::BookWalkIn;
use crate::ui::components::{BUTTON, BUTTON_SECONDARY};
use crate::ui::offline::{self, use_offline, EntryState, OutboxEntry};
use leptos::prelude::*;

/// "10:42" in the device's time, from milliseconds since 1970.
fn clock(millis: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&millis.into());
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let at = chrono::DateTime::from_timestamp_millis(millis as i64).unwrap_or_default();
        at.format("%H:%M").to_string()
    }
}

/// Always visible while signed in: online or "Offline: last updated 10:42", and how many
/// changes wait to sync (or for a log-in).
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let offline = use_offline();
    let needs_login = move || {
        offline
            .entries
            .with(|e| e.iter().any(|e| e.state == EntryState::Login))
    };
    view! {
        <div class="flex flex-wrap items-center gap-2 text-xs font-medium" role="status" data-testid="connection">
            {move || if offline.online.get() {
                view! { <span class="rounded-full bg-green-50 px-2 py-1 text-green-800 ring-1 ring-green-300" data-testid="online">"Online"</span> }.into_any()
            } else {
                let updated = offline.last_updated.get().map(clock);
                view! {
                    <span class="rounded-full bg-amber-50 px-2 py-1 text-amber-900 ring-1 ring-amber-300" data-testid="offline">
                        {match updated {
                            Some(at) => format!("Offline: last updated {at}"),
                            None => "Offline".to_string(),
                        }}
                    </span>
                }.into_any()
            }}
            {move || (offline.waiting() > 0).then(|| {
                let n = offline.waiting();
                view! {
                    <span class="rounded-full bg-sky-50 px-2 py-1 text-sky-900 ring-1 ring-sky-300" data-testid="waiting-count">
                        {format!("{n} waiting to sync")}
                    </span>
                }
            })}
            {move || needs_login().then(|| view! {
                <a href="/login" class="min-h-touch inline-flex items-center rounded-full bg-rose-50 px-2 text-rose-900 underline ring-1 ring-rose-300" data-testid="sync-login">
                    "Log in again to sync"
                </a>
            })}
        </div>
    }
}

/// "A new version is ready": the user reloads when it suits them, never mid-task.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let offline = use_offline();
    move || {
        offline.update_ready.get().then(|| view! {
            <div class="border-b border-brand-200 bg-brand-50" role="status" data-testid="update-ready">
                <div class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm">
                    <span>"A new version of Appointments is ready."</span>
                    <button type="button" class=BUTTON on:click=move |_| offline::apply_update()>"Reload"</button>
                </div>
            </div>
        })
    }
}

/// The changes made on this device that the server has not applied: waiting to sync, or
/// refused (each with the reason, "Try again" and "Discard"). Nothing is dropped silently.
///
/// `choose_time` takes a refused walk-in booking back into a form to pick another time.
#[component]
pub fn OutboxPanel(#[prop(optional)] choose_time: Option<Callback<OutboxEntry>>) -> impl IntoView {
    let offline = use_offline();
    move || {
        let entries = offline.entries.get();
        (!entries.is_empty()).then(|| view! {
            <section class="rounded-xl border border-sky-200 bg-sky-50 p-4" aria-label="Changes on this device" data-testid="outbox">
                <h2 class="mb-2 text-sm font-semibold text-sky-950">"Changes made on this device"</h2>
                <ul class="space-y-2">
                    {entries.into_iter().map(|entry| view! { <Item entry choose_time/> }).collect_view()}
                </ul>
            </section>
        })
    }
}

#[component]
fn Item(entry: OutboxEntry, choose_time: Option<Callback<OutboxEntry>>) -> impl IntoView {
    let seq = entry.seq;
    let state = match entry.state {
        EntryState::Waiting => "Waiting to sync",
        EntryState::Login => "Waiting for you to log in again",
        EntryState::Conflict => "Not applied",
    };
    let conflict = entry.state == EntryState::Conflict;
    view! {
        <li class="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-white px-3 py-2 text-sm"
            data-testid="outbox-entry" data-state=format!("{:?}", entry.state).to_lowercase()>
            <div>
                <span class="font-medium">{entry.label.clone()}</span>
                <span class="ml-2" class=("text-sky-800", !conflict) class=("text-rose-800", conflict)>{state}</span>
                {entry.problem().map(|text| view! { <p class="text-rose-800" data-testid="outbox-problem">{text}</p> })}
            </div>
            {conflict.then(|| view! {
                <div class="flex flex-wrap gap-2">
                    {another_time(&entry, choose_time)}
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| offline::retry(seq)>"Try again"</button>
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| offline::discard(seq)>"Discard"</button>
                </div>
            })}
        </li>
    }
}

/// "Choose another time" for a walk-in booking whose time was taken, when the screen can
/// take it back (the clinic day's walk-in form): the entry leaves the outbox.
fn another_time(
    entry: &OutboxEntry,
    choose_time: Option<Callback<OutboxEntry>>,
) -> Option<impl IntoView> {
    let choose_time = choose_time?;
    entry.call_of::<BookWalkIn>()?;
    let entry = entry.clone();
    Some(view! {
        <button type="button" class=BUTTON_SECONDARY data-testid="choose-another-time"
            on:click=move |_| {
                offline::discard(entry.seq);
                choose_time.run(entry.clone());
            }>
            "Choose another time"
        </button>
    })
}
