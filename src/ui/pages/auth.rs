use crate::api::auth::{Login, Register};
use crate::error::AppError;
use crate::ui::components::{use_auth, use_hydrated, FieldMessage, Panel, BUTTON, INPUT, LABEL};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// `?next=` when it is a path on this site (e.g. the doctor page a patient was booking on).
fn next_page() -> Option<String> {
    use_query_map()
        .get_untracked()
        .get("next")
        .filter(|p| crate::domain::validation::local_path(p).is_some())
}

/// After a successful log-in or registration: refresh who is logged in and go back to the
/// page that sent them here, or to their start page.
fn on_success(
    value: impl Fn() -> Option<Result<crate::domain::models::User, AppError>> + 'static,
) -> Signal<Option<AppError>> {
    let auth = use_auth();
    let error = RwSignal::new(None::<AppError>);
    let next = next_page();
    Effect::new(move |_| match value() {
        Some(Ok(user)) => {
            error.set(None);
            auth.refresh();
            // Changes kept on the device while the session had lapsed go out now.
            crate::ui::offline::replay();
            let target = next.clone().unwrap_or_else(|| user.role.home_path().into());
            use_navigate()(&target, Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    error.into()
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = on_success(move || login.value().get());
    let hydrated = use_hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        login.dispatch(Login {
            email: email.get(),
            password: password.get(),
        });
    };
    view! {
        <div class="mx-auto max-w-md">
            <Panel title="Log in">
                <form method="post" on:submit=submit class="space-y-4" novalidate>
                    <div>
                        <label class=LABEL for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required class=INPUT
                            prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label class=LABEL for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required class=INPUT
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    </div>
                    {move || error.get().map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                    <button type="submit" class=format!("{BUTTON} w-full") disabled=move || !hydrated.get() || login.pending().get()>
                        {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                    </button>
                    <p class="text-sm text-slate-600">"New here? " <a class="text-brand-600 underline" href="/register">"Create an account"</a></p>
                </form>
            </Panel>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = on_success(move || register.value().get());
    let hydrated = use_hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        register.dispatch(Register {
            name: name.get(),
            email: email.get(),
            password: password.get(),
        });
    };
    view! {
        <div class="mx-auto max-w-md">
            <Panel title="Create a patient account">
                <form method="post" on:submit=submit class="space-y-4" novalidate>
                    <div>
                        <label class=LABEL for="name">"Full name"</label>
                        <input id="name" name="name" autocomplete="name" class=INPUT
                            prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                        <FieldMessage error field="name"/>
                    </div>
                    <div>
                        <label class=LABEL for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="email" class=INPUT
                            prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                        <FieldMessage error field="email"/>
                    </div>
                    <div>
                        <label class=LABEL for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="new-password" class=INPUT
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        <p class="mt-1 text-xs text-slate-500">"At least 8 characters."</p>
                        <FieldMessage error field="password"/>
                    </div>
                    {move || error.get().filter(|e| e.field().is_none()).map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
                    <button type="submit" class=format!("{BUTTON} w-full") disabled=move || !hydrated.get() || register.pending().get()>
                        {move || if register.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                    <p class="text-sm text-slate-600">"Already registered? " <a class="text-brand-600 underline" href="/login">"Log in"</a></p>
                </form>
            </Panel>
        </div>
    }
}
