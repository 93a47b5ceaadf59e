use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub success: bool,
    pub text: String,
    /// Tells notices apart, so a timer only dismisses the one it was set for.
    serial: u64,
}

/// Success messages fade after this; errors stay until dismissed.
const SUCCESS_SECONDS: u64 = 6;

/// The message after every action (success, or why not), announced to screen readers.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<Notice>>, StoredValue<u64>);

impl Notices {
    fn show(&self, success: bool, text: String) -> u64 {
        self.1.update_value(|n| *n += 1);
        let serial = self.1.get_value();
        self.0.set(Some(Notice {
            success,
            text,
            serial,
        }));
        serial
    }

    pub fn success(&self, text: impl Into<String>) {
        let serial = self.show(true, text.into());
        let notices = self.0;
        set_timeout(
            move || {
                if notices.with_untracked(|n| n.as_ref().map(|n| n.serial)) == Some(serial) {
                    notices.set(None);
                }
            },
            std::time::Duration::from_secs(SUCCESS_SECONDS),
        );
    }

    pub fn error(&self, error: &AppError) {
        self.show(false, error.to_string());
    }

    pub fn clear(&self) {
        self.0.set(None);
    }
}

pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}

pub fn provide_notices() -> Notices {
    let notices = Notices(RwSignal::new(None), StoredValue::new(0));
    provide_context(notices);
    notices
}

#[component]
pub fn NoticeArea() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        // At the bottom: over the navigation or the page's title, it hid what it spoke of.
        <div aria-live="polite" role="status" class="fixed inset-x-0 bottom-3 z-50 flex justify-center px-3 pointer-events-none">
            {move || notices.0.get().map(|notice| {
                let colours = if notice.success {
                    "border-green-300 bg-green-50 text-green-900"
                } else {
                    "border-rose-300 bg-rose-50 text-rose-900"
                };
                view! {
                    <div class=format!("pointer-events-auto flex max-w-xl items-start gap-3 rounded-lg border px-4 py-3 shadow-lg {colours}")
                         data-testid="notice">
                        <span class="flex-1">{notice.text}</span>
                        <button class="-my-3 -mr-2 min-h-touch px-2 text-sm underline" on:click=move |_| notices.clear()>"Dismiss"</button>
                    </div>
                }
            })}
        </div>
    }
}

/// A load's data to show and its error, if any: a success is kept in `last`; a failure
/// shows `last` (what was on screen) under its error instead of wiping it.
pub fn keep_last<T: Clone + Send + Sync + 'static>(
    last: RwSignal<Option<T>>,
    result: Result<T, AppError>,
) -> (Option<T>, Option<AppError>) {
    match result {
        Ok(data) => {
            last.set(Some(data.clone()));
            (Some(data), None)
        }
        Err(e) => (last.get_untracked(), Some(e)),
    }
}

/// A failed load: what went wrong in plain words, and Retry. Callers keep what was on
/// screen before (their last data) under it.
#[component]
pub fn ErrorNotice(
    error: AppError,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div role="alert" data-testid="error-notice"
            class="flex flex-wrap items-center gap-3 rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900">
            <span class="flex-1">{error.to_string()}</span>
            {retry.map(|retry| view! {
                <button type="button" class=super::BUTTON_SECONDARY on:click=move |_| retry.run(())>"Retry"</button>
            })}
        </div>
    }
}

/// The error message for one form field, shown next to it; its id (`<field>-error`) is what
/// the input's `aria-describedby` names (see `field_state`).
#[component]
pub fn FieldMessage(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().and_then(|e| {
            e.message_for(field).map(|message| {
                view! { <p id=format!("{field}-error") class="mt-1 text-sm text-rose-700">{message.to_string()}</p> }
            })
        })
    }
}

/// The `aria-invalid` and `aria-describedby` of a form's inputs, from the form's error:
/// an input names its message (`FieldMessage`) while there is one about it.
#[derive(Clone, Copy)]
pub struct FieldAria(pub Signal<Option<AppError>>);

impl FieldAria {
    fn wrong(self, field: &'static str) -> bool {
        self.0
            .with(|e| e.as_ref().and_then(|e| e.message_for(field)).is_some())
    }

    pub fn invalid(self, field: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
        move || if self.wrong(field) { "true" } else { "false" }
    }

    pub fn described(
        self,
        field: &'static str,
    ) -> impl Fn() -> Option<String> + Copy + Send + Sync {
        self.described_with(field, None)
    }

    /// Also names `hint`, the id of the field's standing help text.
    pub fn described_with(
        self,
        field: &'static str,
        hint: Option<&'static str>,
    ) -> impl Fn() -> Option<String> + Copy + Send + Sync {
        move || {
            let message = self.wrong(field).then(|| format!("{field}-error"));
            let ids: Vec<String> = hint.map(str::to_owned).into_iter().chain(message).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }
}
