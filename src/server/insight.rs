//! Insight reports: who may see which, the stored day sums, and working minutes from each
//! doctor's hours; the arithmetic on them lives in `domain::insight`.

use super::db::insight::{self, Scope};
use super::db::{availability, hours, users, Db};
use super::scheduling::zone;
use crate::domain::hours::{DateOverride, WeeklyHours};
use crate::domain::insight::{check_range, dates, DoctorInsight, Insight, LocalStart};
use crate::domain::models::{Doctor, User};
use crate::domain::schedule::{BookingRules, Schedule};
use crate::domain::{Role, TimeRange};
use crate::error::{AppError, AppResult};
use chrono::{Duration, NaiveDate, NaiveTime};
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
    let (days, per_doctor, hours) = tokio::try_join!(
        insight::days(db, scope, range),
        insight::per_doctor(db, scope, range),
        hours_of(db, &doctors, scope, range),
    )?;
    let working: Vec<Vec<i64>> = doctors
        .iter()
        .zip(&hours)
        .map(|(doctor, hours)| working_minutes(doctor, hours, range))
        .collect();
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

/// What a doctor's working minutes are made of.
#[derive(Default)]
struct DoctorHours {
    weekly: WeeklyHours,
    overrides: Vec<DateOverride>,
    extra: Vec<TimeRange>,
}

/// The hours of `doctors` around the range: three queries for the whole practice, or
/// three for the one doctor (on its indexes).
async fn hours_of(
    db: &Db,
    doctors: &[Doctor],
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Vec<DoctorHours>> {
    // Every zone's local days from `from` to `to` lie within a day either side in UTC.
    let utc = |date: NaiveDate| date.and_time(NaiveTime::MIN).and_utc();
    let window = TimeRange::new(utc(from) - Duration::days(1), utc(to) + Duration::days(2))
        .map_err(AppError::internal)?;
    if let Scope::All = scope {
        let (mut weekly, mut overrides, mut extra) = tokio::try_join!(
            hours::weekly_of_all(db),
            hours::overrides_of_all(db, from, to),
            availability::ranges_of_all(db, &window),
        )?;
        return Ok(doctors
            .iter()
            .map(|d| DoctorHours {
                weekly: weekly.remove(&d.id).unwrap_or_default(),
                overrides: overrides.remove(&d.id).unwrap_or_default(),
                extra: extra.remove(&d.id).unwrap_or_default(),
            })
            .collect());
    }
    try_join_all(doctors.iter().map(|d| async move {
        let (weekly, overrides, extra) = tokio::try_join!(
            hours::weekly(db, d.id),
            hours::overrides(db, d.id, from, to),
            availability::ranges(db, d.id, &window),
        )?;
        Ok::<_, AppError>(DoctorHours {
            weekly,
            overrides,
            extra,
        })
    }))
    .await
}

/// The doctor's working minutes on each local date of the range, in order (see
/// `Schedule::working_minutes_on`).
fn working_minutes(
    doctor: &Doctor,
    hours: &DoctorHours,
    (from, to): (NaiveDate, NaiveDate),
) -> Vec<i64> {
    let tz = zone(&doctor.time_zone);
    let schedule = Schedule {
        zone: &tz,
        weekly: &hours.weekly,
        overrides: &hours.overrides,
        extra: &hours.extra,
        rules: BookingRules::default(),
    };
    dates(from, to)
        .map(|date| schedule.working_minutes_on(date))
        .collect()
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
