//! The live feed read from the audit trail: every appointment change is one
//! `appointment_events` row, in the order the changes committed (see `record_event`).

use super::{with_pool, Db};
use crate::error::AppResult;

/// One change of an appointment, with whom it concerns.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedRow {
    pub id: i64,
    pub appointment_id: i64,
    pub doctor_id: i64,
    pub patient_id: i64,
    pub to_status: String,
}

/// Whose changes a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Doctor(i64),
    Patient(i64),
}

const SELECT: &str = "SELECT e.id, e.appointment_id, a.doctor_id, a.patient_id, e.to_status \
     FROM appointment_events e JOIN appointments a ON a.id = e.appointment_id \
     WHERE e.id > $1";

/// Changes after `after` within `scope`, oldest first, at most `limit`.
pub async fn after(db: &Db, after: i64, scope: Scope, limit: i64) -> AppResult<Vec<FeedRow>> {
    let (filter, who) = match scope {
        Scope::All => ("", 0),
        Scope::Doctor(id) => ("AND a.doctor_id = $3", id),
        Scope::Patient(id) => ("AND a.patient_id = $3", id),
    };
    let sql = format!("{SELECT} {filter} ORDER BY e.id LIMIT $2");
    let rows = with_pool!(db, |pool| {
        let query = sqlx::query_as(&sql).bind(after).bind(limit);
        let query = if filter.is_empty() {
            query
        } else {
            query.bind(who)
        };
        query.fetch_all(pool).await
    })?;
    Ok(rows)
}

/// The newest change's id (0 when there is none): where a new feed starts.
pub async fn last_id(db: &Db) -> AppResult<i64> {
    let sql = "SELECT COALESCE(MAX(id), 0) FROM appointment_events";
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
    })?)
}
