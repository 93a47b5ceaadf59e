//! Settings for everyone: which emails they get and their private calendar address; for
//! doctors also reminder times and the busy-time feed from their own calendar.

use crate::api::auth::me;
use crate::api::messages::{
    load_doctor_calendar_settings, load_message_settings, NewCalendarAddress, RefreshBusyFeed,
    SaveDoctorCalendarSettings, SaveMessageSettings,
};
use crate::domain::notify::{DoctorCalendarSettings, MessageSettings};
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{
    use_hydrated, use_notices, ErrorNotice, FieldAria, FieldMessage, LocalDate, LocalTime,
    PageMeta, Panel, RequireRole, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <PageMeta title="Settings"/>
        <RequireRole role=Role::Patient also=&[Role::Doctor, Role::Admin, Role::Staff]>
            <Settings/>
        </RequireRole>
    }
}

#[component]
fn Settings() -> impl IntoView {
    // Both made here, before anything renders, so the server streams them with the page
    // (a resource first made inside another's Suspend can miss it, and hydration fails).
    let settings = Resource::new(|| (), |_| load_message_settings());
    let doctor = Resource::new(
        || (),
        |_| async {
            match me().await? {
                Some(user) if user.role == Role::Doctor => {
                    load_doctor_calendar_settings().await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    view! {
        <div class="space-y-6">
            <h1 class="text-2xl font-bold">"Settings"</h1>
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (mine, doctor_settings) = (settings.await, doctor.await);
                    let retry = Callback::new(move |_| {
                        settings.refetch();
                        doctor.refetch();
                    });
                    match (mine, doctor_settings) {
                        (Ok(s), Ok(d)) => view! {
                            <div class="grid gap-6 lg:grid-cols-2">
                                <EmailChoices settings=s.clone()/>
                                <CalendarAddress settings=s/>
                            </div>
                            {d.map(|settings| view! { <DoctorCalendarForm settings/> })}
                        }.into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error retry/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn EmailChoices(settings: MessageSettings) -> impl IntoView {
    let notices = use_notices();
    let save = ServerAction::<SaveMessageSettings>::new();
    let hydrated = use_hydrated();
    let changes = RwSignal::new(settings.choices.email_changes);
    let reminders = RwSignal::new(settings.choices.email_reminders);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => notices.success("Email choices saved."),
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveMessageSettings {
            email_changes: changes.get(),
            email_reminders: reminders.get(),
        });
    };
    let choice =
        |id: &'static str, label: &'static str, hint: &'static str, value: RwSignal<bool>| {
            view! {
                <div class="flex items-start gap-3">
                    <input id=id type="checkbox" class="mt-1 h-6 w-6 min-w-touch" prop:checked=value
                        on:change=move |ev| value.set(event_target_checked(&ev))
                        aria-describedby=format!("{id}-hint")/>
                    <div>
                        <label for=id class="font-medium">{label}</label>
                        <p id=format!("{id}-hint") class="text-sm text-slate-600">{hint}</p>
                    </div>
                </div>
            }
        };
    view! {
        <Panel title="Emails">
            <form on:submit=submit class="space-y-4" data-testid="email-choices">
                {choice("email_changes", "When an appointment changes",
                    "Booked, confirmed, moved or cancelled, with an invitation your calendar app applies.", changes)}
                {choice("email_reminders", "Reminders before an appointment",
                    "Before each of your visits, at the times the doctor chose (usually a day and two hours before).", reminders)}
                <button type="submit" class=BUTTON disabled=move || !hydrated.get() || save.pending().get()>"Save choices"</button>
            </form>
        </Panel>
    }
}

#[component]
fn CalendarAddress(settings: MessageSettings) -> impl IntoView {
    let notices = use_notices();
    let renew = ServerAction::<NewCalendarAddress>::new();
    let hydrated = use_hydrated();
    let url = RwSignal::new(settings.calendar_url);
    Effect::new(move |_| match renew.value().get() {
        Some(Ok(s)) => {
            url.set(s.calendar_url);
            notices.success("New calendar address made. The old one no longer works.");
        }
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    view! {
        <Panel title="Your appointments in your calendar">
            <div class="space-y-3">
                <p class="text-sm text-slate-600">
                    "Subscribe to this address in Google Calendar, Outlook or Apple Calendar to see your appointments there. "
                    "Keep it private: anyone with it can read them."
                </p>
                <label class=LABEL for="calendar_url">"Private calendar address"</label>
                <input id="calendar_url" class=INPUT readonly prop:value=url
                    on:focus=move |ev| select_all(&ev)/>
                <button type="button" class=BUTTON_SECONDARY disabled=move || !hydrated.get() || renew.pending().get()
                    on:click=move |_| { renew.dispatch(NewCalendarAddress {}); }>
                    "Make a new address"
                </button>
            </div>
        </Panel>
    }
}

/// Selects the whole address when the field gets focus, ready to copy.
fn select_all(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
fn DoctorCalendarForm(settings: DoctorCalendarSettings) -> impl IntoView {
    let notices = use_notices();
    let save = ServerAction::<SaveDoctorCalendarSettings>::new();
    let refresh = ServerAction::<RefreshBusyFeed>::new();
    let hours = RwSignal::new(settings.reminder_hours.clone());
    let url = RwSignal::new(settings.busy_feed_url.clone());
    let current = RwSignal::new(settings);
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            notices.success("Calendar settings saved.");
            current.set(s);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match refresh.value().get() {
        Some(Ok(s)) => current.set(s),
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveDoctorCalendarSettings {
            reminder_hours: hours.get(),
            busy_feed_url: url.get(),
        });
    };
    let errors: Signal<Option<AppError>> = error.into();
    let aria = FieldAria(errors);
    // Disabled until the app runs: a server-rendered button would do nothing.
    let hydrated = use_hydrated();
    let busy = move || !hydrated.get() || save.pending().get() || refresh.pending().get();
    view! {
        <Panel title="Reminders and your own calendar">
            <form on:submit=submit class="space-y-4" data-testid="doctor-calendar" novalidate>
                <div>
                    <label class=LABEL for="reminder_hours">"Remind patients (hours before, comma-separated; blank for none)"</label>
                    <input id="reminder_hours" class=INPUT inputmode="numeric" prop:value=hours
                        on:input=move |ev| hours.set(event_target_value(&ev))
                        aria-invalid=aria.invalid("reminder_hours") aria-describedby=aria.described("reminder_hours")/>
                    <FieldMessage error=errors field="reminder_hours"/>
                </div>
                <div>
                    <label class=LABEL for="busy_feed_url">"Your calendar's private address (iCal), to keep its busy times free of bookings"</label>
                    <input id="busy_feed_url" type="url" class=INPUT prop:value=url placeholder="https://calendar.google.com/calendar/ical/…/basic.ics"
                        on:input=move |ev| url.set(event_target_value(&ev))
                        aria-invalid=aria.invalid("busy_feed_url") aria-describedby=aria.described("busy_feed_url")/>
                    <FieldMessage error=errors field="busy_feed_url"/>
                </div>
                <FeedStatus current/>
                <div class="flex flex-wrap gap-2">
                    <button type="submit" class=BUTTON disabled=busy>"Save"</button>
                    {move || (!current.with(|c| c.busy_feed_url.is_empty())).then(|| view! {
                        <button type="button" class=BUTTON_SECONDARY disabled=busy
                            on:click=move |_| { refresh.dispatch(RefreshBusyFeed {}); }>
                            "Read my calendar now"
                        </button>
                    })}
                </div>
            </form>
        </Panel>
    }
}

/// The feed's last read: when, and how many busy times or what went wrong.
#[component]
fn FeedStatus(current: RwSignal<DoctorCalendarSettings>) -> impl IntoView {
    move || {
        let c = current.get();
        if c.busy_feed_url.is_empty() {
            return None;
        }
        let Some(at) = c.busy_feed_checked_at else {
            return Some(view! { <p class="text-sm text-slate-600" data-testid="feed-status">"Not read yet."</p> }.into_any());
        };
        let when = view! { <LocalDate at/> " " <LocalTime at/> };
        Some(if c.busy_feed_error.is_empty() {
            view! {
                <p class="text-sm text-green-800" role="status" data-testid="feed-status">
                    "Read " {when} ": " {match c.busy_feed_events {
                        1 => "1 busy time ahead is kept free.".to_string(),
                        n => format!("{n} busy times ahead are kept free."),
                    }}
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="rounded-md bg-rose-50 p-2 text-sm text-rose-800 ring-1 ring-rose-300" role="alert" data-testid="feed-status">
                    "Could not read your calendar (" {when} "): " {c.busy_feed_error}
                    " Booking goes on; the busy times from the last good read are kept."
                </p>
            }.into_any()
        })
    }
}
