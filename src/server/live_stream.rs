//! `GET /api/live`: a Server-Sent Events stream of the changes its user may see, and
//! `GET /api/live?doctor=ID`: a doctor's public calendar, told only that times changed.
//!
//! On connect the stream first sends what was missed since `Last-Event-ID` (the browser
//! sends it when it reconnects by itself), then `ready`, then changes as they commit.

use super::auth::session_user;
use super::db::live::{self as feed, FeedRow, Scope};
use super::db::{profiles, staff, Db};
use super::http::error_response;
use super::live::{Change, DayNews, Signal};
use super::state::AppState;
use crate::domain::models::User;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tower_sessions::Session;

/// More missed changes than this and the client is told to reload instead.
pub const CATCH_UP_LIMIT: i64 = 200;
/// A comment this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often an open stream checks that its user may still see what it carries.
const RECHECK_EVERY: Duration = Duration::from_secs(60);
/// How soon the browser reconnects after losing the stream.
const RETRY: Duration = Duration::from_millis(1500);

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    doctor: Option<i64>,
}

/// Who a stream is for, which decides what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Admin,
    Doctor(i64),
    /// Front-desk staff: the doctors they work for.
    Staff(Arc<[i64]>),
    Patient(i64),
    /// Anyone looking at this doctor's booking calendar: no personal data at all.
    Calendar(i64),
}

impl Audience {
    pub async fn of(db: &Db, user: &User) -> AppResult<Audience> {
        Ok(match user.role {
            Role::Admin => Audience::Admin,
            Role::Doctor => Audience::Doctor(user.id),
            Role::Patient => Audience::Patient(user.id),
            Role::Staff => Audience::Staff(staff::doctors_of(db, user.id).await?.into()),
        })
    }

    fn scope(&self) -> Scope {
        match self {
            Audience::Admin => Scope::All,
            Audience::Doctor(id) | Audience::Calendar(id) => Scope::Doctors(vec![*id]),
            Audience::Staff(ids) => Scope::Doctors(ids.to_vec()),
            Audience::Patient(id) => Scope::Patient(*id),
        }
    }

    pub fn sees(&self, change: &Change) -> bool {
        match self {
            Audience::Admin => true,
            Audience::Doctor(id) | Audience::Calendar(id) => change.doctor_id == *id,
            Audience::Staff(ids) => ids.contains(&change.doctor_id),
            Audience::Patient(id) => change.patient_id == *id,
        }
    }

    /// News of a doctor's day is for the doctor's screens; patients also hear "running
    /// late" (their own screens decide whether they have a visit with that doctor); the
    /// calendar hears neither.
    fn hears(&self, doctor_id: i64, news: DayNews) -> bool {
        match self {
            Audience::Admin => true,
            Audience::Patient(_) => news == DayNews::RunningLate,
            Audience::Doctor(id) => *id == doctor_id,
            Audience::Staff(ids) => ids.contains(&doctor_id),
            Audience::Calendar(_) => false,
        }
    }

