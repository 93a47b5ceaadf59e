//! Database access for SQLite (embedded default) and PostgreSQL (scale-out).
//!
//! Both engines run the same SQL text: instants are stored as integer Unix seconds and
//! placeholders are `$n`, which both accept. The `with_pool!`/`with_tx!` macros expand one
//! query expression for each engine, so every query is written once and type-checked twice.

pub mod appointments;
pub mod availability;
pub mod history;
pub mod hours;
pub mod idempotency;
pub mod insight;
pub mod live;
pub mod messaging;
pub mod outbox;
pub mod plans;
pub mod profiles;
pub mod running_late;
pub mod services;
pub mod staff;
pub mod users;
pub mod walk_ins;

use crate::error::AppError;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        pool: SqlitePool,
        /// SQLite has one writer at a time; queueing writers here instead of in SQLite's
        /// busy handler (which sleeps in steps of up to 100 ms) keeps bookings fast and fair.
        writer: Arc<Mutex<()>>,
        /// Woken after each write commits, so the live feed reads the change at once.
        committed: Arc<Notify>,
    },
    Postgres {
        pool: PgPool,
        /// Writers waiting for one doctor's lock each hold a connection; capping them below
        /// the pool size keeps connections free for everything else during a burst.
        writers: Arc<tokio::sync::Semaphore>,
        committed: Arc<Notify>,
    },
}

/// A write transaction that holds the doctor's booking lock until commit or drop.
pub enum Tx {
    Sqlite {
        tx: Transaction<'static, Sqlite>,
        _writer: OwnedMutexGuard<()>,
        committed: Arc<Notify>,
    },
    Postgres {
        tx: Transaction<'static, Postgres>,
        _writer: tokio::sync::OwnedSemaphorePermit,
        committed: Arc<Notify>,
    },
}

/// Runs `$body` with `$pool` bound to the engine's pool.
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite { pool: $pool, .. } => $body,
            $crate::server::db::Db::Postgres { pool: $pool, .. } => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection.
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::server::db::Tx::Sqlite { tx, .. } => {
                let $conn = &mut **tx;
                $body
            }
            $crate::server::db::Tx::Postgres { tx, .. } => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Runs `$body` with `$conn` bound to the pool or to the transaction's connection, so a
/// read used both outside and inside a booking transaction is written once.
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::server::db::Conn::Pool(db) => $crate::server::db::with_pool!(db, |$c| $body),
            $crate::server::db::Conn::Tx(tx) => $crate::server::db::with_tx!(tx, |$c| $body),
        }
    };
}

pub(crate) use with_conn;
pub(crate) use with_pool;
pub(crate) use with_tx;

/// Where a read runs: on the pool, or inside a write transaction (under the doctor's lock).
pub enum Conn<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl Conn<'_> {
    /// The same place for one more query, keeping `self` usable afterwards.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Pool(db) => Conn::Pool(db),
            Conn::Tx(tx) => Conn::Tx(tx),
        }
    }
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

/// Keeps our advisory locks apart from any other user of `pg_advisory_xact_lock`.
const DOCTOR_LOCK_SPACE: i64 = 0x4150_5054 << 32;

const PG_CONNECTIONS: u32 = 20;

impl Db {
    /// Connects to `url`: `postgres://...` selects PostgreSQL, anything else is a SQLite file
    /// (created if missing).
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(PG_CONNECTIONS)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            let writers = Arc::new(tokio::sync::Semaphore::new(PG_CONNECTIONS as usize / 2));
            return Ok(Db::Postgres {
                pool,
                writers,
                committed: Arc::default(),
            });
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite {
            pool,
            writer: Arc::new(Mutex::new(())),
            committed: Arc::default(),
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite { pool, .. } => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Db::Postgres { pool, .. } => sqlx::migrate!("./migrations/postgres").run(pool).await,
        }
    }

    /// Starts a write transaction serialised per doctor, so that the checks made inside it
    /// (free time, no overlap) still hold at commit. SQLite takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once
    /// with SQLITE_BUSY when another writer is active. PostgreSQL takes an advisory lock on
    /// the doctor, which also avoids the deadlocks that racing exclusion-constraint inserts
    /// can produce. A request with an idempotency key that was applied while this one
    /// waited for the lock stops here (see `idempotency`).
    pub async fn begin_write(&self, doctor_id: i64) -> Result<Tx, AppError> {
        match self {
            Db::Sqlite {
                pool,
                writer,
                committed,
            } => {
                let guard = writer.clone().lock_owned().await;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let mut tx = Tx::Sqlite {
                    tx,
                    _writer: guard,
                    committed: committed.clone(),
                };
                idempotency::check_under_lock(&mut tx).await?;
                Ok(tx)
            }
            Db::Postgres {
                pool,
                writers,
                committed,
            } => {
                let writer = writers
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(AppError::internal)?;
                let mut tx = pool.begin().await.map_err(AppError::internal)?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(DOCTOR_LOCK_SPACE | doctor_id)
                    .execute(&mut *tx)
                    .await?;
                let mut tx = Tx::Postgres {
                    tx,
                    _writer: writer,
                    committed: committed.clone(),
                };
                idempotency::check_under_lock(&mut tx).await?;
                Ok(tx)
            }
        }
    }
}

