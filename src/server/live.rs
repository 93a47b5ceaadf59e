//! Live updates. Every committed appointment change is an audit event; this process reads
//! new events in id order and broadcasts them to its open streams (`live_stream`). Reads are
//! woken by this process's own commits and, on PostgreSQL, by `NOTIFY` from any process, so
//! a change made through one app process reaches screens connected to every other.

use super::db::appointments::LIVE_CHANNEL;
use super::db::live::{self as feed, FeedRow};
use super::db::Db;
use crate::domain::AppointmentStatus;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};

/// What the open streams hear.
#[derive(Debug, Clone)]
pub enum Signal {
    Change(Arc<Change>),
    /// Something about a doctor's day that is not an appointment change (kept outside the
    /// audit trail's id sequence): "running late", or the walk-in queue.
    Day {
        doctor_id: i64,
        news: DayNews,
    },
    /// Something may have been missed (a slow stream, a lost database listener): reload.
    Resync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayNews {
    RunningLate,
    Queue,
}

impl DayNews {
    /// Its name in NOTIFY payloads and as the SSE event.
    pub fn as_str(self) -> &'static str {
        match self {
            DayNews::RunningLate => "running_late",
            DayNews::Queue => "queue",
        }
    }

    fn parse(text: &str) -> Option<DayNews> {
        [DayNews::RunningLate, DayNews::Queue]
            .into_iter()
            .find(|news| news.as_str() == text)
    }
}

/// One appointment change, as the feed carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub appointment_id: i64,
    pub doctor_id: i64,
    pub patient_id: i64,
    pub status: Option<AppointmentStatus>,
}

impl From<FeedRow> for Change {
    fn from(row: FeedRow) -> Change {
        Change {
            id: row.id,
            appointment_id: row.appointment_id,
            doctor_id: row.doctor_id,
            patient_id: row.patient_id,
            status: AppointmentStatus::parse(&row.to_status),
        }
    }
}

/// Streams buffered per process; a stream further behind than this gets `Resync`.
const CHANNEL_CAPACITY: usize = 1024;
/// Rows read per query while catching up.
pub const READ_BATCH: i64 = 500;
/// A safety net: the feed is read this often even when nothing woke it.
const POLL_EVERY: Duration = Duration::from_secs(5);
/// How long the database listener may stay silent before it is pinged.
const LISTENER_PING_AFTER: Duration = Duration::from_secs(30);

/// The process's live hub: cheap to clone, one per process.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Signal>,
    /// True once the server is stopping: streams end so connections can drain.
    closing: watch::Sender<bool>,
    /// Tells this process's running-late notices apart from other processes' on NOTIFY.
    origin: String,
}

impl Live {
    /// Starts reading the feed from its current end (and, on PostgreSQL, listening).
    pub async fn start(db: &Db) -> Result<Live, String> {
        let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
        let (closing, _) = watch::channel(false);
        let live = Live {
            inner: Arc::new(Inner {
                sender,
                closing,
                origin: format!("{:x}", rand::random::<u64>()),
            }),
        };
        let start = feed::last_id(db)
            .await
            .map_err(|e| format!("cannot read the live feed: {e}"))?;
        let wake = db.commits();
        if let Db::Postgres { pool, .. } = db {
            tokio::spawn(listen(pool.clone(), live.clone(), wake.clone()));
        }
        tokio::spawn(read_feed(db.clone(), live.clone(), wake, start));
        Ok(live)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.inner.sender.subscribe()
    }

    /// Completes when the server starts stopping.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    fn is_closed(&self) -> bool {
        *self.inner.closing.borrow()
    }

    fn send(&self, signal: Signal) {
        // An error only means that no stream is open right now.
        let _ = self.inner.sender.send(signal);
    }

    /// Announces news of a doctor's day committed by this process, here and, on PostgreSQL,
    /// to the other processes.
    pub async fn day_changed(&self, db: &Db, doctor_id: i64, news: DayNews) {
        self.send(Signal::Day { doctor_id, news });
        if let Db::Postgres { pool, .. } = db {
            let payload = format!("{}:{doctor_id}:{}", news.as_str(), self.inner.origin);
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(LIVE_CHANNEL)
                .bind(payload)
                .execute(pool)
                .await;
            if let Err(error) = sent {
                tracing::warn!(%error, "could not tell other processes of a change to the day");
            }
        }
    }

    /// A NOTIFY payload: `<news>:<doctor>:<origin>` (this process's own are already sent),
    /// or empty for a new audit event (read from the table, not the payload).
    fn heard(&self, payload: &str, wake: &Notify) {
        let mut parts = payload.split(':');
        let (news, doctor, origin) = (parts.next(), parts.next(), parts.next());
        match (
            news.and_then(DayNews::parse),
            doctor.and_then(|d| d.parse().ok()),
            origin,
        ) {
            (Some(news), Some(doctor_id), Some(origin)) => {
                if origin != self.inner.origin {
                    self.send(Signal::Day { doctor_id, news });
                }
            }
            _ => wake.notify_one(),
        }
    }
}

/// Reads new audit events in id order and broadcasts them, whenever woken (a commit here, a
/// NOTIFY from elsewhere) and every few seconds regardless.
async fn read_feed(db: Db, live: Live, wake: Arc<Notify>, mut last: i64) {
    let mut closing = live.closing();
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL_EVERY) => {}
            _ = closing.changed() => return,
        }
        loop {
            let rows = match feed::after(&db, last, &feed::Scope::All, READ_BATCH).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::warn!(?error, "cannot read the live feed; retrying");
                    break;
                }
            };
            let full = rows.len() as i64 == READ_BATCH;
            for row in rows {
                last = row.id;
                live.send(Signal::Change(Arc::new(Change::from(row))));
            }
            if !full {
                break;
            }
        }
    }
}

/// Listens for other processes' changes. A lost connection is re-made; whatever was
/// notified meanwhile is read back from the audit trail, and streams are told to resync
/// (news of a day may have been lost with it).
async fn listen(pool: sqlx::PgPool, live: Live, wake: Arc<Notify>) {
    let mut listening = false;
    while !live.is_closed() {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "live listener cannot connect; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(LIVE_CHANNEL).await {
            tracing::warn!(%error, "live listener cannot LISTEN; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        if listening {
            wake.notify_one();
            live.send(Signal::Resync);
        }
        listening = true;
        hear(&mut listener, &live, &wake).await;
    }
}

/// Passes notifications on until the connection is lost (or the server stops).
async fn hear(listener: &mut sqlx::postgres::PgListener, live: &Live, wake: &Notify) {
    let mut closing = live.closing();
    loop {
        let received = tokio::select! {
            received = tokio::time::timeout(LISTENER_PING_AFTER, listener.try_recv()) => received,
            _ = closing.changed() => return,
        };
        match received {
            Ok(Ok(Some(notification))) => live.heard(notification.payload(), wake),
            // sqlx re-connected by itself: notifications in between are lost.
            Ok(Ok(None)) => {
                wake.notify_one();
                live.send(Signal::Resync);
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "live listener lost its connection");
                return;
            }
            // Silence: make sure the connection is still there (no TCP keep-alive in sqlx).
            Err(_) => {
                let ping = sqlx::query("SELECT 1").execute(&mut *listener);
                if !matches!(
                    tokio::time::timeout(Duration::from_secs(5), ping).await,
                    Ok(Ok(_))
                ) {
                    tracing::warn!("live listener did not answer a ping");
                    return;
                }
            }
        }
    }
}