    /// The SSE event for a change this audience sees.
    fn event(&self, change: &Change) -> Event {
        let event = Event::default().id(change.id.to_string());
        match self {
            Audience::Calendar(_) => event
                .event("times")
                .data(format!(r#"{{"doctor_id":{}}}"#, change.doctor_id)),
            _ => event.event("appointment").data(format!(
                r#"{{"appointment_id":{},"doctor_id":{},"status":"{}"}}"#,
                change.appointment_id,
                change.doctor_id,
                change.status.map(|s| s.as_str()).unwrap_or("")
            )),
        }
    }
}

/// `GET /api/live`.
pub async fn stream(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> Response {
    let audience = match audience(&state, &session, query.doctor).await {
        Ok(audience) => audience,
        Err(error) => return error_response(error),
    };
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Subscribed before reading what was missed, so nothing falls between the two.
    let receiver = state.live.subscribe();
    let opening = match opening(&state, &audience, last_seen).await {
        Ok(opening) => opening,
        Err(error) => return error_response(error),
    };
    let open = OpenStream {
        audience,
        recheck: tokio::time::interval_at(
            tokio::time::Instant::now() + RECHECK_EVERY,
            RECHECK_EVERY,
        ),
        state: state.clone(),
        session,
        receiver,
        closing: state.live.closing(),
        pending: opening.events,
        last_id: opening.last_id,
    };
    Sse::new(open.into_stream())
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

async fn audience(state: &AppState, session: &Session, doctor: Option<i64>) -> AppResult<Audience> {
    if let Some(doctor_id) = doctor {
        return match profiles::find(&state.db, doctor_id).await? {
            Some(_) => Ok(Audience::Calendar(doctor_id)),
            None => Err(AppError::not_found("That doctor")),
        };
    }
    let user = session_user(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Audience::of(&state.db, &user).await
}

/// What a stream sends before live changes: what was missed, then `ready`.
struct Opening {
    events: VecDeque<Event>,
    /// Changes up to here have been sent (or were never this stream's to send).
    last_id: i64,
}

async fn opening(
    state: &AppState,
    audience: &Audience,
    last_seen: Option<i64>,
) -> AppResult<Opening> {
    let mut events = VecDeque::new();
    let mut last_id = 0;
    if let Some(after) = last_seen {
        let newest = feed::last_id(&state.db).await?;
        let missed = feed::after(&state.db, after, &audience.scope(), CATCH_UP_LIMIT + 1).await?;
        // Too much missed, or an id from another database (restored, re-seeded): start over.
        if missed.len() as i64 > CATCH_UP_LIMIT || after > newest {
            events.push_back(resync());
            last_id = newest.max(missed.last().map_or(0, |row| row.id));
        } else {
            last_id = missed.last().map(|row| row.id).unwrap_or(after);
            events.extend(
                missed
                    .into_iter()
                    .map(|row: FeedRow| audience.event(&Change::from(row))),
            );
        }
    }
    events.push_back(Event::default().event("ready").retry(RETRY).data("{}"));
    Ok(Opening { events, last_id })
}

fn resync() -> Event {
    Event::default().event("resync").data("{}")
}

/// What woke a waiting stream.
enum Woke {
    Signal(Result<Signal, RecvError>),
    Closing,
    Recheck,
}

struct OpenStream {
    audience: Audience,
    /// Who may see what is checked again now and then: a stream ends when its user logs
    /// out or, for staff, when their doctors change (the browser then reconnects afresh).
    recheck: tokio::time::Interval,
    state: AppState,
    session: Session,
    receiver: broadcast::Receiver<Signal>,
    closing: watch::Receiver<bool>,
    pending: VecDeque<Event>,
    last_id: i64,
}

impl OpenStream {
    /// Whether the stream's user still has the audience it opened with.
    async fn still_allowed(&self) -> bool {
        if let Audience::Calendar(_) = self.audience {
            return true;
        }
        let Ok(Some(user)) = session_user(&self.state.db, &self.session).await else {
            return false;
        };
        matches!(Audience::of(&self.state.db, &user).await, Ok(now) if now == self.audience)
    }

    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> {
        stream::unfold(self, |mut open| async move {
            let event = open.next_event().await?;
            Some((Ok(event), open))
        })
    }

    /// The next event for this stream; `None` ends it (the server is stopping).
    async fn next_event(&mut self) -> Option<Event> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        loop {
            let woke = tokio::select! {
                signal = self.receiver.recv() => Woke::Signal(signal),
                _ = self.closing.wait_for(|closing| *closing) => Woke::Closing,
                _ = self.recheck.tick() => Woke::Recheck,
            };
            let signal = match woke {
                Woke::Signal(signal) => signal,
                Woke::Closing => return None,
                Woke::Recheck if self.still_allowed().await => continue,
                Woke::Recheck => return None,
            };
            match signal {
                Ok(Signal::Change(change)) => {
                    // Already sent while catching up, or not this stream's.
                    if change.id <= self.last_id || !self.audience.sees(&change) {
                        continue;
                    }
                    self.last_id = change.id;
                    return Some(self.audience.event(&change));
                }
                Ok(Signal::Day { doctor_id, news }) => {
                    if self.audience.hears(doctor_id, news) {
                        return Some(
                            Event::default()
                                .event(news.as_str())
                                .data(format!(r#"{{"doctor_id":{doctor_id}}}"#)),
                        );
                    }
                }
                Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => return Some(resync()),
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
