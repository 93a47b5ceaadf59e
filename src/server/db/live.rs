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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Doctors(Vec<i64>),
    Patient(i64),
}

const SELECT: &str = "SELECT e.id, e.appointment_id, a.doctor_id, a.patient_id, e.to_status \
     FROM appointment_events e JOIN appointments a ON a.id = e.appointment_id \
     WHERE e.id > $1";

/// Changes after `after` within `scope`, oldest first, at most `limit`.
pub async fn after(db: &Db, after: i64, scope: &Scope, limit: i64) -> AppResult<Vec<FeedRow>> {
    let filter = match scope {
        Scope::All => String::new(),
        Scope::Doctors(ids) if ids.is_empty() => return Ok(Vec::new()),
        // Numbers only, so they can be written into the statement.
        Scope::Doctors(ids) => format!("AND a.doctor_id IN ({})", list(ids)),
        Scope::Patient(id) => format!("AND a.patient_id = {id}"),
    };
    let sql = format!("{SELECT} {filter} ORDER BY e.id LIMIT $2");
    let rows = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows)
}

fn list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The newest change's id (0 when there is none): where a new feed starts.
pub async fn last_id(db: &Db) -> AppResult<i64> {
    let sql = "SELECT COALESCE(MAX(id), 0) FROM appointment_events";
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
    })?)
}
