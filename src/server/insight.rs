//! Insight reports: who may see which, the stored day sums, and working minutes from each
//! doctor's hours; the arithmetic on them lives in `domain::insight`.

use super::db::insight::{self, Scope};
use super::db::{availability, hours, users, Db};
use super::scheduling::zone;
use crate::domain::insight::{check_range, dates, DoctorInsight, Insight, LocalStart};
use crate::domain::models::{Doctor, User};
use crate::domain::schedule::{BookingRules, Schedule};
use crate::domain::wall_clock::resolve_local;
use crate::domain::{Role, TimeRange};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, NaiveTime};
use futures_util::future::try_join_all;
use std::collections::HashMap;

/// What to report on: a doctor (`None`: a doctor's own; for an admin, every doctor) and
/// a range of local dates, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct InsightQuery {
    pub doctor: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

pub async fn report(db: &Db, user: &User, query: &InsightQuery) -> AppResult<Insight> {
    let doctors = in_scope(db, user, query.doctor).await?;
    check_range(query.from, query.to).map_err(|message| AppError::invalid("to", message))?;
    let range = (query.from, query.to);
    let scope = match (user.role, query.doctor) {
        (Role::Admin, None) => Scope::All,
        _ => Scope::Doctor(doctors[0].id),
    };
    let (days, per_doctor, working) = tokio::try_join!(
        insight::days(db, scope, range),
        insight::per_doctor(db, scope, range),
        try_join_all(doctors.iter().map(|d| working_minutes(db, d, range))),
    )?;
    let mut tallies: HashMap<i64, _> = per_doctor.into_iter().collect();
    let summaries = doctors
        .iter()
        .zip(&working)
        .map(|(doctor, minutes)| DoctorInsight {
            doctor_id: doctor.id,
            doctor_name: doctor.name.clone(),
            tally: tallies.remove(&doctor.id).unwrap_or_default(),
            working_minutes: minutes.iter().sum(),
        })
        .collect();
    let working_on = |date: NaiveDate| {
        let day = (date - query.from).num_days() as usize;
        working.iter().filter_map(|w| w.get(day)).sum()
    };
    let doctor_id = match scope {
        Scope::Doctor(id) => Some(id),
        Scope::All => None,
    };
    Ok(Insight::build(
        doctor_id, range, &days, working_on, summaries,
    ))
}

/// The doctors a report may cover: a doctor only themself (404 for another), an admin the
/// one named or all; staff and patients none (403).
async fn in_scope(db: &Db, user: &User, doctor: Option<i64>) -> AppResult<Vec<Doctor>> {
    let all = users::list_doctors(db).await?;
    let wanted = match (user.role, doctor) {
        (Role::Doctor, None) => Some(user.id),
        (Role::Doctor, Some(id)) if id == user.id => Some(id),
        (Role::Doctor, Some(_)) => return Err(AppError::not_found("That doctor")),
        (Role::Admin, wanted) => wanted,
        (Role::Patient | Role::Staff, _) => return Err(AppError::Forbidden),
    };
    let doctors: Vec<Doctor> = match wanted {
        Some(id) => all.into_iter().filter(|d| d.id == id).collect(),
        None => all,
    };
    if doctors.is_empty() && wanted.is_some() {
        return Err(AppError::not_found("That doctor"));
    }
    Ok(doctors)
}

/// The doctor's working minutes on each local date of the range, in order: weekly hours,
/// overrides and extra hours (see `Schedule::working_minutes_on`).
async fn working_minutes(
    db: &Db,
    doctor: &Doctor,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Vec<i64>> {
    let tz = zone(&doctor.time_zone);
    let midnight = |date: NaiveDate| resolve_local(&tz, date, NaiveTime::MIN);
    let after = to
        .succ_opt()
        .ok_or_else(|| AppError::invalid("to", "That date is out of range."))?;
    let window = TimeRange::new(midnight(from), midnight(after)).map_err(AppError::internal)?;
    let (weekly, overrides, extra) = tokio::try_join!(
        hours::weekly(db, doctor.id),
        hours::overrides(db, doctor.id, from, to),
        availability::ranges(db, doctor.id, &window),
    )?;
    let schedule = Schedule {
        zone: &tz,
        weekly: &weekly,
        overrides: &overrides,
        extra: &extra,
        rules: BookingRules::default(),
    };
    Ok(dates(from, to)
        .map(|date| schedule.working_minutes_on(date))
        .collect())
}

/// Stores the local start of appointments that have none (those from before Insight), a
/// batch per doctor under the doctor's write lock; the triggers then count them.
pub async fn fill_local_starts(db: &Db) -> AppResult<u64> {
    let mut filled = 0;
    loop {
        let batch = insight::without_local_start(db, 500).await?;
        if batch.is_empty() {
            return Ok(filled);
        }
        let mut by_doctor: HashMap<i64, Vec<(i64, i64, String)>> = HashMap::new();
        for (id, doctor, starts_at, time_zone) in batch {
            by_doctor
                .entry(doctor)
                .or_default()
                .push((id, starts_at, time_zone));
        }
        for (doctor, rows) in by_doctor {
            let mut tx = db.begin_write(doctor).await?;
            for (id, starts_at, time_zone) in rows {
                let local = LocalStart::of(&zone(&time_zone), super::db::from_ts(starts_at));
                insight::set_local_start(&mut tx, id, local).await?;
                filled += 1;
            }
            tx.commit().await?;
        }
    }
}
