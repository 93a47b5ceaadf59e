//! The live channel in the browser: a page opens one Server-Sent Events stream, shows its
//! state (live, reconnecting, offline), and reloads its data whenever `changes` ticks: on
//! every change the server reports, and whenever the stream (re)opens, so a screen that
//! was cut off converges to the server's state.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Live,
    Reconnecting,
    Offline,
}

impl LiveStatus {
    fn label(self) -> &'static str {
        match self {
            LiveStatus::Connecting => "Connecting…",
            LiveStatus::Live => "Live",
            LiveStatus::Reconnecting => "Reconnecting…",
            LiveStatus::Offline => "Offline",
        }
    }

    fn style(self) -> &'static str {
        match self {
            LiveStatus::Live => "bg-green-50 text-green-800 ring-green-300",
            LiveStatus::Connecting | LiveStatus::Reconnecting => {
                "bg-amber-50 text-amber-900 ring-amber-300"
            }
            LiveStatus::Offline => "bg-rose-50 text-rose-900 ring-rose-300",
        }
    }
}

#[derive(Clone, Copy)]
pub struct LiveFeed {
    pub status: ReadSignal<LiveStatus>,
    /// Ticks when the page should reload what it shows.
    pub changes: ReadSignal<u32>,
}

/// The events a stream sends (see `server::live_stream`): each means "reload".
#[cfg(feature = "hydrate")]
const EVENTS: [&str; 6] = [
    "ready",
    "appointment",
    "times",
    "running_late",
    "queue",
    "resync",
];

/// Opens `url` as an event stream for as long as the calling component lives. On the
/// server it only provides the signals.
pub fn use_live(url: String) -> LiveFeed {
    let (status, set_status) = signal(LiveStatus::Connecting);
    let (changes, set_changes) = signal(0u32);
    // Opened once the page is hydrated (effects run only then), so no event can change
    // what the page shows while it is being hydrated.
    #[cfg(feature = "hydrate")]
    Effect::new(move |opened: Option<()>| {
        if opened.is_none() {
            browser::open(url.clone(), set_status, set_changes);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, set_status, set_changes);
    LiveFeed { status, changes }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{LiveStatus, EVENTS};
    use leptos::prelude::*;
    use std::time::Duration;
    use wasm_bindgen::prelude::*;
    use web_sys::{Event, EventSource};

    /// After the browser gives up on a stream (an error answer rather than a lost
    /// connection), a new one is opened this much later.
    const REOPEN_AFTER: Duration = Duration::from_secs(3);

    struct Connection {
        source: EventSource,
        _handlers: Vec<Closure<dyn FnMut(Event)>>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    type Slot = StoredValue<Option<Connection>, LocalStorage>;

    pub fn open(url: String, status: WriteSignal<LiveStatus>, changes: WriteSignal<u32>) {
        let slot: Slot = StoredValue::new_local(None);
        connect(slot, url, status, changes);
        on_cleanup(move || {
            // Dropping the connection closes the stream.
            slot.try_update_value(|connection| connection.take());
        });
    }

    fn connect(
        slot: Slot,
        url: String,
        status: WriteSignal<LiveStatus>,
        changes: WriteSignal<u32>,
    ) {
        let Ok(source) = EventSource::new(&url) else {
            status.set(LiveStatus::Offline);
            return;
        };
        let mut handlers = Vec::new();
        for name in EVENTS {
            let handler = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                if name == "ready" {
                    status.try_set(LiveStatus::Live);
                }
                changes.try_update(|n| *n = n.wrapping_add(1));
            });
            let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
            handlers.push(handler);
        }
        let watched = source.clone();
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if watched.ready_state() == EventSource::CLOSED {
                status.try_set(LiveStatus::Offline);
                let url = url.clone();
                set_timeout(
                    move || {
                        if slot.try_with_value(|c| c.is_some()) == Some(true) {
                            connect(slot, url, status, changes);
                        }
                    },
                    REOPEN_AFTER,
                );
            } else {
                // The browser is already reconnecting, with Last-Event-ID.
                status.try_set(LiveStatus::Reconnecting);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        handlers.push(on_error);
        slot.try_set_value(Some(Connection {
            source,
            _handlers: handlers,
        }));
    }
}

/// A small pill saying whether the screen is live.
#[component]
pub fn LiveIndicator(feed: LiveFeed) -> impl IntoView {
    // With the device offline the stream cannot come back yet: say so, not "reconnecting".
    let device = use_context::<crate::ui::offline::Offline>();
    let status = move || match device {
        Some(device) if !device.online.get() => LiveStatus::Offline,
        _ => feed.status.get(),
    };
    view! {
        <span role="status" aria-live="polite" data-testid="live-status"
            data-state=move || format!("{:?}", status()).to_lowercase()
            class=move || format!("inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-sm font-medium ring-1 {}", status().style())>
            <span aria-hidden="true" class="h-2 w-2 rounded-full bg-current"></span>
            {move || status().label()}
        </span>
    }
}
