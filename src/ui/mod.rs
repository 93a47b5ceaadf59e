//! The user interface: the app shell, routes, pages and reusable components.

pub mod components;
pub mod offline;
pub mod pages;

use crate::error::AppError;
use components::{
    provide_notices, use_auth, Auth, ConnectionStatus, NoScript, NoticeArea, PageMeta, UpdateBanner,
};
use leptos::prelude::*;
use leptos_meta::MetaTags;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::{path, Lazy, SsrMode};
use pages::lazy;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Each page's <title> and description (`PageMeta`).
                <MetaTags/>
                <link rel="icon" href="/favicon.svg"/>
                // Installable (see README, "Clinic tablets"): the manifest, the colour of
                // the browser's bar, and the icon iOS puts on the home screen.
                <link rel="manifest" href="/manifest.webmanifest"/>
                <meta name="theme-color" content="#2459be"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                // The offline store and outbox, and the service worker's registration.
                <script src="/offline-store.js" defer></script>
                <script src="/offline.js" defer></script>
                <link rel="stylesheet" id="leptos" href=stylesheet_href(&options)/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's path, with the build's hash in it when files have hashed names.
fn stylesheet_href(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    return crate::server::assets::pkg_file(&options.site_pkg_dir, &options.output_name, "css");
    #[cfg(not(feature = "ssr"))]
    format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
}

#[component]
pub fn App() -> impl IntoView {
    leptos_meta::provide_meta_context();
    // Marks the page once the app runs in it (effects run only in the browser): forms are
    // usable before, as plain posts, so tests and measurements wait for this instead.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    Auth::provide();
    provide_notices();
    offline::Offline::provide();
    view! {
        <Router>
            // The title of a page that sets none; a page's own `PageMeta` comes later and wins.
            <leptos_meta::Title text="Appointments"/>
            <UpdateBanner/>
            <Header/>
            <NoScript text="JavaScript is off. You can find a doctor, see their next free times, and log in or register; booking, your appointments and the clinic's pages need JavaScript."/>
            <NoticeArea/>
            <main class="mx-auto max-w-5xl px-4 py-6">
                <Routes fallback=|| {
                    components::set_page_status(404);
                    view! {
                        <PageMeta title="Page not found"/>
                        <h1 class="text-2xl font-bold">"Page not found"</h1>
                        <p class="mt-2">"There is no page at this address. " <a class="inline-flex min-h-touch items-center text-brand-700 underline" href="/">"Go to the start page"</a></p>
                    }
                }>
                    <Route path=path!("/") view=pages::home::HomePage/>
                    // Whole before the first byte (their code is loaded lazily, so their
                    // data could not hold the stream): the forms work without JavaScript.
                    <Route path=path!("/login") view={Lazy::<lazy::LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<lazy::RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/book") view=|| view! { <Redirect path="/doctors"/> }/>
                    <Route path=path!("/doctors") view=pages::doctors::DirectoryPage/>
                    // Whole before the first byte: its title and description come from its data.
                    <Route path=path!("/doctors/:id") view=pages::doctors::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/appointments") view={Lazy::<lazy::MyAppointmentsRoute>::new()}/>
                    // Doctor and admin pages load their code when first visited.
                    <Route path=path!("/doctor") view={Lazy::<lazy::DashboardRoute>::new()}/>
                    <Route path=path!("/doctor/today") view={Lazy::<lazy::TodayRoute>::new()}/>
                    <Route path=path!("/doctor/services") view={Lazy::<lazy::ServicesRoute>::new()}/>
                    <Route path=path!("/doctor/availability") view={Lazy::<lazy::AvailabilityRoute>::new()}/>
                    <Route path=path!("/doctor/profile") view={Lazy::<lazy::ProfileEditorRoute>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<lazy::SettingsRoute>::new()}/>
                    <Route path=path!("/admin") view={Lazy::<lazy::AdminRoute>::new()}/>
                    <Route path=path!("/insight") view={Lazy::<lazy::InsightRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}

/// The top bar: the app's name, the links for the user's role, and log-out.
#[component]
fn Header() -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<crate::api::auth::Logout>::new();
    let device = offline::use_offline();
    let notices = components::use_notices();
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
    let link = "inline-flex min-h-touch items-center rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700";
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-5xl flex-wrap items-center gap-1 px-4 py-2" aria-label="Main">
                <A href="/" attr:class="mr-4 flex min-h-touch items-center gap-2 text-lg font-bold text-brand-700">
                    <img src="/favicon.svg" alt="" class="h-7 w-7"/> "Appointments"
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = auth.user.await.ok().flatten();
                        let links: Vec<(&str, &str)> = match user.as_ref().map(|u| u.role) {
                            Some(crate::domain::Role::Patient) => vec![("/doctors", "Find a doctor"), ("/appointments", "My appointments"), ("/settings", "Settings")],
                            Some(crate::domain::Role::Doctor) => vec![("/doctor/today", "Today"), ("/doctor", "Appointments"), ("/doctor/services", "Services"), ("/doctor/availability", "Availability"), ("/doctor/profile", "Profile"), ("/insight", "Insight"), ("/settings", "Settings")],
                            Some(crate::domain::Role::Admin) => vec![("/admin", "Accounts"), ("/doctor/today", "Clinic day"), ("/insight", "Insight"), ("/doctors", "Doctors"), ("/settings", "Settings")],
                            Some(crate::domain::Role::Staff) => vec![("/doctor/today", "Today"), ("/settings", "Settings")],
                            None => vec![("/doctors", "Find a doctor"), ("/login", "Log in"), ("/register", "Register")],
                        };
                        view! {
                            {links.into_iter().map(|(href, label)| view! { <A href=href exact=true attr:class=link>{label}</A> }).collect_view()}
                            {user.map(|user| view! {
                                <div class="ml-auto mr-2"><ConnectionStatus/></div>
                                <span class="hidden text-sm text-slate-600 sm:inline" data-testid="whoami">{user.name}</span>
                                <button class="ml-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 min-h-touch"
                                    on:click=move |_| {
                                        if !device.online.get_untracked() {
                                            notices.error(&AppError::Conflict(OFFLINE_LOG_OUT.into()));
                                            return;
                                        }
                                        if unsynced_may_go(device.waiting()) {
                                            logout.dispatch(crate::api::auth::Logout {});
                                        }
                                    }>
                                    "Log out"
                                </button>
                            })}
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// The pages a role works from, stored on the device to open offline.
fn offline_pages(role: crate::domain::Role) -> &'static [&'static str] {
    use crate::domain::Role;
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
