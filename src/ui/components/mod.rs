//! Small reusable pieces of UI.

mod actions;
mod badge;
mod calendar;
mod history;
mod live;
mod login;
mod notice;
mod offline;
mod page;
mod time;

pub use actions::AppointmentActions;
pub use badge::StatusBadge;
pub use calendar::{service_summary, BookingCalendar};
pub use history::AppointmentHistory;
pub use live::{use_live, LiveFeed, LiveIndicator, LiveStatus};
pub use login::{form_errors, typed, LoginForm};
pub use notice::{
    keep_last, provide_notices, use_notices, ErrorNotice, FieldAria, FieldMessage, NoticeArea,
    Notices,
};
pub use offline::{ConnectionStatus, OutboxPanel, UpdateBanner};
pub use page::{NoScript, PageMeta};
pub use time::{
    browser_zone, day_text, format_date, format_time, format_time_in, iso, local_day_and_hour,
    local_day_bounds, parse_clock, parse_day, parse_iso, LocalDate, LocalTime,
};

use crate::domain::models::User;
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Sets the HTTP status of the page being rendered on the server (e.g. 404 for a doctor
/// that does not exist); nothing in the browser.
pub fn set_page_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(code) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Who is logged in, shared by every page; `refresh` after log-in or log-out.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<User>, AppError>>,
    version: RwSignal<u32>,
}

impl Auth {
    pub fn provide() -> Auth {
        let version = RwSignal::new(0);
        // Blocking: the header, the home page and the role gates are in the page the
        // server sends, right for the visitor, before any JavaScript runs.
        let user = Resource::new_blocking(move || version.get(), |_| crate::api::auth::me());
        let auth = Auth { user, version };
        provide_context(auth);
        auth
    }

    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// False while the page is server-rendered HTML, true once the WASM app runs (effects only
/// run in the browser). Submit buttons stay disabled until then, so a form is never sent
/// the browser's default way (which would put a password in the URL).
pub fn use_hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// Builds `children` only in the browser, once the page is hydrated ("Loading…" before):
/// for pages that reload themselves on every change, whose server-rendered copy would be
/// stale at once and whose hydration would race with those reloads.
#[component]
pub fn InBrowser(children: ChildrenFn) -> impl IntoView {
    let hydrated = use_hydrated();
    move || {
        if hydrated.get() {
            children().into_any()
        } else {
            view! { <p class="text-slate-500">"Loading…"</p> }.into_any()
        }
    }
}

/// Shows `children` to a logged-in user with `role` (or one of `also`); everyone else is
/// told what to do.
#[component]
pub fn RequireRole(
    role: Role,
    #[prop(optional)] also: &'static [Role],
    children: ChildrenFn,
) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="p-6 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    // Untracked: signals read while the page is built must not re-run this
                    // gate (that would rebuild, and re-hydrate, the whole page).
                    Ok(Some(user)) if user.role == role || also.contains(&user.role) => untrack(|| children.read_value()()).into_any(),
                    Ok(Some(_)) => view! {
                        <Panel title="Not available" heading_level=1>
                            <p>"This page is for " {role.as_str()} " accounts. "
                               <a class="link" href="/">"Go to your start page"</a> "."</p>
                        </Panel>
                    }.into_any(),
                    _ => view! {
                        <Panel title="Please log in" heading_level=1>
                            <p>"You need to log in to see this page. "
                               <a class="inline-flex min-h-touch items-center text-brand-700 underline" href="/login">"Log in"</a>
                               " or " <a class="inline-flex min-h-touch items-center text-brand-700 underline" href="/register">"create an account"</a> "."</p>
                        </Panel>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Moves the keyboard focus to the element `selector` finds, if any.
pub fn focus(selector: String) {
    focus_first(vec![selector]);
}

/// Moves the keyboard focus to the first element found, trying the selectors in order.
pub fn focus_first(selectors: Vec<String>) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let element = selectors
            .iter()
            .find_map(|selector| document().query_selector(selector).ok().flatten());
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = selectors;
}

/// A white card with a heading (an `h2`, or the page's `h1` when it is the whole page).
#[component]
pub fn Panel(
    #[prop(into)] title: String,
    #[prop(default = 2)] heading_level: u8,
    children: Children,
) -> impl IntoView {
    let heading = if heading_level == 1 {
        view! { <h1 class="mb-3 text-lg font-semibold">{title}</h1> }.into_any()
    } else {
        view! { <h2 class="mb-3 text-lg font-semibold">{title}</h2> }.into_any()
    };
    view! {
        <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            {heading}
            {children()}
        </section>
    }
}

/// What to show when a list is empty: what it means and what to do next.
#[component]
pub fn EmptyState(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <p class="font-medium">{title}</p>
            <div class="mt-1 text-sm text-slate-600">{children()}</div>
        </div>
    }
}

pub const INPUT: &str = "mt-1 block w-full rounded-lg border border-slate-500 bg-white px-3 py-2 min-h-touch focus:border-brand-500";
pub const LABEL: &str = "block text-sm font-medium text-slate-700";
pub const BUTTON: &str = "inline-flex min-h-touch items-center justify-center rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50";
pub const BUTTON_SECONDARY: &str = "inline-flex min-h-touch items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50";
