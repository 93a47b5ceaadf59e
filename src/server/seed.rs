//! Demo data for a fresh database, so the app can be tried at once.

use super::auth::{create_account, NewAccount};
use super::db::{services, users, Db};
use super::scheduling::add_pattern;
use crate::domain::recurrence::WeeklyPattern;
use crate::domain::validation::Price;
use crate::domain::Role;
use crate::error::AppResult;
use chrono::{Duration, NaiveTime, Utc, Weekday};

/// Demo log-ins: (role, name, email, password, time zone).
pub const DEMO_USERS: [(Role, &str, &str, &str, &str); 5] = [
    (
        Role::Doctor,
        "Dr. Ada Lindqvist",
        "ada@clinic.test",
        "doctor-ada-1",
        "Europe/Berlin",
    ),
    (
        Role::Doctor,
        "Dr. Ben Okafor",
        "ben@clinic.test",
        "doctor-ben-1",
        "America/New_York",
    ),
    (
        Role::Patient,
        "Pat Patel",
        "pat@example.test",
        "patient-pat-1",
        "UTC",
    ),
    (
        Role::Patient,
        "Quinn Rivera",
        "quinn@example.test",
        "patient-quinn-1",
        "UTC",
    ),
    (
        Role::Admin,
        "Alex Admin",
        "admin@clinic.test",
        "admin-alex-1",
        "UTC",
    ),
];

/// (doctor email, name, description, minutes, price in cents)
const DEMO_SERVICES: [(&str, &str, &str, u32, Option<i64>); 5] = [
    (
        "ada@clinic.test",
        "General consultation",
        "A general health check and advice.",
        30,
        Some(6000),
    ),
    (
        "ada@clinic.test",
        "Follow-up visit",
        "Review of results and treatment.",
        15,
        Some(3500),
    ),
    (
        "ada@clinic.test",
        "Extended assessment",
        "In-depth assessment with a care plan.",
        60,
        Some(12000),
    ),
    (
        "ben@clinic.test",
        "Physiotherapy session",
        "One-to-one treatment session.",
        45,
        Some(8000),
    ),
    (
        "ben@clinic.test",
        "Sports injury check",
        "Assessment of a sports injury.",
        30,
        None,
    ),
];

/// Seeds an empty database; returns whether it did.
pub async fn seed_if_empty(db: &Db) -> AppResult<bool> {
    if users::count(db).await? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    for (role, name, email, password, time_zone) in DEMO_USERS {
        let user = create_account(
            db,
            NewAccount {
                name,
                email,
                password,
                role,
                time_zone,
            },
        )
        .await?;
        if role == Role::Doctor {
            seed_doctor(db, user.id, time_zone, email, now).await?;
        }
    }
    Ok(true)
}

async fn seed_doctor(
    db: &Db,
    doctor_id: i64,
    time_zone: &str,
    email: &str,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    for (_, name, description, minutes, price) in DEMO_SERVICES.iter().filter(|s| s.0 == email) {
        let price = price.map(|cents| Price::parse(cents, "EUR")).transpose()?;
        let fields = services::ServiceFields {
            name,
            description,
            duration_minutes: *minutes,
            price: price.as_ref(),
        };
        services::insert(db, doctor_id, &fields, now.timestamp()).await?;
    }
    // Two weeks of weekday hours, starting tomorrow so every span lies in the future.
    let pattern = WeeklyPattern {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        start_time: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
        end_time: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
        first_day: (now + Duration::days(1)).date_naive(),
        weeks: 2,
    };
    add_pattern(db, doctor_id, time_zone, &pattern, now).await?;
    Ok(())
}

pub fn print_demo_logins() {
    println!("Demo log-ins (password after the email):");
    for (role, name, email, password, _) in DEMO_USERS {
        println!("  {:<8} {name:<20} {email:<22} {password}", role.as_str());
    }
}
