//! Doctors' profiles and booking rules. A doctor without a saved profile reads as the
//! defaults, so no row has to exist before the first save.

use super::{with_conn, with_pool, Conn, Db};
use crate::domain::models::Doctor;
use crate::domain::profile::{ValidProfile, DEFAULT_CHANGE_NOTICE_HOURS};
use crate::domain::schedule::BookingRules;
use crate::error::{AppError, AppResult};

/// A doctor's profile as stored, without services.
#[derive(Debug, Clone)]
pub struct ProfileRecord {
    pub doctor: Doctor,
    pub specialty: String,
    pub qualifications: String,
    pub languages: String,
    pub bio: String,
    pub phone: String,
    pub photo_version: Option<i64>,
    pub rules: BookingRules,
    pub change_notice_hours: u32,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: i64,
    name: String,
    time_zone: String,
    specialty: Option<String>,
    qualifications: Option<String>,
    languages: Option<String>,
    bio: Option<String>,
    phone: Option<String>,
    min_notice_minutes: Option<i64>,
    horizon_days: Option<i64>,
    daily_cap: Option<i64>,
    change_notice_hours: Option<i64>,
    has_photo: Option<bool>,
    photo_version: Option<i64>,
}

impl From<ProfileRow> for ProfileRecord {
    fn from(row: ProfileRow) -> Self {
        let defaults = BookingRules::default();
        let count = |value: Option<i64>, default: u32| {
            value.and_then(|v| u32::try_from(v).ok()).unwrap_or(default)
        };
        ProfileRecord {
            doctor: Doctor {
                id: row.id,
                name: row.name,
                time_zone: row.time_zone,
            },
            specialty: row.specialty.unwrap_or_default(),
            qualifications: row.qualifications.unwrap_or_default(),
            languages: row.languages.unwrap_or_default(),
            bio: row.bio.unwrap_or_default(),
            phone: row.phone.unwrap_or_default(),
            photo_version: row.photo_version.filter(|_| row.has_photo == Some(true)),
            rules: BookingRules {
                min_notice_minutes: count(row.min_notice_minutes, defaults.min_notice_minutes),
                horizon_days: count(row.horizon_days, defaults.horizon_days),
                daily_cap: row.daily_cap.and_then(|v| u32::try_from(v).ok()),
            },
            change_notice_hours: count(row.change_notice_hours, DEFAULT_CHANGE_NOTICE_HOURS),
        }
    }
}

const SELECT: &str = "SELECT u.id, u.name, u.time_zone, dp.specialty, dp.qualifications, \
     dp.languages, dp.bio, dp.phone, dp.min_notice_minutes, dp.horizon_days, dp.daily_cap, \
     dp.change_notice_hours, dp.photo IS NOT NULL AS has_photo, dp.photo_version \
     FROM users u LEFT JOIN doctor_profiles dp ON dp.doctor_id = u.id WHERE u.role = 'doctor'";

/// Read inside a booking transaction too, so the rules checked are the rules at commit.
pub async fn find<'a>(
    conn: impl Into<Conn<'a>>,
    doctor_id: i64,
) -> AppResult<Option<ProfileRecord>> {
    let sql = format!("{SELECT} AND u.id = $1");
    let row: Option<ProfileRow> = with_conn!(conn.into(), |c| {
        sqlx::query_as(&sql).bind(doctor_id).fetch_optional(c).await
    })?;
    Ok(row.map(ProfileRecord::from))
}

pub async fn list(db: &Db) -> AppResult<Vec<ProfileRecord>> {
    let sql = format!("{SELECT} ORDER BY u.name, u.id");
    let rows: Vec<ProfileRow> = with_pool!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(ProfileRecord::from).collect())
}

pub async fn save(db: &Db, doctor_id: i64, profile: &ValidProfile) -> AppResult<()> {
    let sql = "INSERT INTO doctor_profiles (doctor_id, specialty, qualifications, languages, bio, \
               min_notice_minutes, horizon_days, daily_cap, change_notice_hours, phone) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
               ON CONFLICT (doctor_id) DO UPDATE SET specialty = $2, qualifications = $3, \
               languages = $4, bio = $5, min_notice_minutes = $6, horizon_days = $7, \
               daily_cap = $8, change_notice_hours = $9, phone = $10";
    with_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(doctor_id)
            .bind(&profile.specialty)
            .bind(&profile.qualifications)
            .bind(&profile.languages)
            .bind(&profile.bio)
            .bind(i64::from(profile.rules.min_notice_minutes))
            .bind(i64::from(profile.rules.horizon_days))
            .bind(profile.rules.daily_cap.map(i64::from))
            .bind(i64::from(profile.change_notice_hours))
            .bind(&profile.phone)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .map_err(AppError::internal)
}

/// Stores a (re-encoded) photo and bumps its version, which busts browser caches.
pub async fn set_photo(db: &Db, doctor_id: i64, jpeg: &[u8]) -> AppResult<()> {
    let sql = "INSERT INTO doctor_profiles (doctor_id, photo, photo_version) VALUES ($1, $2, 1) \
               ON CONFLICT (doctor_id) DO UPDATE \
               SET photo = $2, photo_version = doctor_profiles.photo_version + 1";
    with_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(doctor_id)
            .bind(jpeg)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .map_err(AppError::internal)
}

pub async fn photo(db: &Db, doctor_id: i64) -> AppResult<Option<Vec<u8>>> {
    let sql = "SELECT photo FROM doctor_profiles WHERE doctor_id = $1";
    let photo: Option<Option<Vec<u8>>> = with_pool!(db, |pool| {
        sqlx::query_scalar(sql)
            .bind(doctor_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(photo.flatten())
}
