//! An appointment's audit trail as people read it: who changed what, when, and why.

use super::{from_ts, with_pool, Db};
use crate::domain::models::HistoryEntry;
use crate::domain::{AppointmentStatus, Role};
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    created_at: i64,
    actor_name: String,
    actor_role: String,
    from_status: Option<String>,
    to_status: String,
    reason: String,
    from_starts_at: Option<i64>,
    to_starts_at: Option<i64>,
    made_offline_at: Option<i64>,
}

impl EntryRow {
    fn into_entry(self) -> AppResult<HistoryEntry> {
        let status = |text: &str| {
            AppointmentStatus::parse(text)
                .ok_or_else(|| AppError::internal(format!("unknown status {text:?}")))
        };
        Ok(HistoryEntry {
            id: self.id,
            at: from_ts(self.created_at),
            actor_name: self.actor_name,
            actor_role: Role::parse(&self.actor_role).ok_or(AppError::Internal)?,
            from: self.from_status.as_deref().map(status).transpose()?,
            to: status(&self.to_status)?,
            reason: self.reason,
            moved_from: self.from_starts_at.map(from_ts),
            moved_to: self.to_starts_at.map(from_ts),
            made_offline_at: self.made_offline_at.map(from_ts),
        })
    }
}

/// Every entry of the appointment's audit trail, oldest first.
pub async fn for_appointment(db: &Db, appointment_id: i64) -> AppResult<Vec<HistoryEntry>> {
    let sql = "SELECT e.id, e.created_at, u.name AS actor_name, u.role AS actor_role, \
               e.from_status, e.to_status, e.reason, e.from_starts_at, e.to_starts_at, \
               e.made_offline_at \
               FROM appointment_events e JOIN users u ON u.id = e.actor_id \
               WHERE e.appointment_id = $1 ORDER BY e.id";
    let rows: Vec<EntryRow> = with_pool!(db, |pool| {
        sqlx::query_as(sql)
            .bind(appointment_id)
            .fetch_all(pool)
            .await
    })?;
    rows.into_iter().map(EntryRow::into_entry).collect()
}
