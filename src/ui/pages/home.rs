use crate::ui::components::{use_auth, PageMeta};
use leptos::prelude::*;

/// Sends a logged-in user to their start page; explains the app to everyone else.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <PageMeta title="Book your visit online"
            description="Find a doctor, choose a service and a free time, and follow your appointment until the doctor confirms it."/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await.ok().flatten() {
                    Some(user) => view! {
                        <leptos_router::components::Redirect path=user.role.home_path()/>
                    }.into_any(),
                    None => view! {
                        <section class="mx-auto max-w-2xl py-10 text-center">
                            <h1 class="text-3xl font-bold">"Book your visit in a minute"</h1>
                            <p class="mt-3 text-slate-600">
                                "Choose a doctor and a service, pick a free time, and follow your request until the doctor confirms it."
                            </p>
                            <div class="mt-6 flex justify-center gap-3">
                                <a class=crate::ui::components::BUTTON href="/doctors">"Find a doctor"</a>
                                <a class=crate::ui::components::BUTTON_SECONDARY href="/register">"Create an account"</a>
                                <a class=crate::ui::components::BUTTON_SECONDARY href="/login">"Log in"</a>
                            </div>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
