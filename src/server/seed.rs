//! Demo data for a fresh database, so the app can be tried at once.

use super::auth::{create_account, NewAccount};
use super::db::{appointments, profiles, services, users, Db};
use super::scheduling::set_weekly_hours;
use super::staff;
use crate::domain::hours::{DayHours, WeeklyHours};
use crate::domain::insight::LocalStart;
use crate::domain::models::Service;
use crate::domain::profile::ProfileInput;
use crate::domain::validation::Price;
use crate::domain::wall_clock::resolve_local;
use crate::domain::{AppointmentStatus, Role, StatusAction, TimeRange};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

/// Demo log-ins: (role, name, email, password, time zone).
pub const DEMO_USERS: [(Role, &str, &str, &str, &str); 6] = [
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
    (
        Role::Staff,
        "Dana Desk",
        "desk@clinic.test",
        "desk-dana-1",
        "Europe/Berlin",
    ),
];

/// Dr. Lindqvist's day today, so Today has something to show: (local time, patient email,
/// service, what the practice has done with it since the booking).
const DEMO_DAY: [(u32, &str, &str, &[StatusAction]); 4] = [
    (
        9,
        "pat@example.test",
        "General consultation",
        &[
            StatusAction::Confirm,
            StatusAction::CheckIn,
            StatusAction::Complete,
        ],
    ),
    (
        10,
        "quinn@example.test",
        "Extended assessment",
        &[StatusAction::Confirm],
    ),
    (
        13,
        "pat@example.test",
        "Follow-up visit",
        &[StatusAction::Confirm, StatusAction::CheckIn],
    ),
    (15, "quinn@example.test", "General consultation", &[]),
];

/// (doctor email, specialty, qualifications, languages, bio)
const DEMO_PROFILES: [(&str, &str, &str, &str, &str); 2] = [
    (
        "ada@clinic.test",
        "General practice",
        "MD, Karolinska Institutet; board-certified in family medicine",
        "English, German, Swedish",
        "Dr. Lindqvist looks after adults and children, with a special interest in \
         preventive care and long-term conditions.",
    ),
    (
        "ben@clinic.test",
        "Physiotherapy",
        "DPT, sports physiotherapy specialist",
        "English, Yoruba",
        "Dr. Okafor treats sports injuries and back pain, and offers follow-ups by video.",
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
        "Video follow-up",
        "A short follow-up by video call.",
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
    let mut ids = Vec::new();
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
            seed_doctor(db, user.id, email, now).await?;
        }
        ids.push((email, user.id));
    }
    let id_of = |email: &str| ids.iter().find(|(e, _)| *e == email).map(|(_, id)| *id);
    let doctors: Vec<i64> = ["ada@clinic.test", "ben@clinic.test"]
        .into_iter()
        .filter_map(id_of)
        .collect();
    if let Some(desk) = id_of("desk@clinic.test") {
        staff::set_doctors(db, desk, &doctors).await?;
    }
    let patients: Vec<i64> = ["pat@example.test", "quinn@example.test"]
        .into_iter()
        .filter_map(id_of)
        .collect();
    for doctor in &doctors {
        seed_history(db, *doctor, &patients, now).await?;
    }
    if let Some(ada) = id_of("ada@clinic.test") {
        seed_today(db, ada, &id_of, now).await?;
    }
    Ok(true)
}

/// Today's visits for the doctor, written as the booking service would (with audit
/// entries), taken through the actions `DEMO_DAY` gives by the one transition function.
async fn seed_today(
    db: &Db,
    doctor_id: i64,
    id_of: &dyn Fn(&str) -> Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let zone: chrono_tz::Tz = "Europe/Berlin".parse().map_err(AppError::internal)?;
    let today = now.with_timezone(&zone).date_naive();
    let offered = services::list_for_doctor(db, doctor_id, true).await?;
    for (hour, patient, service, actions) in DEMO_DAY {
        let (Some(patient_id), Some(service)) =
            (id_of(patient), offered.iter().find(|s| s.name == service))
        else {
            continue;
        };
        let start = at_hour(&zone, today, hour);
        let visit = Visit {
            doctor_id,
            patient_id,
            service,
            start,
            booked_at: now,
        };
        seed_visit(db, &zone, &visit, actions, now).await?;
    }
    Ok(())
}

/// Four weeks of past weekdays for the doctor, so Insight has something to show: most
/// visits completed, some cancelled, rejected or missed, booked up to three weeks ahead.
async fn seed_history(
    db: &Db,
    doctor_id: i64,
    patients: &[i64],
    now: DateTime<Utc>,
) -> AppResult<()> {
    use StatusAction::{Cancel, CheckIn, Complete, Confirm, NoShow, Reject};
    let Some(doctor) = users::find_by_id(db, doctor_id).await? else {
        return Ok(());
    };
    let zone: chrono_tz::Tz = doctor.time_zone.parse().map_err(AppError::internal)?;
    let today = now.with_timezone(&zone).date_naive();
    let offered = services::list_for_doctor(db, doctor_id, true).await?;
    let (Some(service), false) = (offered.first(), patients.is_empty()) else {
        return Ok(());
    };
    for back in 1..=28i64 {
        let day = today - Duration::days(back);
        if day.weekday().num_days_from_monday() >= 5 {
            continue;
        }
        for (n, hour) in [9u32, 10, 11, 14, 15].into_iter().enumerate() {
            let mix = (back as usize * 3 + n) % 10;
            let actions: &[StatusAction] = match mix {
                0 => &[Cancel],
                1 => &[Reject],
                2 => &[Confirm, NoShow],
                _ => &[Confirm, CheckIn, Complete],
            };
            let start = at_hour(&zone, day, hour);
            let visit = Visit {
                doctor_id,
                patient_id: patients[(back as usize + n) % patients.len()],
                service,
                start,
                booked_at: start - Duration::days(((back * 5 + n as i64 * 3) % 21) + 1),
            };
            seed_visit(db, &zone, &visit, actions, start).await?;
        }
    }
    Ok(())
}

