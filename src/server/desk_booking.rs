//! Booking a walk-in into a free time today: the same transaction, rules check and
//! database no-overlap guarantee as a patient's booking, under the practice's rules (no
//! minimum notice, no daily cap). The patient is at the desk, so the visit starts checked in.

use super::booking::{bookable_service, commit, day_around, refused};
use super::clinic_day::today_for;
use super::db::appointments::{self, Event, NewAppointment};
use super::db::{users, Db};
use super::scheduling::{widened, DoctorSchedule};
use super::walk_ins::{Arrival, Patient, MAX_NOTES};
use crate::domain::models::Appointment;
use crate::domain::models::User;
use crate::domain::validation::bounded_text;
use crate::domain::AppointmentStatus;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, SubsecRound, Utc};

/// A walk-in to book: who, with which service, at which of today's free times.
pub struct DeskBooking<'a> {
    pub doctor: Option<i64>,
    pub service_id: i64,
    pub starts_at: DateTime<Utc>,
    pub arrival: Arrival<'a>,
}

/// The reason the audit trail shows for a visit booked at the desk.
pub const WALK_IN_REASON: &str = "Walk-in booked at the desk";

/// Books the walk-in and checks them in, in one transaction; a patient known by name only
/// gets a record without an account in the same transaction.
pub async fn book_walk_in(
    db: &Db,
    user: &User,
    request: &DeskBooking<'_>,
    now: DateTime<Utc>,
    meeting_base_url: &str,
) -> AppResult<Appointment> {
    let (doctor_id, day) = today_for(db, user, request.doctor, now).await?;
    let arrival = &request.arrival;
    let notes = bounded_text("notes", arrival.notes, MAX_NOTES)?;
    let patient = arrival.patient(db).await?;
    let starts_at = request.starts_at.trunc_subsecs(0);
    day_around(starts_at)?;
    if starts_at < day.start() || starts_at >= day.end() {
        return Err(AppError::invalid(
            "starts_at",
            "A walk-in can be booked into one of today's free times only.",
        ));
    }
    let mut tx = db.begin_write(doctor_id).await?;
    let (profile, schedule) = DoctorSchedule::load_in(&mut tx, doctor_id, &day).await?;
    let service = bookable_service(&mut tx, doctor_id, request.service_id).await?;
    let timing = service.timing();
    let busy = appointments::busy(&mut tx, doctor_id, &widened(&day), None).await?;
    let schedule = schedule.at_the_desk();
    let range = schedule
        .view()
        .check(&timing, &busy, starts_at, now)
        .map_err(refused)?;
    let now_ts = now.trunc_subsecs(0).timestamp();
    let patient_id = match patient {
        Patient::Known(known) => known.id,
        Patient::New(name) => {
            let zone = &profile.doctor.time_zone;
            users::insert_without_account(&mut tx, &name, zone, now_ts).await?
        }
    };
    let new = NewAppointment {
        doctor_id,
        patient_id,
        service_id: service.id,
        range,
        blocked: timing.blocked(range.start()),
        notes: &notes,
        meeting_url: service
            .video
            .then(|| format!("{meeting_base_url}{}", super::random_token())),
        status: AppointmentStatus::Arrived,
        local: schedule.local_start(range.start()),
    };
    let id = appointments::insert(&mut tx, &new, now_ts).await?;
    let event = Event {
        appointment_id: id,
        actor_id: user.id,
        from: None,
        to: AppointmentStatus::Arrived,
        reason: WALK_IN_REASON,
        moved: None,
    };
    appointments::record_event(&mut tx, &event, now_ts).await?;
    let booked = appointments::find(&mut tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.remember(Some(&booked)).await?;
    commit(tx).await?;
    Ok(booked)
}
