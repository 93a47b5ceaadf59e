//! The clinic day: a doctor's agenda for one local date, and "running late".

use super::access;
use super::db::outbox;
use super::db::running_late::{self, Lateness};
use super::db::{appointments, history, profiles, staff, users, walk_ins, Db};
use super::live::{DayNews, Live};
use super::scheduling::zone;
use crate::domain::clinic_day::{DayAgenda, MAX_RUNNING_LATE};
use crate::domain::models::{Doctor, HistoryEntry, User};
use crate::domain::wall_clock::resolve_local;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Whose day `user` asks for: doctors their own; staff one of their doctors (the only one
/// when they work for one); admins any doctor they name.
pub(crate) async fn doctor_for(db: &Db, user: &User, requested: Option<i64>) -> AppResult<i64> {
    let choose = || AppError::invalid("doctor", "Choose a doctor.");
    match (user.role, requested) {
        (Role::Patient, _) => Err(AppError::Forbidden),
        (Role::Doctor, None) => Ok(user.id),
        (Role::Staff, None) => match staff::doctors_of(db, user.id).await?.as_slice() {
            [only] => Ok(*only),
            _ => Err(choose()),
        },
        (Role::Admin, None) => Err(choose()),
        // Someone else's doctor: as if they did not exist.
        (_, Some(id)) if access::sees_doctor(db, user, id).await? => Ok(id),
        (_, Some(_)) => Err(AppError::not_found("That doctor")),
    }
}

/// The doctors whose day `user` works: a doctor their own, staff theirs, an admin all.
pub async fn desk_doctors(db: &Db, user: &User) -> AppResult<Vec<Doctor>> {
    let doctors = users::list_doctors(db).await?;
    Ok(match user.role {
        Role::Patient => return Err(AppError::Forbidden),
        Role::Admin => doctors,
        Role::Doctor => doctors.into_iter().filter(|d| d.id == user.id).collect(),
        Role::Staff => {
            let mine = staff::doctors_of(db, user.id).await?;
            doctors
                .into_iter()
                .filter(|d| mine.contains(&d.id))
                .collect()
        }
    })
}

/// The day's bounds: local midnight to the next local midnight, as instants.
fn day_bounds(zone: &Tz, date: NaiveDate) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    if !(2000..=2100).contains(&date.year()) {
        return Err(AppError::invalid("date", "That date is out of range."));
    }
    let next = date
        .succ_opt()
        .ok_or_else(|| AppError::invalid("date", "That date is out of range."))?;
    Ok((
        resolve_local(zone, date, NaiveTime::MIN),
        resolve_local(zone, next, NaiveTime::MIN),
    ))
}

/// One local day of a doctor's: its date, its bounds as instants, and the zone's offset.
pub(crate) struct LocalDay {
    doctor: Doctor,
    pub date: NaiveDate,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    utc_offset_minutes: i32,
}

