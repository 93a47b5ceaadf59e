//! The log-in form, on the log-in page and inside the booking dialog. It is a plain form
//! posted to `/login` until the app has loaded; then the app sends it and keeps what was
//! typed meanwhile.

use crate::api::auth::{FormRefusal, Login};
use crate::domain::models::User;
use crate::error::AppError;
use crate::ui::components::{use_auth, BUTTON, INPUT, LABEL};
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// After a successful log-in or registration: refresh who is logged in and go on to `next`
/// or to the user's start page.
fn after_log_in(user: &User, next: Option<String>) {
    use_auth().refresh();
    // Changes kept on the device while the session had lapsed go out now.
    crate::ui::offline::replay();
    let target = next.unwrap_or_else(|| user.role.home_path().into());
    use_navigate()(&target, Default::default());
}

/// The error of the last attempt: the app's own, or a refused form post's (from the server).
pub fn form_errors(
    value: impl Fn() -> Option<Result<User, AppError>> + 'static,
    flash: Option<FormRefusal>,
    next: Option<String>,
    signed_in: Option<Callback<()>>,
) -> Signal<Option<AppError>> {
    let error = RwSignal::new(flash.map(|f| f.error));
    Effect::new(move |_| match value() {
        Some(Ok(user)) => {
            error.set(None);
            match signed_in {
                // Logged in where the user is (the booking dialog): stay there.
                Some(signed_in) => {
                    use_auth().refresh();
                    crate::ui::offline::replay();
                    signed_in.run(());
                }
                None => after_log_in(&user, next.clone()),
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    error.into()
}

/// A text input's current value (what the user typed, also before the app loaded).
pub fn typed(input: NodeRef<Input>) -> String {
    input.get_untracked().map(|i| i.value()).unwrap_or_default()
}

/// The log-in form; `next` is where to go afterwards. Used by the log-in page and inside
/// the booking dialog.
#[component]
pub fn LoginForm(
    flash: Option<FormRefusal>,
    next: Option<String>,
    /// Called after log-in instead of going to `next`.
    #[prop(optional)]
    signed_in: Option<Callback<()>>,
    /// Ids of the inputs, unique on the page (the dialog's form sits on other pages).
    #[prop(default = "")]
    id_prefix: &'static str,
) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let email = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let typed_email = flash.as_ref().map(|f| f.email.clone()).unwrap_or_default();
    let error = form_errors(move || login.value().get(), flash, next.clone(), signed_in);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        login.dispatch(Login {
            email: typed(email),
            password: typed(password),
        });
    };
    let id = move |name: &str| format!("{id_prefix}{name}");
    let error_id = id("login-error");
    let described = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <form method="post" action="/login" on:submit=submit class="space-y-4" novalidate>
            <input type="hidden" name="next" value=next.clone().unwrap_or_default()/>
            <div>
                <label class=LABEL for=id("email")>"Email"</label>
                <input id=id("email") name="email" type="email" autocomplete="username" required class=INPUT
                    value=typed_email node_ref=email
                    aria-invalid=move || error.get().is_some().to_string() aria-describedby=described.clone()/>
            </div>
            <div>
                <label class=LABEL for=id("password")>"Password"</label>
                <input id=id("password") name="password" type="password" autocomplete="current-password" required class=INPUT
                    node_ref=password
                    aria-invalid=move || error.get().is_some().to_string() aria-describedby=described/>
            </div>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="text-sm text-rose-700" role="alert">{e.to_string()}</p> })}
            <button type="submit" class=format!("{BUTTON} w-full") disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
            </button>
        </form>
    }
}
