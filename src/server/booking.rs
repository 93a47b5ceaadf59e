//! The booking service: every change to appointments happens here, in one transaction that
//! is serialised per doctor, re-checks the rules, and is backed by the database's own
//! no-overlap constraint.

use super::db::{appointments, availability, services, users, Db, Tx};
use crate::domain::models::{Appointment, Service, User};
use crate::domain::validation::bounded_text;
use crate::domain::{AppointmentStatus, Role, StatusAction, TimeRange};
use crate::error::{AppError, AppResult, SLOT_TAKEN};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookingRequest {
    pub doctor_id: i64,
    pub service_id: i64,
    pub starts_at: DateTime<Utc>,
    pub notes: String,
}

pub const MAX_NOTES: usize = 1000;

pub async fn book(
    db: &Db,
    patient: &User,
    request: &BookingRequest,
    now: DateTime<Utc>,
) -> AppResult<Appointment> {
    if patient.role != Role::Patient {
        return Err(AppError::Forbidden);
    }
    let notes = bounded_text("notes", &request.notes, MAX_NOTES)?;
    // Stored to the second; validating the truncated value keeps checks and storage equal.
    let starts_at = request.starts_at.trunc_subsecs(0);
    if starts_at <= now {
        let message = "That time has already passed. Pick a time in the future.";
        return Err(AppError::invalid("starts_at", message));
    }
    // Read before taking the doctor's lock: the lock is the serial part, keep it short.
    let doctor = users::find_by_id(db, request.doctor_id)
        .await?
        .filter(|user| user.role == Role::Doctor)
        .ok_or_else(|| AppError::invalid("doctor_id", "That doctor does not exist."))?;
    let mut tx = db.begin_write(request.doctor_id).await?;
    let service = bookable_service(&mut tx, request).await?;
    let minutes = service.duration_minutes;
    let range = TimeRange::starting_at(starts_at, minutes)
        .map_err(|e| AppError::invalid("starts_at", e.to_string()))?;
    let span_start = availability::covering_start(&mut tx, request.doctor_id, &range)
        .await?
        .ok_or_else(|| {
            AppError::invalid("starts_at", "The doctor is not available at that time.")
        })?;
    // Only the offered grid (steps of the service length from the span's start), so that an
    // odd start time cannot block two offered times at once.
    if (range.start().timestamp() - span_start) % (i64::from(minutes) * 60) != 0 {
        return Err(AppError::invalid(
            "starts_at",
            "Choose one of the offered start times.",
        ));
    }
    if appointments::overlaps_active(&mut tx, request.doctor_id, &range).await? {
        return Err(AppError::Conflict(SLOT_TAKEN.into()));
    }
    let new = appointments::NewAppointment {
        doctor_id: request.doctor_id,
        patient_id: patient.id,
        service_id: request.service_id,
        range,
        notes: &notes,
    };
    let now = now.trunc_subsecs(0);
    let id = appointments::insert(&mut tx, &new, now.timestamp()).await?;
    let status = AppointmentStatus::Pending;
    appointments::record_event(&mut tx, id, patient.id, None, status, now.timestamp()).await?;
    commit(tx).await?;
    // Everything in the reply is known here; no read-back inside the lock.
    Ok(Appointment {
        id,
        doctor_id: doctor.id,
        doctor_name: doctor.name,
        patient_id: patient.id,
        patient_name: patient.name.clone(),
        service_id: service.id,
        service_name: service.name,
        starts_at: range.start(),
        ends_at: range.end(),
        status,
        notes,
        created_at: now,
        updated_at: now,
    })
}

/// The service, if it may be booked with this doctor.
async fn bookable_service(tx: &mut Tx, request: &BookingRequest) -> AppResult<Service> {
    let unknown = || AppError::invalid("service_id", "That service does not exist.");
    let service = services::find_in(tx, request.service_id)
        .await?
        .ok_or_else(unknown)?;
    if service.doctor_id != request.doctor_id {
        return Err(AppError::invalid(
            "service_id",
            "That service is not offered by this doctor.",
        ));
    }
    if !service.active {
        return Err(AppError::invalid(
            "service_id",
            "That service is no longer offered.",
        ));
    }
    Ok(service)
}

/// Applies `action` to an appointment the user may act on; returns the updated appointment.
pub async fn change_status(
    db: &Db,
    user: &User,
    appointment_id: i64,
    action: StatusAction,
    now: DateTime<Utc>,
) -> AppResult<Appointment> {
    let not_found = || AppError::not_found("That appointment");
    let doctor_id = appointments::doctor_of(db, appointment_id)
        .await?
        .ok_or_else(not_found)?;
    let mut tx = db.begin_write(doctor_id).await?;
    let current = appointments::find_in(&mut tx, appointment_id)
        .await?
        .ok_or_else(not_found)?;
    let involved = match user.role {
        Role::Patient => current.patient_id == user.id,
        Role::Doctor => current.doctor_id == user.id,
        Role::Admin => true,
    };
    if !involved {
        // Someone else's appointment: do not even confirm that it exists.
        return Err(not_found());
    }
    if !action.permitted_for(user.role) {
        return Err(AppError::Forbidden);
    }
    action
        .timely(user.role, current.starts_at, now)
        .map_err(|reason| AppError::Conflict(reason.into()))?;
    let next = current.status.apply(action).ok_or_else(|| {
        AppError::Conflict(format!(
            "This appointment is {} and cannot be {} any more.",
            current.status.label().to_lowercase(),
            action.past_tense()
        ))
    })?;
    appointments::set_status(&mut tx, appointment_id, next, now.timestamp()).await?;
    appointments::record_event(
        &mut tx,
        appointment_id,
        user.id,
        Some(current.status),
        next,
        now.timestamp(),
    )
    .await?;
    let updated = appointments::find_in(&mut tx, appointment_id)
        .await?
        .ok_or(AppError::Internal)?;
    commit(tx).await?;
    Ok(updated)
}

async fn commit(tx: Tx) -> AppResult<()> {
    tx.commit()
        .await
        .map_err(|e| match super::db::violation(&e) {
            Some(super::db::Violation::AppointmentOverlap) => AppError::Conflict(SLOT_TAKEN.into()),
            _ => AppError::internal(e),
        })
}
