//! Pages loaded lazily: the doctor and admin pages, which patients never open, and the
//! patient pages a first visit does not need. Their code is split into WASM chunks
//! (`cargo leptos build --split`) fetched when one of them is first shown; the server renders
//! them as usual.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(DashboardRoute, super::doctor::dashboard::DashboardPage);
lazy_page!(TodayRoute, super::doctor::today::TodayPage);
lazy_page!(ServicesRoute, super::doctor::services::ServicesPage);
lazy_page!(
    AvailabilityRoute,
    super::doctor::availability::AvailabilityPage
);
lazy_page!(
    ProfileEditorRoute,
    super::doctor::profile::ProfileEditorPage
);
lazy_page!(AdminRoute, super::admin::AdminPage);
lazy_page!(InsightRoute, super::insight::InsightPage);

// Patients' pages that a first visit (home, directory, a doctor's calendar) does not need.
lazy_page!(
    MyAppointmentsRoute,
    super::my_appointments::MyAppointmentsPage
);
lazy_page!(SettingsRoute, super::settings::SettingsPage);
lazy_page!(LoginRoute, super::auth::LoginPage);
lazy_page!(RegisterRoute, super::auth::RegisterPage);
