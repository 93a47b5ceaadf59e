//! Log-in and registration. Both are plain HTML forms posted to `/login` and `/register`
//! until the app has loaded (a slow phone, or JavaScript off: the server answers with a
//! redirect); once it runs, the app sends them itself and keeps what was typed meanwhile.

use crate::api::auth::{refused_form, FormRefusal, Register};
use crate::domain::validation::encode_query;
use crate::ui::components::{
    form_errors, typed, FieldAria, FieldMessage, LoginForm, PageMeta, BUTTON, INPUT, LABEL,
};
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `?next=` when it is a path on this site (e.g. the doctor page a patient was booking on).
fn next_page() -> Option<String> {
    use_query_map()
        .get_untracked()
        .get("next")
        .filter(|p| crate::domain::validation::local_path(p).is_some())
}

/// The page's refused-form data, read once on the server when the page renders.
fn with_flash<V: IntoView + 'static>(
    page: impl Fn(Option<FormRefusal>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let flash = Resource::new_blocking(|| (), |_| refused_form());
    let page = std::sync::Arc::new(page);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let page = page.clone();
                Suspend::new(async move { page(flash.await.ok().flatten()) })
            }}
        </Suspense>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <PageMeta title="Log in"/>
        <div class="mx-auto max-w-md">
            <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                <h1 class="mb-3 text-xl font-bold">"Log in"</h1>
                {with_flash(|flash| view! { <LoginForm flash next=next_page()/> })}
                <p class="mt-4 text-sm text-slate-600">"New here? "
                    <a class="inline-flex min-h-touch items-center text-brand-700 underline" href=register_href(next_page())>"Create an account"</a></p>
            </section>
        </div>
    }
}

fn register_href(next: Option<String>) -> String {
    match next {
        Some(next) => format!("/register?next={}", encode_query(&next)),
        None => "/register".into(),
    }
}

fn login_href(next: Option<String>) -> String {
    match next {
        Some(next) => format!("/login?next={}", encode_query(&next)),
        None => "/login".into(),
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PageMeta title="Create an account"/>
        <div class="mx-auto max-w-md">
            <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                <h1 class="mb-3 text-xl font-bold">"Create a patient account"</h1>
                {with_flash(|flash| view! { <RegisterForm flash next=next_page()/> })}
                <p class="mt-4 text-sm text-slate-600">"Already registered? "
                    <a class="inline-flex min-h-touch items-center text-brand-700 underline" href=login_href(next_page())>"Log in"</a></p>
            </section>
        </div>
    }
}

#[component]
fn RegisterForm(flash: Option<FormRefusal>, next: Option<String>) -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let name = NodeRef::<Input>::new();
    let email = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let (typed_name, typed_email) = flash
        .as_ref()
        .map(|f| (f.name.clone(), f.email.clone()))
        .unwrap_or_default();
    let error = form_errors(move || register.value().get(), flash, next.clone(), None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        register.dispatch(Register {
            name: typed(name),
            email: typed(email),
            password: typed(password),
        });
    };
    let aria = FieldAria(error);
    view! {
        <form method="post" action="/register" on:submit=submit class="space-y-4" novalidate>
            <input type="hidden" name="next" value=next.clone().unwrap_or_default()/>
            <div>
                <label class=LABEL for="name">"Full name"</label>
                <input id="name" name="name" autocomplete="name" class=INPUT value=typed_name node_ref=name
                    aria-invalid=aria.invalid("name") aria-describedby=aria.described("name")/>
                <FieldMessage error field="name"/>
            </div>
            <div>
                <label class=LABEL for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" class=INPUT value=typed_email node_ref=email
                    aria-invalid=aria.invalid("email") aria-describedby=aria.described("email")/>
                <FieldMessage error field="email"/>
            </div>
            <div>
                <label class=LABEL for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" class=INPUT node_ref=password
                    aria-invalid=aria.invalid("password") aria-describedby=aria.described_with("password", Some("password-hint"))/>
                <p id="password-hint" class="mt-1 text-xs text-slate-600">"At least 8 characters."</p>
                <FieldMessage error field="password"/>
            </div>
            {move || error.get().filter(|e| e.field().is_none()).map(|e| view! { <p class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
            <button type="submit" class=format!("{BUTTON} w-full") disabled=move || register.pending().get()>
                {move || if register.pending().get() { "Creating account…" } else { "Create account" }}
            </button>
        </form>
    }
}
