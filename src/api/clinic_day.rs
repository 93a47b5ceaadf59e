use crate::domain::clinic_day::DayAgenda;
use crate::domain::models::{Doctor, HistoryEntry};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;

/// One day of a doctor's appointments in time order, with the day's "running late". A
/// doctor gets their own (`doctor` omitted or their id); an admin names the doctor. The
/// date is the doctor's local date, today when omitted.
#[server(prefix = "/api", endpoint = "day_agenda", input = server_fn::codec::Json)]
pub async fn agenda_for_day(
    #[server(default)] doctor: Option<i64>,
    #[server(default)] date: Option<NaiveDate>,
) -> Result<DayAgenda, AppError> {
    use crate::server::{auth, clinic_day, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        clinic_day::agenda(&state.db, &user, doctor, date, chrono::Utc::now()).await
    })
    .await
}

/// Sets how many minutes late the doctor is running on a day (0 clears it); patients with
/// a visit still to come that day see it, and every open screen hears of it.
#[server(prefix = "/api", endpoint = "running_late", input = server_fn::codec::Json)]
pub async fn set_running_late(
    minutes: u32,
    #[server(default)] doctor: Option<i64>,
    #[server(default)] date: Option<NaiveDate>,
) -> Result<DayAgenda, AppError> {
    use crate::server::{auth, clinic_day, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = chrono::Utc::now();
        clinic_day::set_running_late(&state.db, &state.live, &user, doctor, date, minutes, now)
            .await
    })
    .await
}

/// The doctors whose day the caller works: a doctor their own, front-desk staff the doctors
/// they are attached to, an admin every doctor.
#[server(prefix = "/api", endpoint = "desk_doctors", input = server_fn::codec::Json)]
pub async fn desk_doctors() -> Result<Vec<Doctor>, AppError> {
    use crate::server::{auth, clinic_day, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        clinic_day::desk_doctors(&state.db, &user).await
    })
    .await
}

/// An appointment's audit trail, oldest first: who changed it, when, from and to which
/// status, why, and where it moved. For whoever may see the appointment.
#[server(prefix = "/api", endpoint = "appointment_history", input = server_fn::codec::Json)]
pub async fn appointment_history(appointment_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    use crate::server::{auth, clinic_day, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        clinic_day::history(&state.db, &user, appointment_id).await
    })
    .await
}
