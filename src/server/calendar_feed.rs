//! Which appointments a person's calendar feed holds, with each one's SEQUENCE.

use super::db::{appointments, with_pool, Db};
use crate::domain::models::{Appointment, User};
use crate::domain::{AppointmentStatus, Role};
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// A doctor's feed holds the last 30 days and what lies ahead (a year).
const PAST_DAYS: i64 = 30;
const AHEAD_DAYS: i64 = 366;

/// A patient's own appointments, or a doctor's schedule; declined, cancelled and missed
/// visits are left out (the emails' CANCEL removed them already). Other roles have none.
pub async fn appointments_of(
    db: &Db,
    user: &User,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Appointment, i64)>> {
    let all = match user.role {
        Role::Patient => appointments::list_for_patient(db, user.id).await?,
        Role::Doctor => {
            let from = now - Duration::days(PAST_DAYS);
            let to = now + Duration::days(AHEAD_DAYS);
            appointments::starting_between(db, user.id, from, to).await?
        }
        Role::Admin | Role::Staff => Vec::new(),
    };
    let sequences = sequences(db, user).await?;
    Ok(all
        .into_iter()
        .filter(|a| {
            !matches!(
                a.status,
                AppointmentStatus::Cancelled
                    | AppointmentStatus::Rejected
                    | AppointmentStatus::NoShow
            )
        })
        .map(|a| {
            let sequence = sequences.get(&a.id).copied().unwrap_or_default();
            (a, sequence)
        })
        .collect())
}

async fn sequences(db: &Db, user: &User) -> AppResult<HashMap<i64, i64>> {
    let column = match user.role {
        Role::Doctor => "doctor_id",
        _ => "patient_id",
    };
    let sql = format!("SELECT id, calendar_sequence FROM appointments WHERE {column} = $1");
    let rows: Vec<(i64, i64)> = with_pool!(db, |pool| sqlx::query_as(&sql)
        .bind(user.id)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().collect())
}

/// One appointment's SEQUENCE.
pub async fn sequence(db: &Db, appointment_id: i64) -> AppResult<i64> {
    let sql = "SELECT calendar_sequence FROM appointments WHERE id = $1";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(appointment_id)
        .fetch_one(pool)
        .await)?)
}
