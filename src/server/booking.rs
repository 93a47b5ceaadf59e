//! The booking service: every change to appointments happens here, in one transaction that
//! is serialised per doctor, re-checks the rules, and is backed by the database's own
//! no-overlap constraint.

use super::access;
use super::db::appointments::{self, Event};
use super::db::{services, Db, Tx};
use super::scheduling::{in_calendar, widened, DoctorSchedule};
use crate::domain::models::{Appointment, Service, User};
use crate::domain::schedule::Refusal;
use crate::domain::status::patient_may_change;
use crate::domain::validation::bounded_text;
use crate::domain::{AppointmentStatus, Role, StatusAction, TimeRange};
use crate::error::{AppError, AppResult, SLOT_TAKEN};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookingRequest {
    pub doctor_id: i64,
    pub service_id: i64,
    pub starts_at: DateTime<Utc>,
    pub notes: String,
}

/// How many pending requests a patient may hold, so one account cannot book out a doctor.
#[derive(Debug, Clone, Copy)]
pub struct PendingLimits {
    pub per_doctor: u32,
    pub total: u32,
}

impl PendingLimits {
    pub fn from_config(config: &super::config::Config) -> PendingLimits {
        PendingLimits {
            per_doctor: config.max_pending_per_doctor,
            total: config.max_pending_total,
        }
    }
}

/// Refuses a request beyond the patient's pending limits; read inside the booking
/// transaction, so requests racing for the same doctor are counted one after another.
async fn within_pending_limits(
    tx: &mut Tx,
    patient_id: i64,
    doctor_id: i64,
    limits: PendingLimits,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (total, with_doctor) =
        appointments::pending_counts(tx, patient_id, doctor_id, now.timestamp()).await?;
    if with_doctor >= i64::from(limits.per_doctor) {
        return Err(AppError::Conflict(format!(
            "You already have {} waiting for this doctor's answer. Wait for an answer or \
             cancel one before asking for another time.",
            requests(limits.per_doctor)
        )));
    }
    if total >= i64::from(limits.total) {
        return Err(AppError::Conflict(format!(
            "You already have {} waiting for an answer. Wait for an answer or cancel one \
             before asking for another time.",
            requests(limits.total)
        )));
    }
    Ok(())
}

fn requests(n: u32) -> String {
    match n {
        1 => "a request".into(),
        n => format!("{n} requests"),
    }
}

pub const MAX_NOTES: usize = 1000;
pub const MAX_REASON: usize = 500;

pub async fn book(
    db: &Db,
    patient: &User,
    request: &BookingRequest,
    now: DateTime<Utc>,
    meeting_base_url: &str,
    limits: PendingLimits,
) -> AppResult<Appointment> {
    if patient.role != Role::Patient {
        return Err(AppError::Forbidden);
    }
    let notes = bounded_text("notes", &request.notes, MAX_NOTES)?;
    // Stored to the second; validating the truncated value keeps checks and storage equal.
    let starts_at = request.starts_at.trunc_subsecs(0);
    let day = day_around(starts_at)?;
    // Everything the decision rests on is read under the doctor's lock, so a span removed
    // or a rule changed meanwhile cannot be booked past.
    let mut tx = db.begin_write(request.doctor_id).await?;
    let (profile, schedule) = DoctorSchedule::load_in(&mut tx, request.doctor_id, &day).await?;
    let service = bookable_service(&mut tx, request.doctor_id, request.service_id).await?;
    let timing = service.timing();
    let busy = appointments::busy(&mut tx, request.doctor_id, &widened(&day), None).await?;
    let range = schedule
        .view()
        .check(&timing, &busy, starts_at, now)
        .map_err(refused)?;
    within_pending_limits(&mut tx, patient.id, request.doctor_id, limits, now).await?;
    let meeting_url = service
        .video
        .then(|| format!("{meeting_base_url}{}", super::random_token()));
    let new = appointments::NewAppointment {
        doctor_id: request.doctor_id,
        patient_id: patient.id,
        service_id: request.service_id,
        range,
        blocked: timing.blocked(range.start()),
        notes: &notes,
        meeting_url,
        status: AppointmentStatus::Pending,
        local: schedule.local_start(range.start()),
    };
    let now = now.trunc_subsecs(0);
    let id = appointments::insert(&mut tx, &new, now.timestamp()).await?;
    let status = AppointmentStatus::Pending;
    let event = Event {
        appointment_id: id,
        actor_id: patient.id,
        from: None,
        to: status,
        reason: "",
        moved: None,
    };
    appointments::record_event(&mut tx, &event, now.timestamp()).await?;
    // Everything in the reply is known here; no read-back inside the lock.
    let booked = Appointment {
        id,
        doctor_id: profile.doctor.id,
        doctor_name: profile.doctor.name,
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
        change_notice_hours: profile.change_notice_hours,
        video: service.video,
        meeting_url: None,
        arrived_at: None,
        called_at: None,
        running_late_minutes: None,
        practice_phone: profile.phone,
    };
    tx.remember(Some(&booked)).await?;
    commit(tx).await?;
    Ok(booked)
}

