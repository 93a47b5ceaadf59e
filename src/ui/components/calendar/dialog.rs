//! The confirmation dialog: what is being booked, the change policy as it applies to this
//! very time, and log-in inside it for a visitor (the choice stays as it is). A real modal:
//! focus moves in, Tab stays inside, Escape closes it from anywhere in it, and focus goes
//! back to the time that opened it.

use super::Calendar;
use crate::api::booking::{Book, Reschedule};
use crate::domain::models::Slot;
use crate::domain::profile::{change_policy_text, DoctorProfile};
use crate::error::AppError;
use crate::ui::components::{
    browser_zone, focus, format_date, format_time, format_time_in, iso, use_auth, use_notices,
    LoginForm, BUTTON, BUTTON_SECONDARY, INPUT, LABEL,
};
use leptos::prelude::*;

/// The page address that brings this choice back (after registering elsewhere, say).
fn choice_path(doctor_id: i64, service_id: i64, time: Slot) -> String {
    format!(
        "/doctors/{doctor_id}?service={service_id}&start={}#book",
        iso(time.starts_at)
    )
}

/// Tab and Shift+Tab cycle inside the dialog instead of leaving it.
fn keep_focus_inside(ev: &leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(dialog) = document().get_element_by_id("confirm-dialog") else {
            return;
        };
        let selector = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), textarea:not([disabled]), select:not([disabled])";
        let Ok(found) = dialog.query_selector_all(selector) else {
            return;
        };
        let items: Vec<web_sys::HtmlElement> = (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .collect();
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return;
        };
        let active = document().active_element();
        let at = |e: &web_sys::HtmlElement| active.as_ref() == Some(e.unchecked_ref());
        let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
        if ev.shift_key() && (at(first) || !inside) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && (at(last) || !inside) {
            ev.prevent_default();
            let _ = first.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
pub(super) fn ConfirmDialog(
    calendar: Calendar,
    time: Slot,
    profile: DoctorProfile,
    reschedule: Option<i64>,
) -> impl IntoView {
    let notices = use_notices();
    let auth = use_auth();
    let navigate = leptos_router::hooks::use_navigate();
    let book = ServerAction::<Book>::new();
    let reschedule_action = ServerAction::<Reschedule>::new();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let outcome = move |result: Result<String, AppError>| match result {
        Ok(message) => {
            notices.success(message);
            calendar.close();
            calendar.refresh();
        }
        Err(e) => {
            // Taken meanwhile (or the hours changed): show the day as it is now.
            if matches!(e, AppError::Conflict(_)) || e.field() == Some("starts_at") {
                calendar.refresh();
                calendar.close();
                notices.error(&e);
            } else {
                error.set(Some(e));
            }
        }
    };
    Effect::new(move |_| {
        if let Some(result) = book.value().get() {
            outcome(result.map(|_| {
                "Request sent. It is pending the doctor's confirmation; follow it under My appointments.".to_string()
            }));
        }
    });
    let to_list = navigate.clone();
    Effect::new(move |_| {
        if let Some(result) = reschedule_action.value().get() {
            let moved = result.is_ok();
            outcome(result.map(|a| {
                format!(
                    "Moved to {} at {}.",
                    format_date(a.starts_at),
                    format_time(a.starts_at)
                )
            }));
            if moved {
                to_list("/appointments", Default::default());
            }
        }
    });
    let Some(service) = calendar.service.get_untracked() else {
        return ().into_any();
    };
    let service_id = service.id;
    let doctor_id = profile.doctor.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match reschedule {
            Some(appointment_id) => {
                reschedule_action.dispatch(Reschedule {
                    appointment_id,
                    starts_at: time.starts_at,
                    reason: text.get(),
                });
            }
            None => {
                book.dispatch(Book {
                    doctor_id,
                    service_id,
                    starts_at: time.starts_at,
                    notes: text.get(),
                });
            }
        }
    };
    let pending = move || book.pending().get() || reschedule_action.pending().get();
    let zone = browser_zone();
    let doctor_zone = profile.doctor.time_zone.clone();
    let doctor_time = (zone != doctor_zone).then(|| {
        format!(
            " · {} for the doctor ({doctor_zone})",
            format_time_in(time.starts_at, &doctor_zone)
        )
    });
    let user = move || auth.user.get().and_then(|r| r.ok()).flatten();
    let may_book = move || {
        user().is_some_and(|u| reschedule.is_some() || u.role == crate::domain::Role::Patient)
    };
    let title = if reschedule.is_some() {
        "Move your appointment"
    } else {
        "Confirm your appointment"
    };
    // Logged in inside the dialog: the log-in form is gone, so the focus goes to the note.
    Effect::new(move |could: Option<bool>| {
        let can = may_book();
        if could == Some(false) && can {
            focus("#confirm-text".into());
        }
        can
    });
    // Focus moves into the dialog, so the keyboard and Escape act on it.
    focus(
        "#confirm-dialog textarea, #confirm-dialog input:not([type=hidden]), #confirm-back".into(),
    );
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => calendar.close(),
        "Tab" => keep_focus_inside(&ev),
        _ => {}
    };
    let last_minute = time.starts_at < calendar.change_closes();
    let policy = if last_minute {
        let reach = if profile.phone.is_empty() {
            "To change it, contact the practice.".to_string()
        } else {
            format!("To change it, call the practice on {}.", profile.phone)
        };
        view! {
            <p class="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="final-warning">
                <strong>"You won't be able to cancel or move this appointment online. "</strong>
                {format!("Online changes close {} before the start. {reach}", calendar.change_window_text())}
            </p>
        }.into_any()
    } else {
        view! { <p class="text-xs text-slate-600">{change_policy_text(profile.change_notice_hours)}</p> }.into_any()
    };
    let come_back = choice_path(doctor_id, service_id, time);
    let register_href = format!(
        "/register?next={}",
        crate::domain::validation::encode_query(&come_back)
    );
    view! {
        <div class="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-2 sm:items-center" on:keydown=on_key>
            <div id="confirm-dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title"
                class="max-h-[calc(100vh-1rem)] w-full max-w-md overflow-y-auto rounded-2xl bg-white p-5 shadow-xl" data-testid="confirm">
                <h2 id="confirm-title" class="mb-3 text-lg font-semibold">{title}</h2>
                <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-slate-600">"Service"</dt><dd>{service.name.clone()}{service.video.then_some(" (video visit)")}</dd>
                    <dt class="text-slate-600">"Doctor"</dt><dd>{profile.doctor.name.clone()}</dd>
                    <dt class="text-slate-600">"Date"</dt><dd>{format_date(time.starts_at)}</dd>
                    <dt class="text-slate-600">"Time"</dt>
                    <dd>{format_time(time.starts_at)} "–" {format_time(time.ends_at)} {doctor_time}</dd>
                    <dt class="text-slate-600">"Duration"</dt><dd>{service.duration_minutes} " min"</dd>
                    <dt class="text-slate-600">"Price"</dt>
                    <dd>{service.price.as_ref().map(|p| p.display()).unwrap_or_else(|| "Not listed".into())}</dd>
                </dl>
                <div class="mt-3">{policy}</div>
                <Show when=may_book fallback=move || view! {
                    <div class="mt-3 space-y-3 rounded-lg bg-slate-50 p-3" data-testid="dialog-login">
                        <p class="text-sm">
                            {move || if user().is_some() {
                                "Log in with a patient account to book this time; your choice stays as it is."
                            } else {
                                "Log in to book this time; your choice stays as it is."
                            }}
                        </p>
                        <LoginForm flash=None next=None signed_in=Callback::new(|_| ()) id_prefix="dialog-"/>
                        <p class="text-sm">"New here? "
                            <a class="inline-flex min-h-touch items-center font-medium text-brand-700 underline" href=register_href.clone()>"Create an account"</a>
                            " and come back to this time."</p>
                    </div>
                }>
                    <form on:submit=submit class="mt-3 space-y-3">
                        <div>
                            <label class=LABEL for="confirm-text">
                                {if reschedule.is_some() { "Reason for the change (optional)" } else { "Notes for the doctor (optional)" }}
                            </label>
                            <textarea id="confirm-text" rows="2" class=INPUT maxlength="1000"
                                prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </div>
                        {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                        <button type="submit" class=BUTTON disabled=pending>
                            {move || match (pending(), reschedule.is_some()) {
                                (true, _) => "Sending…",
                                (false, true) => "Move appointment",
                                (false, false) => "Request appointment",
                            }}
                        </button>
                    </form>
                </Show>
                <div class="mt-3 flex">
                    <button id="confirm-back" type="button" class=BUTTON_SECONDARY on:click=move |_| calendar.close()>"Back"</button>
                </div>
            </div>
        </div>
    }.into_any()
}
