//! The outbox as admins see it: messages waiting, sent, skipped and given up; a given-up
//! message can be sent again once its cause (an address, the mail server) is fixed.

use crate::api::messages::{load_message_queue, RetryMessage};
use crate::domain::notify::MessageQueue;
use crate::ui::components::{
    use_notices, ErrorNotice, LocalDate, LocalTime, Panel, BUTTON_SECONDARY,
};
use leptos::prelude::*;

#[component]
pub fn MessageQueuePanel() -> impl IntoView {
    let notices = use_notices();
    let retry = ServerAction::<RetryMessage>::new();
    let queue = Resource::new(move || retry.version().get(), |_| load_message_queue());
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(_)) => notices.success("The message will be sent again."),
        Some(Err(e)) => notices.error(&e),
        None => {}
    });
    view! {
        <Panel title="Messages">
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(q) => view! { <Queue queue=q retry/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error retry=Callback::new(move |_| queue.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[component]
fn Queue(queue: MessageQueue, retry: ServerAction<RetryMessage>) -> impl IntoView {
    let summary = format!(
        "{} waiting · {} sent · {} not needed · {} given up",
        queue.pending, queue.sent, queue.skipped, queue.dead
    );
    view! {
        <p class="text-sm text-slate-700" data-testid="message-counts">{summary}</p>
        {if queue.undelivered.is_empty() {
            view! { <p class="mt-2 text-sm text-slate-600">"No message was given up."</p> }.into_any()
        } else {
            view! {
                <ul class="mt-3 divide-y divide-slate-200" data-testid="undelivered">
                    {queue.undelivered.into_iter().map(|m| {
                        let id = m.id;
                        view! {
                            <li class="flex flex-col gap-2 py-3 text-sm sm:flex-row sm:items-center">
                                <div class="flex-1">
                                    <p class="font-medium">{format!("{} to {} <{}>", m.kind.as_str().replace('_', " "), m.recipient_name, m.recipient_email)}</p>
                                    <p class="text-slate-600">
                                        {format!("Appointment {} · {} attempts · written ", m.appointment_id, m.attempts)}
                                        <LocalDate at=m.created_at/> " " <LocalTime at=m.created_at/>
                                    </p>
                                    <p class="break-all text-rose-800">{m.last_error}</p>
                                </div>
                                <button type="button" class=BUTTON_SECONDARY disabled=move || retry.pending().get()
                                    on:click=move |_| { retry.dispatch(RetryMessage { id }); }>
                                    "Send again"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
