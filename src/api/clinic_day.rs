use crate::domain::clinic_day::DayAgenda;
use crate::domain::models::{Appointment, Doctor, HistoryEntry, Slot, User};
use crate::domain::walk_in::{WalkIn, WalkInAction};
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
    use crate::server::{auth, clinic_day, http::respond, idempotency};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = chrono::Utc::now();
        let db = &state.db;
        let set = clinic_day::set_running_late(db, &state.live, &user, doctor, date, minutes, now);
        let day_now =
            async || clinic_day::agenda(db, &user, doctor, date, chrono::Utc::now()).await;
        idempotency::once_then_read(db, &user, set, day_now).await
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

/// Adds a walk-in to today's queue for the doctor, with the day's next token: an existing
/// patient (`patient_id`) or a new one by `name`.
#[server(prefix = "/api", endpoint = "walk_in", input = server_fn::codec::Json)]
pub async fn add_walk_in(
    #[server(default)] name: String,
    #[server(default)] patient_id: Option<i64>,
    #[server(default)] notes: String,
    #[server(default)] doctor: Option<i64>,
) -> Result<WalkIn, AppError> {
    use crate::server::walk_ins::{self, Arrival};
    use crate::server::{auth, http::respond, idempotency};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let arrival = Arrival {
            patient_id,
            name: &name,
            notes: &notes,
        };
        let now = chrono::Utc::now();
        let add = walk_ins::add(&state.db, &state.live, &user, doctor, &arrival, now);
        idempotency::once(&state.db, &user, add).await
    })
    .await
}

/// Today's free start times for `service_id` with the doctor, as the desk may book them for
/// a walk-in: no minimum notice and no daily cap, but never a passed time.
#[server(prefix = "/api", endpoint = "walk_in_times", input = server_fn::codec::Json)]
pub async fn walk_in_times(
    service_id: i64,
    #[server(default)] doctor: Option<i64>,
) -> Result<Vec<Slot>, AppError> {
    use crate::server::scheduling::{free_times, Asking};
    use crate::server::{auth, clinic_day, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = chrono::Utc::now();
        let (doctor_id, day) = clinic_day::today_for(&state.db, &user, doctor, now).await?;
        free_times(&state.db, doctor_id, service_id, &day, Asking::Desk, now).await
    })
    .await
}

/// Books a walk-in into one of today's free times (see `walk_in_times`) and checks them
/// in: an existing patient (`patient_id`) or a new one by `name`, who gets a record
/// without an account. 409 when the time was just taken.
#[server(prefix = "/api", endpoint = "book_walk_in", input = server_fn::codec::Json)]
pub async fn book_walk_in(
    service_id: i64,
    starts_at: chrono::DateTime<chrono::Utc>,
    #[server(default)] name: String,
    #[server(default)] patient_id: Option<i64>,
    #[server(default)] notes: String,
    #[server(default)] doctor: Option<i64>,
) -> Result<Appointment, AppError> {
    use crate::server::desk_booking::{self, DeskBooking};
    use crate::server::walk_ins::Arrival;
    use crate::server::{auth, http::respond, idempotency};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let request = DeskBooking {
            doctor,
            service_id,
            starts_at,
            arrival: Arrival {
                patient_id,
                name: &name,
                notes: &notes,
            },
        };
        let now = chrono::Utc::now();
        let meeting = &state.config.meeting_base_url;
        let book = desk_booking::book_walk_in(&state.db, &user, &request, now, meeting);
        idempotency::once(&state.db, &user, book).await
    })
    .await
}

/// Calls a walk-in in (`call`), back to waiting (`wait`), or marks them `seen` or `left`.
#[server(prefix = "/api", endpoint = "walk_in_status", input = server_fn::codec::Json)]
pub async fn change_walk_in(walk_in_id: i64, action: WalkInAction) -> Result<WalkIn, AppError> {
    use crate::server::{auth, http::respond, idempotency, walk_ins};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = chrono::Utc::now();
        let act = walk_ins::act(&state.db, &state.live, &user, walk_in_id, action, now);
        idempotency::once(&state.db, &user, act).await
    })
    .await
}

/// Calls the next waiting patient in: a checked-in patient whose time has come, else whoever
/// has waited longest. Returns today's agenda after the call.
#[server(prefix = "/api", endpoint = "call_next", input = server_fn::codec::Json)]
pub async fn call_next(#[server(default)] doctor: Option<i64>) -> Result<DayAgenda, AppError> {
    use crate::server::{auth, clinic_day, http::respond, idempotency, walk_ins};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = chrono::Utc::now();
        let db = &state.db;
        let call = walk_ins::call_next(db, &state.live, &user, doctor, now);
        let day_now =
            async || clinic_day::agenda(db, &user, doctor, None, chrono::Utc::now()).await;
        idempotency::once_then_read(db, &user, call, day_now).await
    })
    .await
}

/// Patients whose name or email contains `query` (at least 2 characters; at most 10
/// answers), for the front desk, doctors and admins.
#[server(prefix = "/api", endpoint = "find_patients", input = server_fn::codec::Json)]
pub async fn find_patients(query: String) -> Result<Vec<User>, AppError> {
    use crate::server::{auth, db::users, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        // Patients never; staff only once they work for a doctor.
        let desks = crate::server::clinic_day::desk_doctors(&state.db, &user).await?;
        if desks.is_empty() {
            return Err(AppError::Forbidden);
        }
        let query = crate::domain::validation::required_line("query", &query, 100)?;
        if query.chars().count() < 2 {
            return Err(AppError::invalid("query", "Type at least 2 characters."));
        }
        users::search_patients(&state.db, &query, 10).await
    })
    .await
}
