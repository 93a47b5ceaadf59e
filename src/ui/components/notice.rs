use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub success: bool,
    pub text: String,
}

/// The message after every action (success, or why not), announced to screen readers.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<Notice>>);

impl Notices {
    pub fn success(&self, text: impl Into<String>) {
        self.0.set(Some(Notice {
            success: true,
            text: text.into(),
        }));
    }

    pub fn error(&self, error: &AppError) {
        self.0.set(Some(Notice {
            success: false,
            text: error.to_string(),
        }));
    }

    pub fn clear(&self) {
        self.0.set(None);
    }
}

pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}

pub fn provide_notices() -> Notices {
    let notices = Notices(RwSignal::new(None));
    provide_context(notices);
    notices
}

#[component]
pub fn NoticeArea() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        <div aria-live="polite" role="status" class="fixed inset-x-0 top-3 z-50 flex justify-center px-3 pointer-events-none">
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
                        <button class="text-sm underline" on:click=move |_| notices.clear()>"Dismiss"</button>
                    </div>
                }
            })}
        </div>
    }
}

/// The error message for one form field, shown next to it.
#[component]
pub fn FieldMessage(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().and_then(|e| {
            (e.field() == Some(field)).then(|| {
                view! { <p class="mt-1 text-sm text-rose-700">{e.to_string()}</p> }
            })
        })
    }
}