/// The day around a requested start, as the window to check it in; far-off or malformed
/// instants are refused here rather than overflowing date arithmetic later.
pub(super) fn day_around(start: DateTime<Utc>) -> AppResult<TimeRange> {
    let too_far = || AppError::invalid("starts_at", "That date is out of range.");
    if !in_calendar(start) {
        return Err(too_far());
    }
    TimeRange::new(start - Duration::days(1), start + Duration::days(1)).map_err(|_| too_far())
}

/// A refused start time as the error the client sees: conflicts with other bookings are 409.
pub(super) fn refused(refusal: Refusal) -> AppError {
    if refusal.is_conflict() {
        AppError::Conflict(refusal.to_string())
    } else {
        AppError::invalid("starts_at", refusal.to_string())
    }
}

/// The service, if it may be booked with this doctor.
pub(super) async fn bookable_service(
    tx: &mut Tx,
    doctor_id: i64,
    service_id: i64,
) -> AppResult<Service> {
    let unknown = || AppError::invalid("service_id", "That service does not exist.");
    let service = services::find(&mut *tx, service_id)
        .await?
        .ok_or_else(unknown)?;
    if service.doctor_id != doctor_id {
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
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Appointment> {
    let reason = bounded_text("reason", reason, MAX_REASON)?;
    let not_found = || AppError::not_found("That appointment");
    let doctor_id = appointments::doctor_of(db, appointment_id)
        .await?
        .ok_or_else(not_found)?;
    let sees_doctor = access::sees_doctor(db, user, doctor_id).await?;
    let mut tx = db.begin_write(doctor_id).await?;
    let current = appointments::find(&mut tx, appointment_id)
        .await?
        .ok_or_else(not_found)?;
    if !access::sees_appointment(user, sees_doctor, &current) {
        // Someone else's appointment: do not even confirm that it exists.
        return Err(not_found());
    }
    if !action.permitted_for(user.role) {
        return Err(AppError::Forbidden);
    }
    action
        .timely(
            user.role,
            current.starts_at,
            now,
            current.change_notice_hours,
        )
        .map_err(AppError::Conflict)?;
    let next = current.status.apply(action).ok_or_else(|| {
        AppError::Conflict(format!(
            "This appointment is {} and cannot be {} any more.",
            current.status.label().to_lowercase(),
            action.past_tense()
        ))
    })?;
    appointments::set_status(&mut tx, appointment_id, next, now.timestamp()).await?;
    let event = Event {
        appointment_id,
        actor_id: user.id,
        from: Some(current.status),
        to: next,
        reason: &reason,
        moved: None,
    };
    appointments::record_event(&mut tx, &event, now.timestamp()).await?;
    let updated = appointments::find(&mut tx, appointment_id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.remember(Some(&updated)).await?;
    commit(tx).await?;
    Ok(updated)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RescheduleRequest {
    pub appointment_id: i64,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub reason: String,
}

/// Moves an appointment to another offered time in one transaction: the new time is taken
/// and the old one freed together, or nothing changes. A patient's move of a confirmed
/// appointment goes back to the doctor for confirmation.
pub async fn reschedule(
    db: &Db,
    user: &User,
    request: &RescheduleRequest,
    now: DateTime<Utc>,
) -> AppResult<Appointment> {
    let reason = bounded_text("reason", &request.reason, MAX_REASON)?;
    let starts_at = request.starts_at.trunc_subsecs(0);
    let not_found = || AppError::not_found("That appointment");
    let id = request.appointment_id;
    // An appointment never changes doctor, so its doctor (whose lock we take) is read first.
    let doctor_id = appointments::doctor_of(db, id)
        .await?
        .ok_or_else(not_found)?;
    let sees_doctor = access::sees_doctor(db, user, doctor_id).await?;
    let mut tx = db.begin_write(doctor_id).await?;
    let current = appointments::find(&mut tx, id)
        .await?
        .filter(|a| access::sees_appointment(user, sees_doctor, a))
        .ok_or_else(not_found)?;
    let day = day_around(starts_at)?;
    let (_, schedule) = DoctorSchedule::load_in(&mut tx, doctor_id, &day).await?;
    if !current.reschedulable_by(user.role, now) {
        return Err(AppError::Conflict(not_movable(&current, user.role, now)));
    }
    if starts_at == current.starts_at {
        return Err(AppError::invalid(
            "starts_at",
            "That is the appointment's current time. Choose another time.",
        ));
    }
    let service = services::find(&mut tx, current.service_id)
        .await?
        .ok_or(AppError::Internal)?;
    let timing = service.timing();
    let busy = appointments::busy(&mut tx, doctor_id, &widened(&day), Some(id)).await?;
    let range = schedule
        .view()
        .check(&timing, &busy, starts_at, now)
        .map_err(refused)?;
    let next = match (user.role, current.status) {
        (Role::Patient, AppointmentStatus::Confirmed) => AppointmentStatus::Pending,
        (_, status) => status,
    };
    let now_ts = now.timestamp();
    let to = appointments::Move {
        range,
        blocked: timing.blocked(range.start()),
        local: schedule.local_start(range.start()),
    };
    appointments::move_to(&mut tx, id, &to, next, now_ts).await?;
    let event = Event {
        appointment_id: id,
        actor_id: user.id,
        from: Some(current.status),
        to: next,
        reason: &reason,
        moved: Some((current.starts_at.timestamp(), range.start().timestamp())),
    };
    appointments::record_event(&mut tx, &event, now_ts).await?;
    let updated = appointments::find(&mut tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.remember(Some(&updated)).await?;
    commit(tx).await?;
    Ok(updated)
}

fn not_movable(current: &Appointment, role: Role, now: DateTime<Utc>) -> String {
    if !current.status.is_active() || current.status == AppointmentStatus::Arrived {
        return format!(
            "This appointment is {} and cannot be moved.",
            current.status.label().to_lowercase()
        );
    }
    if current.starts_at <= now {
        return "This appointment has already started and cannot be moved.".into();
    }
    match role {
        Role::Patient => patient_may_change(current.starts_at, now, current.change_notice_hours)
            .err()
            .unwrap_or_default(),
        _ => "This appointment cannot be moved.".into(),
    }
}

pub(super) async fn commit(tx: Tx) -> AppResult<()> {
    tx.commit()
        .await
        .map_err(|e| match super::db::violation(&e) {
            Some(super::db::Violation::AppointmentOverlap) => AppError::Conflict(SLOT_TAKEN.into()),
            _ => AppError::internal(e),
        })
}
