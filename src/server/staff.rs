//! Front-desk staff: which doctors each one works for, set by an admin.

use super::db::{staff, users, Db};
use crate::domain::models::Doctor;
use crate::domain::Role;
use crate::error::{AppError, AppResult};

/// More doctors than a front desk could work for: a mistake, not a clinic.
pub const MAX_DOCTORS: usize = 50;

/// Attaches the staff member to exactly `doctor_ids` (an empty list detaches them from all),
/// and returns those doctors.
pub async fn set_doctors(db: &Db, staff_id: i64, doctor_ids: &[i64]) -> AppResult<Vec<Doctor>> {
    users::find_by_id(db, staff_id)
        .await?
        .filter(|user| user.role == Role::Staff)
        .ok_or_else(|| AppError::not_found("That staff member"))?;
    let mut ids = doctor_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_DOCTORS {
        return Err(AppError::invalid(
            "doctor_ids",
            format!("A staff member works for at most {MAX_DOCTORS} doctors."),
        ));
    }
    let doctors = users::list_doctors(db).await?;
    if let Some(unknown) = ids.iter().find(|id| !doctors.iter().any(|d| d.id == **id)) {
        return Err(AppError::invalid(
            "doctor_ids",
            format!("There is no doctor with id {unknown}."),
        ));
    }
    // Serialised per staff member (the lock is keyed by the id it is given).
    let mut tx = db.begin_write(staff_id).await?;
    staff::set_doctors(&mut tx, staff_id, &ids).await?;
    tx.commit().await?;
    Ok(doctors
        .into_iter()
        .filter(|d| ids.contains(&d.id))
        .collect())
}
