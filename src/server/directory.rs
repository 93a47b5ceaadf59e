//! The doctor directory and public profiles.

use super::db::profiles::{self, ProfileRecord};
use super::db::{services, Db};
use super::photos::photo_url;
use super::scheduling::{first_free_times, next_free};
use crate::domain::profile::{DoctorCard, DoctorProfile, DoctorSearch, FreeTime, FreeTimes};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};

/// Doctors matching `search`, each with the earliest time that can be booked.
pub async fn search(
    db: &Db,
    search: &DoctorSearch,
    now: DateTime<Utc>,
) -> AppResult<Vec<DoctorCard>> {
    let mut cards = Vec::new();
    // One services query per doctor: a practice lists tens of doctors, not thousands.
    for record in profiles::list(db).await? {
        let offered = services::list_for_doctor(db, record.doctor.id, true).await?;
        let mut card = DoctorCard {
            photo_url: record.photo_version.map(|v| photo_url(record.doctor.id, v)),
            specialty: record.specialty.clone(),
            languages: record.languages.clone(),
            services: offered.iter().map(|s| s.name.clone()).collect(),
            doctor: record.doctor.clone(),
            next_free: None,
        };
        if search.matches(&card) {
            card.next_free = next_free(db, &record, &offered, now).await?;
            cards.push(card);
        }
    }
    Ok(cards)
}

/// Distinct specialties for the directory's filter, alphabetically.
pub async fn specialties(db: &Db) -> AppResult<Vec<String>> {
    let mut names: Vec<String> = profiles::list(db)
        .await?
        .into_iter()
        .map(|r| r.specialty)
        .filter(|s| !s.is_empty())
        .collect();
    names.sort_by_key(|s| s.to_lowercase());
    names.dedup_by_key(|s| s.to_lowercase());
    Ok(names)
}

pub async fn profile(db: &Db, doctor_id: i64) -> AppResult<DoctorProfile> {
    let record = profiles::find(db, doctor_id)
        .await?
        .ok_or_else(|| AppError::not_found("That doctor"))?;
    let services = services::list_for_doctor(db, doctor_id, true).await?;
    Ok(to_profile(record, services))
}

/// How many free times the profile lists for each service.
pub const FREE_TIMES_LISTED: usize = 6;

/// The earliest free times of each of the doctor's active services, in the doctor's zone.
pub async fn free_times(db: &Db, doctor_id: i64, now: DateTime<Utc>) -> AppResult<Vec<FreeTimes>> {
    let record = profiles::find(db, doctor_id)
        .await?
        .ok_or_else(|| AppError::not_found("That doctor"))?;
    let zone: chrono_tz::Tz = record.doctor.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let offered = services::list_for_doctor(db, doctor_id, true).await?;
    let found = first_free_times(db, &record, &offered, now, FREE_TIMES_LISTED).await?;
    Ok(offered
        .iter()
        .zip(found)
        .map(|(service, slots)| FreeTimes {
            service_id: service.id,
            times: slots
                .into_iter()
                .map(|slot| FreeTime {
                    starts_at: slot.starts_at,
                    local: slot.starts_at.with_timezone(&zone).naive_local(),
                })
                .collect(),
        })
        .collect())
}

fn to_profile(
    record: ProfileRecord,
    services: Vec<crate::domain::models::Service>,
) -> DoctorProfile {
    DoctorProfile {
        photo_url: record.photo_version.map(|v| photo_url(record.doctor.id, v)),
        doctor: record.doctor,
        specialty: record.specialty,
        qualifications: record.qualifications,
        languages: record.languages,
        bio: record.bio,
        phone: record.phone,
        rules: record.rules,
        change_notice_hours: record.change_notice_hours,
        services,
    }
}
