//! The doctor's weekly hours and date overrides.

#[cfg(feature = "ssr")]
use crate::domain::hours::DayHours;
use crate::domain::hours::{DateOverride, WeeklyHours};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;

/// The doctor's weekly hours and the overrides from today on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HoursSettings {
    pub time_zone: String,
    pub weekly: WeeklyHours,
    pub overrides: Vec<DateOverride>,
}

#[server(prefix = "/api", endpoint = "doctor/hours", input = server_fn::codec::Json)]
pub async fn my_hours() -> Result<HoursSettings, AppError> {
    use crate::server::db::hours;
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let today = chrono::Utc::now()
            .with_timezone(&scheduling::zone(&doctor.time_zone))
            .date_naive();
        let horizon = today + chrono::Duration::days(2 * 366);
        Ok(HoursSettings {
            weekly: hours::weekly(&state.db, doctor.id).await?,
            overrides: hours::overrides(&state.db, doctor.id, today, horizon).await?,
            time_zone: doctor.time_zone,
        })
    })
    .await
}

/// Replaces the weekly hours. Each day is text like "08:00-12:00, 13:00-17:00" (Monday
/// first, 7 entries); an empty day is closed.
#[server(prefix = "/api", endpoint = "doctor/set_hours", input = server_fn::codec::Json)]
pub async fn set_weekly_hours(days: Vec<String>) -> Result<WeeklyHours, AppError> {
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let week = parse_week(&days)?;
        scheduling::set_weekly_hours(&state.db, doctor.id, &week).await?;
        Ok(week)
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_week(days: &[String]) -> Result<WeeklyHours, AppError> {
    use crate::domain::wall_clock::WEEKDAYS;
    if days.len() != 7 {
        return Err(AppError::invalid(
            "days",
            "Send hours for all 7 days, Monday first.",
        ));
    }
    let mut week = WeeklyHours::default();
    for (index, text) in days.iter().enumerate() {
        week.days[index] = DayHours::parse(text)
            .map_err(|e| AppError::invalid("days", format!("{}: {e}", WEEKDAYS[index])))?;
    }
    Ok(week)
}

/// Adds other hours (or a day off when `hours` is empty) for `first_day..=last_day`.
#[server(prefix = "/api", endpoint = "doctor/add_override", input = server_fn::codec::Json)]
pub async fn add_override(
    first_day: NaiveDate,
    last_day: NaiveDate,
    hours: String,
    #[server(default)] note: String,
) -> Result<DateOverride, AppError> {
    use crate::domain::validation::optional_line;
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let item = DateOverride {
            id: 0,
            first_day,
            last_day,
            hours: DayHours::parse(&hours)
                .map_err(|e| AppError::invalid("hours", e.to_string()))?,
            note: optional_line("note", &note, 200)?,
        };
        let today = chrono::Utc::now()
            .with_timezone(&scheduling::zone(&doctor.time_zone))
            .date_naive();
        scheduling::add_override(&state.db, doctor.id, &item, today).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "doctor/remove_override", input = server_fn::codec::Json)]
pub async fn remove_override(override_id: i64) -> Result<(), AppError> {
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        scheduling::remove_override(&state.db, doctor.id, override_id).await
    })
    .await
}
