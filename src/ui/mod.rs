//! The user interface: the app shell, routes, pages and reusable components.

pub mod components;
mod header;
pub mod offline;
pub mod pages;

use components::{provide_notices, Auth, NoScript, NoticeArea, PageMeta, UpdateBanner};
use header::Header;
use leptos::prelude::*;
use leptos_meta::MetaTags;
use leptos_router::components::{Redirect, Route, Router, Routes};
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
                    // The public pages are whole before the first byte: out of order, a slow
                    // query left "Loading…" that only JavaScript replaces (seen with it off).
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    // Whole before the first byte (their code is loaded lazily, so their
                    // data could not hold the stream): the forms work without JavaScript.
                    <Route path=path!("/login") view={Lazy::<lazy::LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<lazy::RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/book") view=|| view! { <Redirect path="/doctors"/> }/>
                    <Route path=path!("/doctors") view=pages::doctors::DirectoryPage ssr=SsrMode::Async/>
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
