//! The idempotency-key table, and the write context that carries a request's key into the
//! write transaction its service opens.
//!
//! Services do not take the key as an argument: `server::idempotency` runs them inside a
//! task-local [`Scope`], and the two places every change passes through read it:
//! `Db::begin_write` (was this key applied while we waited for the doctor's lock?) and
//! `Tx::remember` (store the key and the answer in the same transaction as the change).

use super::{with_conn, with_tx, Conn, Tx};
use crate::error::{AppError, AppResult};
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// A key as it was stored by the first request that carried it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub fingerprint: String,
    /// The JSON answer, when the endpoint answers with what it changed.
    pub answer: Option<String>,
}

/// The request being applied: who sent which key, with which request (its fingerprint), and
/// when the device made the change if it was made offline.
#[derive(Debug)]
pub struct Scope {
    pub user_id: i64,
    pub key: String,
    pub fingerprint: String,
    pub made_offline_at: Option<i64>,
    /// Set when the key turned out to be applied already (found under the doctor's lock).
    pub found: Mutex<Option<Stored>>,
}

tokio::task_local! {
    static SCOPE: Arc<Scope>;
}

/// Runs `work` with `scope` as the write context of every transaction it opens.
pub async fn within<F: std::future::Future>(scope: Arc<Scope>, work: F) -> F::Output {
    SCOPE.scope(scope, work).await
}

fn current() -> Option<Arc<Scope>> {
    SCOPE.try_with(Arc::clone).ok()
}

/// The device's time of an offline change, for the audit trail.
pub fn made_offline_at() -> Option<i64> {
    current().and_then(|scope| scope.made_offline_at)
}

/// What `server::idempotency` turns into the first request's answer; never reaches a client.
const ALREADY_APPLIED: &str = "This request was already applied.";

fn already_applied(scope: &Scope, stored: Stored) -> AppError {
    *scope.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(stored);
    AppError::Conflict(ALREADY_APPLIED.into())
}

pub async fn find(conn: Conn<'_>, user_id: i64, key: &str) -> AppResult<Option<Stored>> {
    let sql = "SELECT fingerprint, answer FROM idempotency_keys WHERE user_id = $1 AND key = $2";
    let row = with_conn!(conn, |c| sqlx::query_as(sql)
        .bind(user_id)
        .bind(key)
        .fetch_optional(c)
        .await)?;
    Ok(row)
}

/// Called once the doctor's lock is held: a copy of this request that committed while we
/// waited for the lock is found here, and this one stops before changing anything.
pub(super) async fn check_under_lock(tx: &mut Tx) -> AppResult<()> {
    let Some(scope) = current() else {
        return Ok(());
    };
    match find(Conn::Tx(tx), scope.user_id, &scope.key).await? {
        Some(stored) => Err(already_applied(&scope, stored)),
        None => Ok(()),
    }
}

impl Tx {
    /// Stores the request's idempotency key with `answer` in this transaction, so the key
    /// is applied exactly when the change commits. Without a key, does nothing. `None` is
    /// for endpoints that answer with the state as it stands after the change.
    pub async fn remember<T: Serialize>(&mut self, answer: Option<&T>) -> AppResult<()> {
        let Some(scope) = current() else {
            return Ok(());
        };
        let answer = answer
            .map(serde_json::to_string)
            .transpose()
            .map_err(AppError::internal)?;
        let sql = "INSERT INTO idempotency_keys (user_id, key, fingerprint, answer, created_at) \
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING";
        let now = chrono::Utc::now().timestamp();
        let inserted = with_tx!(self, |conn| sqlx::query(sql)
            .bind(scope.user_id)
            .bind(&scope.key)
            .bind(&scope.fingerprint)
            .bind(answer)
            .bind(now)
            .execute(conn)
            .await
            .map(|done| done.rows_affected()))?;
        if inserted == 1 {
            return Ok(());
        }
        // The same key committed meanwhile under another doctor's lock (a key reused for
        // another request): this transaction rolls back, and the stored one decides.
        match find(Conn::Tx(self), scope.user_id, &scope.key).await? {
            Some(stored) => Err(already_applied(&scope, stored)),
            None => Err(AppError::internal("idempotency key vanished")),
        }
    }
}

/// Forgets keys stored before `before` (Unix seconds); a replay after that applies again.
pub async fn purge(db: &super::Db, before: i64) -> AppResult<u64> {
    let sql = "DELETE FROM idempotency_keys WHERE created_at < $1";
    let deleted = super::with_pool!(db, |pool| sqlx::query(sql)
        .bind(before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(deleted)
}
