//! Appointments: appointment scheduling for clinics.
//!
//! One crate, two builds: `ssr` is the axum server (database, booking service, auth),
//! `hydrate` is the WASM client. `domain` and `api` types are shared by both.

pub mod api;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in the browser console for development; release builds leave the
    // hook out to keep the WASM small.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Lazy routes (the doctor and admin pages) need the lazy-aware hydration.
    leptos::mount::hydrate_lazy(ui::App);
}
