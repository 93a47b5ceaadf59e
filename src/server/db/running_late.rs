//! "Running N minutes late" per doctor and local day (`day_start` is the day's first
//! instant in UTC seconds).

use super::{with_pool, with_tx, Db, Tx};
use crate::error::AppResult;

pub struct Lateness {
    pub doctor_id: i64,
    pub day_start: i64,
    pub day_end: i64,
    pub minutes: u32,
    pub set_by: i64,
}

/// Sets the day's lateness, replacing what was set before.
pub async fn set(tx: &mut Tx, late: &Lateness, now: i64) -> AppResult<()> {
    let sql = "INSERT INTO running_late (doctor_id, day_start, day_end, minutes, set_by, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
               ON CONFLICT (doctor_id, day_start) DO UPDATE SET minutes = excluded.minutes, \
               set_by = excluded.set_by, updated_at = excluded.updated_at";
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(late.doctor_id)
            .bind(late.day_start)
            .bind(late.day_end)
            .bind(i32::try_from(late.minutes).unwrap_or(i32::MAX))
            .bind(late.set_by)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// The doctor is on time again that day.
pub async fn clear(tx: &mut Tx, doctor_id: i64, day_start: i64) -> AppResult<()> {
    let sql = "DELETE FROM running_late WHERE doctor_id = $1 AND day_start = $2";
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(doctor_id)
            .bind(day_start)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

pub async fn minutes(db: &Db, doctor_id: i64, day_start: i64) -> AppResult<Option<u32>> {
    let sql = "SELECT minutes FROM running_late WHERE doctor_id = $1 AND day_start = $2";
    let minutes: Option<i32> = with_pool!(db, |pool| {
        sqlx::query_scalar(sql)
            .bind(doctor_id)
            .bind(day_start)
            .fetch_optional(pool)
            .await
    })?;
    Ok(minutes.and_then(|m| u32::try_from(m).ok()))
}

/// The day's lateness as the write transaction sees it (under the doctor's lock).
pub async fn minutes_in(tx: &mut Tx, doctor_id: i64, day_start: i64) -> AppResult<Option<u32>> {
    let sql = "SELECT minutes FROM running_late WHERE doctor_id = $1 AND day_start = $2";
    let minutes: Option<i32> = with_tx!(tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(doctor_id)
            .bind(day_start)
            .fetch_optional(conn)
            .await
    })?;
    Ok(minutes.and_then(|m| u32::try_from(m).ok()))
}
