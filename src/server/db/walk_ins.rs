//! The day's walk-ins (see `domain::walk_in`).

use super::{from_ts, with_pool, with_tx, Db, Tx};
use crate::domain::walk_in::{WalkIn, WalkInStatus};
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct WalkInRow {
    id: i64,
    doctor_id: i64,
    token: i32,
    name: String,
    patient_id: Option<i64>,
    notes: String,
    status: String,
    arrived_at: i64,
    called_at: Option<i64>,
    finished_at: Option<i64>,
}

impl WalkInRow {
    fn into_walk_in(self) -> AppResult<WalkIn> {
        Ok(WalkIn {
            id: self.id,
            doctor_id: self.doctor_id,
            token: u32::try_from(self.token).map_err(AppError::internal)?,
            name: self.name,
            patient_id: self.patient_id,
            notes: self.notes,
            status: WalkInStatus::parse(&self.status).ok_or_else(|| {
                AppError::internal(format!("unknown walk-in status {:?}", self.status))
            })?,
            arrived_at: from_ts(self.arrived_at),
            called_at: self.called_at.map(from_ts),
            finished_at: self.finished_at.map(from_ts),
        })
    }
}

const COLUMNS: &str = "id, doctor_id, token, name, patient_id, notes, status, arrived_at, \
                       called_at, finished_at";

pub struct NewWalkIn<'a> {
    pub doctor_id: i64,
    pub day_start: i64,
    pub name: &'a str,
    pub patient_id: Option<i64>,
    pub notes: &'a str,
    pub created_by: i64,
}

/// Queues a walk-in with the day's next token; run under the doctor's lock, so two desks
/// adding at once get different tokens (the unique constraint backs this).
pub async fn insert(tx: &mut Tx, new: &NewWalkIn<'_>, now: i64) -> AppResult<WalkIn> {
    let sql = format!(
        "INSERT INTO walk_ins (doctor_id, day_start, token, name, patient_id, notes, status, \
         arrived_at, created_by) \
         SELECT $1, $2, COALESCE(MAX(token), 0) + 1, $3, $4, $5, 'waiting', $6, $7 \
         FROM walk_ins WHERE doctor_id = $1 AND day_start = $2 \
         RETURNING {COLUMNS}"
    );
    let row: WalkInRow = with_tx!(tx, |conn| {
        sqlx::query_as(&sql)
            .bind(new.doctor_id)
            .bind(new.day_start)
            .bind(new.name)
            .bind(new.patient_id)
            .bind(new.notes)
            .bind(now)
            .bind(new.created_by)
            .fetch_one(conn)
            .await
    })?;
    row.into_walk_in()
}

/// The doctor's walk-ins of the day starting at `day_start`, by token.
pub async fn for_day(db: &Db, doctor_id: i64, day_start: i64) -> AppResult<Vec<WalkIn>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM walk_ins WHERE doctor_id = $1 AND day_start = $2 ORDER BY token"
    );
    let rows: Vec<WalkInRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(doctor_id)
            .bind(day_start)
            .fetch_all(pool)
            .await
    })?;
    rows.into_iter().map(WalkInRow::into_walk_in).collect()
}

pub async fn find(tx: &mut Tx, id: i64) -> AppResult<Option<WalkIn>> {
    let sql = format!("SELECT {COLUMNS} FROM walk_ins WHERE id = $1");
    let row: Option<WalkInRow> = with_tx!(tx, |conn| {
        sqlx::query_as(&sql).bind(id).fetch_optional(conn).await
    })?;
    row.map(WalkInRow::into_walk_in).transpose()
}

/// The doctor a walk-in is queued for (read before taking that doctor's lock).
pub async fn doctor_of(db: &Db, id: i64) -> AppResult<Option<i64>> {
    let sql = "SELECT doctor_id FROM walk_ins WHERE id = $1";
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await
    })?)
}

/// Sets the status and stamps the moment: called in, finished, or (back to waiting) neither.
pub async fn set_status(tx: &mut Tx, id: i64, status: WalkInStatus, now: i64) -> AppResult<()> {
    let sql = "UPDATE walk_ins SET status = $2, \
               called_at = CASE WHEN $2 = 'called' THEN $3 WHEN $2 = 'waiting' THEN NULL \
               ELSE called_at END, \
               finished_at = CASE WHEN $2 IN ('seen', 'left') THEN $3 ELSE NULL END \
               WHERE id = $1";
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(status.as_str())
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
