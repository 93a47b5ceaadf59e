//! The app's side of offline use. The device's store and outbox live in `public/offline.js`
//! (shared with the service worker); this module calls it, and keeps what the screens show
//! about it in signals: online or offline, when the stored data was fetched, the changes
//! waiting to sync, and whether a new version is ready.
//!
//! Changes that may be made offline go through [`QueuedAction`] instead of `ServerAction`:
//! the same server function, sent by the outbox with an `Idempotency-Key`.

use crate::domain::models::User;
use crate::error::AppError;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use server_fn::ServerFn;

/// A change kept on the device until the server has answered it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    pub seq: u32,
    pub path: String,
    /// The server function's JSON arguments.
    pub body: String,
    pub label: String,
    /// When it was made, on the device's clock (RFC 3339).
    pub made_at: String,
    pub state: EntryState,
    /// The server's refusal (an `AppError` as JSON), for a conflict.
    #[serde(default)]
    pub answer: Option<String>,
    /// The patient the change is about, when the desk picked one (for a retry).
    #[serde(default)]
    pub patient: Option<User>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// Not sent yet, or sent without an answer.
    Waiting,
    /// The session had expired: sent again after the user logs in.
    Login,
    /// The server refused it; the user retries or discards it.
    Conflict,
}

impl OutboxEntry {
    /// The server's refusal, in words.
    pub fn problem(&self) -> Option<String> {
        let answer = self.answer.as_deref()?;
        Some(match serde_json::from_str::<AppError>(answer) {
            Ok(error) => error.to_string(),
            Err(_) => AppError::Internal.to_string(),
        })
    }

    /// The entry's arguments, if it is a call of server function `S`.
    pub fn call_of<S: ServerFn + DeserializeOwned>(&self) -> Option<S> {
        (self.path == S::PATH)
            .then(|| serde_json::from_str(&self.body).ok())
            .flatten()
    }
}

/// The device's offline state, shared by every screen.
#[derive(Clone, Copy)]
pub struct Offline {
    pub online: RwSignal<bool>,
    pub entries: RwSignal<Vec<OutboxEntry>>,
    /// When the stored data was last fetched (milliseconds since 1970).
    pub last_updated: RwSignal<Option<f64>>,
    pub update_ready: RwSignal<bool>,
}

impl Offline {
    /// Provides the state and, in the browser, keeps it in step with the device.
    pub fn provide() -> Offline {
        let offline = Offline {
            online: RwSignal::new(true),
            entries: RwSignal::new(Vec::new()),
            last_updated: RwSignal::new(None),
            update_ready: RwSignal::new(false),
        };
        provide_context(offline);
        #[cfg(feature = "hydrate")]
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                browser::watch(offline);
            }
        });
        offline
    }

    /// Changes not applied by the server yet (waiting, or waiting for a log-in).
    pub fn waiting(&self) -> usize {
        self.entries.with(|entries| {
            entries
                .iter()
                .filter(|e| e.state != EntryState::Conflict)
                .count()
        })
    }
}

pub fn use_offline() -> Offline {
    expect_context::<Offline>()
}

/// What a change queued on the device tells the user.
pub const SAVED_ON_DEVICE: &str =
    "Saved on this device. It will be sent when the connection is back.";

/// What became of a change: applied by the server, or kept on the device to sync later.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent<T> {
    Applied(T),
    Queued,
}

pub type Outcome<S> = Result<Sent<<S as ServerFn>::Output>, AppError>;

/// What the outbox keeps besides the call: what it does, and whom it is about. (Read by
/// the browser's outbox only; the server never dispatches.)
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct About {
    label: String,
    patient: Option<User>,
    /// Whose change it is: the outbox sends a user's changes only in their session.
    user_id: Option<i64>,
}

/// A server function call that survives being offline: stored in the outbox first, sent
/// with an idempotency key, and replayed in order when the network is back.
pub struct QueuedAction<S: ServerFn + 'static>
where
    S::Output: 'static,
{
    action: Action<(S, About), Outcome<S>>,
    auth: Option<crate::ui::components::Auth>,
}

impl<S: ServerFn + 'static> Clone for QueuedAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static> Copy for QueuedAction<S> {}

