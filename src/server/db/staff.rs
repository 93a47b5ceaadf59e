//! Which doctors each front-desk staff member works for.

use super::{with_pool, with_tx, Db, Tx};
use crate::error::AppResult;

/// The doctors `staff_id` works for, by id.
pub async fn doctors_of(db: &Db, staff_id: i64) -> AppResult<Vec<i64>> {
    let sql = "SELECT doctor_id FROM staff_doctors WHERE staff_id = $1 ORDER BY doctor_id";
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(sql).bind(staff_id).fetch_all(pool).await
    })?)
}

pub async fn works_for(db: &Db, staff_id: i64, doctor_id: i64) -> AppResult<bool> {
    let sql = "SELECT COUNT(*) FROM staff_doctors WHERE staff_id = $1 AND doctor_id = $2";
    let count: i64 = with_pool!(db, |pool| {
        sqlx::query_scalar(sql)
            .bind(staff_id)
            .bind(doctor_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(count > 0)
}

/// Replaces the staff member's doctors with `doctor_ids` (all checked to be doctors).
pub async fn set_doctors(tx: &mut Tx, staff_id: i64, doctor_ids: &[i64]) -> AppResult<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM staff_doctors WHERE staff_id = $1")
            .bind(staff_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    for doctor_id in doctor_ids {
        with_tx!(tx, |conn| {
            sqlx::query("INSERT INTO staff_doctors (staff_id, doctor_id) VALUES ($1, $2)")
                .bind(staff_id)
                .bind(doctor_id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}