fn at_hour(zone: &chrono_tz::Tz, day: chrono::NaiveDate, hour: u32) -> DateTime<Utc> {
    resolve_local(
        zone,
        day,
        NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default(),
    )
}

/// A demo visit: who, with what, when, and when it was booked.
struct Visit<'a> {
    doctor_id: i64,
    patient_id: i64,
    service: &'a Service,
    start: DateTime<Utc>,
    booked_at: DateTime<Utc>,
}

/// Books the visit as the booking service would (with its audit entry), then takes it
/// through `actions` by the one transition function, the doctor acting at `acted_at`.
async fn seed_visit(
    db: &Db,
    zone: &chrono_tz::Tz,
    visit: &Visit<'_>,
    actions: &[StatusAction],
    acted_at: DateTime<Utc>,
) -> AppResult<()> {
    let Visit {
        doctor_id,
        patient_id,
        service,
        start,
        booked_at,
    } = *visit;
    let range =
        TimeRange::starting_at(start, service.duration_minutes).map_err(AppError::internal)?;
    let new = appointments::NewAppointment {
        doctor_id,
        patient_id,
        service_id: service.id,
        range,
        blocked: service.timing().blocked(start),
        notes: "",
        meeting_url: None,
        status: AppointmentStatus::Pending,
        local: LocalStart::of(zone, start),
    };
    let mut tx = db.begin_write(doctor_id).await?;
    let id = appointments::insert(&mut tx, &new, booked_at.timestamp()).await?;
    let booked = appointments::Event {
        appointment_id: id,
        actor_id: patient_id,
        from: None,
        to: AppointmentStatus::Pending,
        reason: "",
        moved: None,
    };
    appointments::record_audit(&mut tx, &booked, booked_at.timestamp()).await?;
    let mut from = AppointmentStatus::Pending;
    for action in actions {
        let to = from.apply(*action).ok_or(AppError::Internal)?;
        appointments::set_status(&mut tx, id, to, acted_at.timestamp()).await?;
        let actor_id = if *action == StatusAction::Cancel {
            patient_id
        } else {
            doctor_id
        };
        let event = appointments::Event {
            actor_id,
            from: Some(from),
            to,
            ..booked
        };
        appointments::record_audit(&mut tx, &event, acted_at.timestamp()).await?;
        from = to;
    }
    tx.commit().await?;
    Ok(())
}

async fn seed_doctor(
    db: &Db,
    doctor_id: i64,
    email: &str,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    for (_, name, description, minutes, price) in DEMO_SERVICES.iter().filter(|s| s.0 == email) {
        let price = price.map(|cents| Price::parse(cents, "EUR")).transpose()?;
        let video = name.starts_with("Video");
        let fields = services::ServiceFields {
            name,
            description,
            duration_minutes: *minutes,
            price: price.as_ref(),
            // Ten minutes to write notes after longer visits; short ones start every 15.
            buffer_before_minutes: 0,
            buffer_after_minutes: if *minutes >= 45 { 10 } else { 0 },
            slot_step_minutes: Some(if *minutes <= 30 { 15 } else { 30 }),
            video,
        };
        services::insert(db, doctor_id, &fields, now.timestamp()).await?;
    }
    if let Some((_, specialty, qualifications, languages, bio)) =
        DEMO_PROFILES.iter().find(|p| p.0 == email)
    {
        let input = ProfileInput {
            doctor_id: None,
            specialty: specialty.to_string(),
            qualifications: qualifications.to_string(),
            languages: languages.to_string(),
            bio: bio.to_string(),
            phone: DEMO_PRACTICE_PHONE.into(),
            min_notice_minutes: 120,
            horizon_days: 60,
            daily_cap: None,
            change_notice_hours: 24,
        };
        profiles::save(db, doctor_id, &input.validate()?).await?;
    }
    // Weekdays with a lunch break, in the doctor's own zone.
    let workday = DayHours::parse("09:00-12:00, 13:00-17:00").map_err(AppError::internal)?;
    let mut week = WeeklyHours::default();
    for day in &mut week.days[..5] {
        *day = workday.clone();
    }
    set_weekly_hours(db, doctor_id, &week).await
}

/// The demo practice's front desk, shown when a visit can no longer be changed online.
const DEMO_PRACTICE_PHONE: &str = "+49 30 1234 5670";

pub fn print_demo_logins() {
    println!("Demo log-ins (password after the email):");
    for (role, name, email, password, _) in DEMO_USERS {
        println!("  {:<8} {name:<20} {email:<22} {password}", role.as_str());
    }
}