impl<S> QueuedAction<S>
where
    S: ServerFn<Error = AppError> + Serialize + Clone + 'static,
    S::Output: DeserializeOwned + Clone + 'static,
{
    /// `done` handles each answer as it arrives. It runs in the task that sent the
    /// call, not in an effect of the component: a live update can replace the component
    /// (the list it was in reloaded) before the answer comes, and what the answer says
    /// (its notice) would be lost with it.
    pub fn new(done: impl Fn(&Outcome<S>) + 'static) -> Self {
        #[cfg(feature = "hydrate")]
        let action = {
            let done = std::rc::Rc::new(done);
            Action::new_local(move |(call, about): &(S, About)| {
                let sent = submit::<S>(call.clone(), about.clone());
                let done = done.clone();
                async move {
                    let outcome = sent.await;
                    done(&outcome);
                    outcome
                }
            })
        };
        // The server renders pages but never dispatches; and a captured `done` would be
        // dropped on whichever thread frees the page, which a local action must not be.
        #[cfg(not(feature = "hydrate"))]
        let action = {
            drop(done);
            Action::new_local(|(call, about): &(S, About)| submit::<S>(call.clone(), about.clone()))
        };
        let auth = use_context::<crate::ui::components::Auth>();
        QueuedAction { action, auth }
    }

    /// Sends `call`; `label` says what it does, for the list of changes waiting to sync.
    pub fn dispatch(&self, call: S, label: String) {
        self.dispatch_for(call, label, None);
    }

    /// As `dispatch`, keeping the patient it is about with it in the outbox.
    pub fn dispatch_for(&self, call: S, label: String, patient: Option<User>) {
        let user_id = self
            .auth
            .and_then(|auth| auth.user.get_untracked())
            .and_then(|user| user.ok().flatten())
            .map(|user| user.id);
        let about = About {
            label,
            patient,
            user_id,
        };
        self.action.dispatch_local((call, about));
    }

    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}

#[cfg(feature = "hydrate")]
async fn submit<S>(call: S, about: About) -> Outcome<S>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Output: DeserializeOwned,
{
    let body = serde_json::to_string(&call).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let patient = about.patient.and_then(|p| serde_json::to_string(&p).ok());
    let stored = browser::submit(S::PATH, &body, &about.label, patient, about.user_id).await;
    let Some(answer) = stored else {
        // Without the outbox script (it failed to load): a plain call.
        return call.run_on_client().await.map(Sent::Applied);
    };
    match answer {
        None => Ok(Sent::Queued),
        Some((status, text)) if (200..300).contains(&status) => serde_json::from_str(&text)
            .map(Sent::Applied)
            .map_err(|e| AppError::Network(e.to_string())),
        Some((_, text)) => Err(serde_json::from_str(&text).unwrap_or_else(|_| {
            AppError::Network("The server's answer was not understood.".into())
        })),
    }
}

/// Actions are dispatched in the browser only; pages rendered on the server never send one.
#[cfg(not(feature = "hydrate"))]
async fn submit<S: ServerFn>(_: S, _: About) -> Outcome<S> {
    Err(AppError::Network(
        "Changes are sent from the browser.".into(),
    ))
}

/// Sends what waits in the outbox now (after logging in, or on a "Try again").
pub fn replay() {
    #[cfg(feature = "hydrate")]
    browser::call("replay", &[]);
}

/// Sends a refused change once more.
pub fn retry(seq: u32) {
    #[cfg(feature = "hydrate")]
    browser::call("retry", &[seq.into()]);
    #[cfg(not(feature = "hydrate"))]
    let _ = seq;
}

/// Drops a change from the outbox for good.
pub fn discard(seq: u32) {
    #[cfg(feature = "hydrate")]
    browser::call("discard", &[seq.into()]);
    #[cfg(not(feature = "hydrate"))]
    let _ = seq;
}

/// Log-out: the device forgets the user's data, outbox and stored pages.
pub fn forget() {
    #[cfg(feature = "hydrate")]
    browser::call("forget", &[]);
}