impl Db {
    /// Woken after each write transaction commits.
    pub fn commits(&self) -> Arc<Notify> {
        match self {
            Db::Sqlite { committed, .. } | Db::Postgres { committed, .. } => committed.clone(),
        }
    }

    /// One integer from a query without arguments, for tests and the benchmark.
    pub async fn scalar_i64(&self, sql: &str) -> Result<i64, sqlx::Error> {
        with_pool!(self, |pool| sqlx::query_scalar(sql).fetch_one(pool).await)
    }

    /// All rows of a query without arguments, for tests and the benchmark.
    pub async fn rows<T>(&self, sql: &str) -> Result<Vec<T>, sqlx::Error>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        with_pool!(self, |pool| sqlx::query_as(sql).fetch_all(pool).await)
    }

    /// Runs one statement without arguments, for tests and the benchmark.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        with_pool!(self, |pool| sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
    }

    /// After a bulk load (benchmark history): fresh planner statistics, and the write-ahead
    /// log folded into the database so the next writes do not pay for the checkpoint.
    pub async fn settle_after_bulk_load(&self) -> Result<(), sqlx::Error> {
        self.execute("ANALYZE").await?;
        match self {
            Db::Sqlite { .. } => self.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?,
            Db::Postgres { .. } => self.execute("CHECKPOINT").await?,
        };
        Ok(())
    }

    pub fn is_closed(&self) -> bool {
        with_pool!(self, |pool| pool.is_closed())
    }

    /// Closes the pool: waits for connections in use, then closes them all.
    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }
}

impl Tx {
    /// Commits, then wakes this process's live feed (other processes hear of it through
    /// PostgreSQL's NOTIFY).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let committed = match self {
            Tx::Sqlite { tx, committed, .. } => tx.commit().await.map(|()| committed),
            Tx::Postgres { tx, committed, .. } => tx.commit().await.map(|()| committed),
        }?;
        committed.notify_one();
        Ok(())
    }
}

/// A database refusal that is a normal outcome, recognised by constraint or trigger name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    EmailTaken,
    ServiceNameTaken,
    AppointmentOverlap,
    AvailabilityOverlap,
}

/// Names as they appear in PostgreSQL constraint names, SQLite trigger messages, and SQLite's
/// "UNIQUE constraint failed: table.column" messages.
const VIOLATIONS: [(&str, Violation); 6] = [
    ("users_email_unique", Violation::EmailTaken),
    ("users.email", Violation::EmailTaken),
    ("services_doctor_name_unique", Violation::ServiceNameTaken),
    (
        "services.doctor_id, services.name",
        Violation::ServiceNameTaken,
    ),
    ("appointments_no_overlap", Violation::AppointmentOverlap),
    ("availability_no_overlap", Violation::AvailabilityOverlap),
];

pub fn violation(error: &sqlx::Error) -> Option<Violation> {
    let db_error = error.as_database_error()?;
    let constraint = db_error.constraint().unwrap_or_default();
    let message = db_error.message();
    VIOLATIONS
        .iter()
        .find(|(name, _)| constraint == *name || message.contains(name))
        .map(|(_, violation)| *violation)
}

/// `(starts_at, ends_at)` rows as ranges; a row that is not a range is skipped.
/// Rows gathered per doctor, each doctor's in the order they came (for reads that cover
/// every doctor at once).
pub(crate) fn by_doctor<T>(
    rows: impl IntoIterator<Item = (i64, T)>,
) -> std::collections::HashMap<i64, Vec<T>> {
    let mut grouped: std::collections::HashMap<i64, Vec<T>> = Default::default();
    for (doctor, row) in rows {
        grouped.entry(doctor).or_default().push(row);
    }
    grouped
}

pub(crate) fn to_ranges(rows: Vec<(i64, i64)>) -> Vec<crate::domain::TimeRange> {
    rows.into_iter()
        .filter_map(|(start, end)| crate::domain::TimeRange::new(from_ts(start), from_ts(end)).ok())
        .collect()
}

pub fn to_ts(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

pub fn from_ts(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}