/// The doctor's day `date` (today on the doctor's clock when `None`); 404 for no doctor.
pub(crate) async fn local_day(
    db: &Db,
    doctor_id: i64,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<LocalDay> {
    let profile = profiles::find(db, doctor_id)
        .await?
        .ok_or_else(|| AppError::not_found("That doctor"))?;
    let tz = zone(&profile.doctor.time_zone);
    let date = date.unwrap_or_else(|| now.with_timezone(&tz).date_naive());
    let (starts, ends) = day_bounds(&tz, date)?;
    let midday = (starts + Duration::hours(12)).naive_utc();
    Ok(LocalDay {
        doctor: profile.doctor,
        date,
        starts,
        ends,
        utc_offset_minutes: tz.offset_from_utc_datetime(&midday).fix().local_minus_utc() / 60,
    })
}

/// The doctor whose day `user` works (see `doctor_for`) and their today, as an instant range.
pub async fn today_for(
    db: &Db,
    user: &User,
    doctor: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<(i64, crate::domain::TimeRange)> {
    let doctor_id = doctor_for(db, user, doctor).await?;
    let today = local_day(db, doctor_id, None, now).await?;
    let range =
        crate::domain::TimeRange::new(today.starts, today.ends).map_err(|_| AppError::Internal)?;
    Ok((doctor_id, range))
}

/// Everything on `day`: appointments, walk-ins, running late (access already checked).
pub(crate) async fn agenda_of(db: &Db, day: LocalDay) -> AppResult<DayAgenda> {
    let doctor_id = day.doctor.id;
    let day_start = day.starts.timestamp();
    Ok(DayAgenda {
        doctor_id,
        doctor_name: day.doctor.name,
        time_zone: day.doctor.time_zone,
        date: day.date,
        starts: day.starts,
        ends: day.ends,
        utc_offset_minutes: day.utc_offset_minutes,
        running_late_minutes: running_late::minutes(db, doctor_id, day_start).await?,
        appointments: appointments::starting_between(db, doctor_id, day.starts, day.ends).await?,
        walk_ins: walk_ins::for_day(db, doctor_id, day_start).await?,
    })
}

/// The doctor's appointments on `date` (today in the doctor's zone when `None`).
pub async fn agenda(
    db: &Db,
    user: &User,
    doctor: Option<i64>,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<DayAgenda> {
    let doctor_id = doctor_for(db, user, doctor).await?;
    agenda_of(db, local_day(db, doctor_id, date, now).await?).await
}

/// Sets (or with 0 clears) how late the doctor is running on `date`, tells every screen,
/// and returns the day as it now stands.
pub async fn set_running_late(
    db: &Db,
    live: &Live,
    user: &User,
    doctor: Option<i64>,
    date: Option<NaiveDate>,
    minutes: u32,
    now: DateTime<Utc>,
) -> AppResult<DayAgenda> {
    if minutes > MAX_RUNNING_LATE {
        return Err(AppError::invalid(
            "minutes",
            format!("Running late is at most {MAX_RUNNING_LATE} minutes."),
        ));
    }
    let doctor_id = doctor_for(db, user, doctor).await?;
    let day = local_day(db, doctor_id, date, now).await?;
    if day.ends <= now {
        return Err(AppError::invalid("date", "That day is over."));
    }
    let day_start = day.starts.timestamp();
    let today = (day_start, day.ends.timestamp());
    let mut tx = db.begin_write(doctor_id).await?;
    // The same delay again is no news for the patients (a screen sent it twice, say).
    let unchanged = running_late::minutes_in(&mut tx, doctor_id, day_start).await? == Some(minutes);
    if minutes == 0 {
        running_late::clear(&mut tx, doctor_id, day_start).await?;
    } else {
        let late = Lateness {
            doctor_id,
            day_start,
            day_end: day.ends.timestamp(),
            minutes,
            set_by: user.id,
        };
        running_late::set(&mut tx, &late, now.timestamp()).await?;
    }
    if !unchanged {
        // Patients still to come today hear of it (written with the change, like all news),
        // and only of the delay that stands.
        outbox::drop_running_late(&mut tx, doctor_id, today).await?;
        if minutes > 0 {
            outbox::enqueue_running_late(&mut tx, doctor_id, today, minutes, now.timestamp())
                .await?;
        }
    }
    tx.remember(None::<&()>).await?;
    tx.commit().await?;
    live.day_changed(db, doctor_id, DayNews::RunningLate).await;
    agenda_of(db, day).await
}

/// The audit trail of an appointment `user` may see (404 for anyone else's).
pub async fn history(db: &Db, user: &User, appointment_id: i64) -> AppResult<Vec<HistoryEntry>> {
    let not_found = || AppError::not_found("That appointment");
    let appointment = appointments::find(db, appointment_id)
        .await?
        .ok_or_else(not_found)?;
    let sees_doctor = access::sees_doctor(db, user, appointment.doctor_id).await?;
    if !access::sees_appointment(user, sees_doctor, &appointment) {
        return Err(not_found());
    }
    history::for_appointment(db, appointment_id).await
}