/// Asks the service worker to store the user's pages, so they open offline before their
/// first visit.
pub fn keep_pages(paths: &[&str]) {
    #[cfg(feature = "hydrate")]
    {
        let list = js_sys::Array::new();
        for path in paths {
            list.push(&(*path).into());
        }
        browser::call("keepPages", &[list.into()]);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = paths;
}

/// Swaps in the new version and reloads.
pub fn apply_update() {
    #[cfg(feature = "hydrate")]
    browser::call("applyUpdate", &[]);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Offline, OutboxEntry};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// `window.appOffline.<name>(...args)`; `None` when the script is not there.
    pub fn call(name: &str, args: &[JsValue]) -> Option<JsValue> {
        let api = js_sys::Reflect::get(&js_sys::global(), &"appOffline".into()).ok()?;
        if api.is_undefined() {
            return None;
        }
        let function: js_sys::Function = js_sys::Reflect::get(&api, &name.into())
            .ok()?
            .dyn_into()
            .ok()?;
        let list = js_sys::Array::new();
        for arg in args {
            list.push(arg);
        }
        function.apply(&api, &list).ok()
    }

    async fn call_async(name: &str, args: &[JsValue]) -> Option<Result<JsValue, JsValue>> {
        let promise: js_sys::Promise = call(name, args)?.dyn_into().ok()?;
        Some(wasm_bindgen_futures::JsFuture::from(promise).await)
    }

    fn field(object: &JsValue, name: &str) -> JsValue {
        js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// The outbox's answer: `None` without the script; `Some(None)` when queued.
    pub async fn submit(
        path: &str,
        body: &str,
        label: &str,
        patient: Option<String>,
        user_id: Option<i64>,
    ) -> Option<Option<(u16, String)>> {
        let patient = patient.map_or(JsValue::NULL, JsValue::from);
        // Ids are far below 2^53: exact as a JavaScript number.
        let user = user_id.map_or(JsValue::NULL, |id| JsValue::from_f64(id as f64));
        let args = [path.into(), body.into(), label.into(), patient, user];
        let answer = match call_async("submit", &args).await? {
            Ok(answer) => answer,
            // The change could not be stored (private mode, a full disk), so nothing was
            // sent: a plain call instead.
            Err(_) => return None,
        };
        if answer.is_null() || answer.is_undefined() {
            return Some(None);
        }
        let status = field(&answer, "status").as_f64().unwrap_or(0.0) as u16;
        let text = field(&answer, "text").as_string().unwrap_or_default();
        Some(Some((status, text)))
    }

    async fn refresh(offline: Offline) {
        if let Some(Ok(list)) = call_async("entries", &[]).await {
            let text = js_sys::JSON::stringify(&list)
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            let entries: Vec<OutboxEntry> = serde_json::from_str(&text).unwrap_or_default();
            offline.entries.set(entries);
        }
        if let Some(Ok(at)) = call_async("lastUpdated", &[]).await {
            offline.last_updated.set(at.as_f64());
        }
        let ready = call("updateReady", &[]).and_then(|r| r.as_bool());
        offline.update_ready.set(ready.unwrap_or(false));
    }

    fn online_now() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    /// Listens for the device's events for as long as the app runs.
    pub fn watch(offline: Offline) {
        let Some(window) = web_sys::window() else {
            return;
        };
        offline.online.set(online_now());
        leptos::task::spawn_local(refresh(offline));
        for event in ["online", "offline", "outbox-changed", "app-update-ready"] {
            let listener = Closure::<dyn Fn()>::new(move || {
                offline.online.set(online_now());
                leptos::task::spawn_local(refresh(offline));
            });
            let _ =
                window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            // The app lives as long as the page: the listener is never removed.
            listener.forget();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::booking::ChangeAppointmentStatus;
    use crate::api::clinic_day::AddWalkIn;
    use crate::domain::StatusAction;

    /// An entry as `offline.js` stores it.
    fn entry(path: &str, body: &str, state: &str, answer: Option<&str>) -> OutboxEntry {
        let json = serde_json::json!({
            "seq": 7, "key": "k", "path": path, "body": body, "label": "Check in · Pat",
            "madeAt": "2026-11-27T09:41:00.000Z", "state": state, "offline": true,
            "answer": answer, "patient": null,
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn entries_read_as_the_calls_they_hold() {
        let body = r#"{"appointment_id":12,"action":"check_in","reason":""}"#;
        let waiting = entry("/api/appointment_status", body, "waiting", None);
        assert_eq!(waiting.state, EntryState::Waiting);
        let call = waiting.call_of::<ChangeAppointmentStatus>().unwrap();
        assert_eq!(
            (call.appointment_id, call.action),
            (12, StatusAction::CheckIn)
        );
        // Another server function's entry is not this call.
        assert!(waiting.call_of::<AddWalkIn>().is_none());
        assert_eq!(waiting.problem(), None);
    }

    #[test]
    fn a_refusal_reads_as_the_servers_message() {
        let answer = r#"{"error":"conflict","detail":"This time was just taken. Please pick another time."}"#;
        let refused = entry("/api/book_walk_in", "{}", "conflict", Some(answer));
        assert_eq!(refused.state, EntryState::Conflict);
        assert_eq!(
            refused.problem().as_deref(),
            Some("This time was just taken. Please pick another time.")
        );
        let garbled = entry("/api/book_walk_in", "{}", "conflict", Some("<html>"));
        assert_eq!(garbled.problem(), Some(AppError::Internal.to_string()));
    }
}
