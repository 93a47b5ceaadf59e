//! The top bar: the app's name, the links for the user's role, the connection and log-out.
//! A role with many pages (doctors, admins) gets them in a menu below desktop width, so a
//! phone keeps one row.

use crate::domain::Role;
use crate::error::AppError;
use crate::ui::components::{use_auth, use_notices, ConnectionStatus};
use crate::ui::offline;
use leptos::prelude::*;
use leptos_router::components::A;

/// More links than this go into the menu on smaller screens.
const INLINE_LINKS: usize = 3;

const LINK: &str = "min-h-touch items-center rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700";

/// The pages of a role, in the order of the bar.
fn links(role: Option<Role>) -> Vec<(&'static str, &'static str)> {
    match role {
        Some(Role::Patient) => vec![
            ("/doctors", "Find a doctor"),
            ("/appointments", "My appointments"),
            ("/settings", "Settings"),
        ],
        Some(Role::Doctor) => vec![
            ("/doctor/today", "Today"),
            ("/doctor", "Appointments"),
            ("/doctor/services", "Services"),
            ("/doctor/availability", "Availability"),
            ("/doctor/profile", "Profile"),
            ("/insight", "Insight"),
            ("/settings", "Settings"),
        ],
        Some(Role::Admin) => vec![
            ("/admin", "Accounts"),
            ("/doctor/today", "Clinic day"),
            ("/insight", "Insight"),
            ("/doctors", "Doctors"),
            ("/settings", "Settings"),
        ],
        Some(Role::Staff) => vec![("/doctor/today", "Today"), ("/settings", "Settings")],
        None => vec![
            ("/doctors", "Find a doctor"),
            ("/login", "Log in"),
            ("/register", "Register"),
        ],
    }
}

#[component]
pub(super) fn Header() -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<crate::api::auth::Logout>::new();
    let device = offline::use_offline();
    let notices = use_notices();
    // The signed-in user's pages are stored on the device, to open offline.
    Effect::new(move |_| {
        if let Some(Ok(Some(user))) = auth.user.get() {
            offline::keep_pages(offline_pages(user.role));
        }
    });
    Effect::new(move |_| {
        let done = logout.value().get();
        if let Some(Ok(())) = done {
            // Only once the session has ended on the server: a shared device keeps nothing.
            offline::forget();
        }
        if done.is_some() {
            auth.refresh();
            let navigate = leptos_router::hooks::use_navigate();
            navigate("/login", Default::default());
        }
    });
    let log_out = move |_| {
        if !device.online.get_untracked() {
            notices.error(&AppError::Conflict(OFFLINE_LOG_OUT.into()));
            return;
        }
        if unsynced_may_go(device.waiting()) {
            logout.dispatch(crate::api::auth::Logout {});
        }
    };
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-5xl flex-wrap items-center gap-1 px-4 py-2" aria-label="Main">
                <A href="/" attr:aria-label="Appointments home" attr:class="mr-4 flex min-h-touch items-center gap-2 text-lg font-bold text-brand-700">
                    <img src="/favicon.svg" alt="" class="h-7 w-7"/> "Appointments"
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = auth.user.await.ok().flatten();
                        let links = links(user.as_ref().map(|u| u.role));
                        let menu = links.len() > INLINE_LINKS;
                        // With a menu, the bar's own links and log-out show from desktop width.
                        let display = if menu { "hidden lg:inline-flex" } else { "inline-flex" };
                        let inline = links.clone();
                        view! {
                            {inline.into_iter().map(|(href, label)| view! {
                                <A href=href exact=true attr:class=format!("{display} {LINK}")>{label}</A>
                            }).collect_view()}
                            {user.map(|user| view! {
                                <div class="ml-auto mr-2"><ConnectionStatus/></div>
                                <span class="hidden text-sm text-slate-600 sm:inline" data-testid="whoami">{user.name}</span>
                                <button type="button" class=format!("{display} ml-2 {LINK}") on:click=log_out>"Log out"</button>
                                {menu.then(|| view! { <NavMenu links on_log_out=log_out/> })}
                            })}
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// The role's pages and log-out behind one "Menu" button (a `<details>`: it opens without
/// JavaScript too). It closes when a page is chosen, and on Escape.
#[component]
fn NavMenu(
    links: Vec<(&'static str, &'static str)>,
    on_log_out: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let menu = NodeRef::<leptos::html::Details>::new();
    // The bar stays across client-side navigation, and so would an open menu: a choice
    // closes it.
    let close = move |_: leptos::ev::MouseEvent| {
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Escape" {
            return;
        }
        if let Some(menu) = menu.get_untracked().filter(|m| m.open()) {
            menu.set_open(false);
            super::components::focus("#nav-menu-button".into());
        }
    };
    view! {
        <details node_ref=menu class="relative ml-1 lg:hidden" on:keydown=on_key data-testid="nav-menu">
            <summary id="nav-menu-button" class=format!("flex cursor-pointer list-none gap-2 {LINK} ring-1 ring-slate-300 [&::-webkit-details-marker]:hidden")>
                <svg aria-hidden="true" viewBox="0 0 20 20" class="h-4 w-4" fill="currentColor">
                    <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z"/>
                </svg>
                "Menu"
            </summary>
            <div class="absolute right-0 z-30 mt-2 flex w-56 flex-col rounded-lg border border-slate-200 bg-white p-1 shadow-lg" on:click=close>
                {links.into_iter().map(|(href, label)| view! {
                    <A href=href exact=true attr:class=format!("flex {LINK}")>{label}</A>
                }).collect_view()}
                <button type="button" class=format!("flex border-t border-slate-200 text-left {LINK}") on:click=on_log_out>"Log out"</button>
            </div>
        </details>
    }
}

/// The pages a role works from, stored on the device to open offline.
fn offline_pages(role: Role) -> &'static [&'static str] {
    match role {
        Role::Doctor => &["/doctor/today", "/doctor"],
        Role::Staff | Role::Admin => &["/doctor/today"],
        Role::Patient => &["/appointments"],
    }
}

/// Logging out ends the session on the server, then clears the device: offline, neither.
const OFFLINE_LOG_OUT: &str =
    "You are offline. Log out once the connection is back, so that the session ends too.";

/// Log-out clears the device: with changes not synced yet, the user confirms losing them.
fn unsynced_may_go(waiting: usize) -> bool {
    if waiting == 0 {
        return true;
    }
    #[cfg(feature = "hydrate")]
    {
        let question = format!(
            "{waiting} change(s) made on this device are not synced yet and will be lost. Log out anyway?"
        );
        window().confirm_with_message(&question).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}
