//! Who may see and act on which doctor's appointments: the one place that decides it, so
//! every endpoint answers the same (404 for anything outside, as if it did not exist).

use super::db::{staff, Db};
use crate::domain::models::{Appointment, User};
use crate::domain::Role;
use crate::error::AppResult;

/// Whether `user` works with `doctor_id`'s appointments: the doctor, any admin, and the
/// staff attached to that doctor.
pub async fn sees_doctor(db: &Db, user: &User, doctor_id: i64) -> AppResult<bool> {
    Ok(match user.role {
        Role::Admin => true,
        Role::Doctor => user.id == doctor_id,
        Role::Staff => staff::works_for(db, user.id, doctor_id).await?,
        Role::Patient => false,
    })
}

/// Whether `user` may see `appointment`: its patient, or whoever works with its doctor
/// (`sees_doctor`, worked out beforehand so it can be asked outside a transaction).
pub fn sees_appointment(user: &User, sees_doctor: bool, appointment: &Appointment) -> bool {
    match user.role {
        Role::Patient => appointment.patient_id == user.id,
        _ => sees_doctor,
    }
}
