//! Walk-ins and the waiting queue: adding a walk-in with the day's next token, moving one
//! along, and calling the next patient in (booked or walk-in).

use super::access;
use super::clinic_day::{agenda_of, doctor_for, local_day};
use super::db::walk_ins::{self, NewWalkIn};
use super::db::{appointments, users, Db};
use super::live::{DayNews, Live};
use crate::domain::clinic_day::{DayAgenda, Visitor};
use crate::domain::models::User;
use crate::domain::validation::{bounded_text, required_line};
use crate::domain::walk_in::{WalkIn, WalkInAction, WalkInStatus};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};

pub const MAX_NAME: usize = 100;
pub const MAX_NOTES: usize = 500;

/// Who walked in: an existing patient, or a name.
pub struct Arrival<'a> {
    pub patient_id: Option<i64>,
    pub name: &'a str,
    pub notes: &'a str,
}

/// Who walked in, once checked: an existing patient, or a new one's name.
pub enum Patient {
    Known(User),
    New(String),
}

impl Arrival<'_> {
    /// The existing patient (who must be one), or the new one's name (required, one line).
    pub async fn patient(&self, db: &Db) -> AppResult<Patient> {
        match self.patient_id {
            Some(id) => users::find_by_id(db, id)
                .await?
                .filter(|patient| patient.role == Role::Patient)
                .map(Patient::Known)
                .ok_or_else(|| AppError::invalid("patient_id", "There is no such patient.")),
            None => Ok(Patient::New(required_line("name", self.name, MAX_NAME)?)),
        }
    }
}

/// Queues a walk-in for today with the doctor; returns it with its token.
pub async fn add(
    db: &Db,
    live: &Live,
    user: &User,
    doctor: Option<i64>,
    arrival: &Arrival<'_>,
    now: DateTime<Utc>,
) -> AppResult<WalkIn> {
    let doctor_id = doctor_for(db, user, doctor).await?;
    let notes = bounded_text("notes", arrival.notes, MAX_NOTES)?;
    let name = match arrival.patient(db).await? {
        Patient::Known(patient) => patient.name,
        Patient::New(name) => name,
    };
    let today = local_day(db, doctor_id, None, now).await?;
    let new = NewWalkIn {
        doctor_id,
        day_start: today.starts.timestamp(),
        name: &name,
        patient_id: arrival.patient_id,
        notes: &notes,
        created_by: user.id,
    };
    let mut tx = db.begin_write(doctor_id).await?;
    let walk_in = walk_ins::insert(&mut tx, &new, now.timestamp()).await?;
    tx.remember(Some(&walk_in)).await?;
    tx.commit().await?;
    live.day_changed(db, doctor_id, DayNews::Queue).await;
    Ok(walk_in)
}

/// Calls a walk-in in, sends them back to waiting, or marks them seen or gone.
pub async fn act(
    db: &Db,
    live: &Live,
    user: &User,
    walk_in_id: i64,
    action: WalkInAction,
    now: DateTime<Utc>,
) -> AppResult<WalkIn> {
    let not_found = || AppError::not_found("That walk-in");
    let doctor_id = walk_ins::doctor_of(db, walk_in_id)
        .await?
        .ok_or_else(not_found)?;
    if !access::sees_doctor(db, user, doctor_id).await? {
        return Err(not_found());
    }
    let mut tx = db.begin_write(doctor_id).await?;
    let current = walk_ins::find(&mut tx, walk_in_id)
        .await?
        .ok_or_else(not_found)?;
    let next = current.status.apply(action).ok_or_else(|| {
        AppError::Conflict(format!(
            "This walk-in is {} and cannot be {} now.",
            current.status.label().to_lowercase(),
            action.past_tense()
        ))
    })?;
    walk_ins::set_status(&mut tx, walk_in_id, next, now.timestamp()).await?;
    let updated = walk_ins::find(&mut tx, walk_in_id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.remember(Some(&updated)).await?;
    tx.commit().await?;
    live.day_changed(db, doctor_id, DayNews::Queue).await;
    Ok(updated)
}

/// Calls the next patient in (see `DayAgenda::next_to_call`) and returns the day after;
/// 409 when nobody is waiting.
pub async fn call_next(
    db: &Db,
    live: &Live,
    user: &User,
    doctor: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<DayAgenda> {
    let doctor_id = doctor_for(db, user, doctor).await?;
    // The queue is read with the doctor's lock held, so two screens calling at once call
    // two different people (the lock keeps out every other writer of this doctor's day).
    let mut tx = db.begin_write(doctor_id).await?;
    let today = agenda_of(db, local_day(db, doctor_id, None, now).await?).await?;
    let nobody = || AppError::Conflict("Nobody is waiting.".into());
    let next = today.next_to_call(now).ok_or_else(nobody)?;
    let called = match next {
        Visitor::Booked(a) => appointments::set_called(&mut tx, a.id, now.timestamp()).await?,
        // Read under the lock, so still waiting.
        Visitor::WalkIn(w) => {
            let status = WalkInStatus::Called;
            walk_ins::set_status(&mut tx, w.id, status, now.timestamp()).await?;
            true
        }
    };
    if !called {
        return Err(AppError::Conflict(
            "That patient was just called in from another screen.".into(),
        ));
    }
    tx.remember(None::<&()>).await?;
    tx.commit().await?;
    live.day_changed(db, doctor_id, DayNews::Queue).await;
    agenda_of(db, local_day(db, doctor_id, None, now).await?).await
}
