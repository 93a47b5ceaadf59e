//! The public doctor directory and profiles, and profile editing.

use crate::domain::profile::{DoctorCard, DoctorProfile, DoctorSearch, FreeTimes, ProfileInput};
use crate::error::AppError;
use leptos::prelude::*;

/// Doctors matching the search (all when empty), with their next free time. Public.
#[server(prefix = "/api", endpoint = "doctors", input = server_fn::codec::Json)]
pub async fn doctors(#[server(default)] search: DoctorSearch) -> Result<Vec<DoctorCard>, AppError> {
    use crate::server::{directory, http::respond, state::AppState};
    respond(async {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        directory::search(&state.db, &search, chrono::Utc::now()).await
    })
    .await
}

/// The specialties doctors list, for the directory's filter. Public.
#[server(prefix = "/api", endpoint = "specialties", input = server_fn::codec::Json)]
pub async fn specialties() -> Result<Vec<String>, AppError> {
    use crate::server::{directory, http::respond, state::AppState};
    respond(async {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        directory::specialties(&state.db).await
    })
    .await
}

/// A doctor's public profile with the services they offer. Public.
#[server(prefix = "/api", endpoint = "doctor_profile", input = server_fn::codec::Json)]
pub async fn load_profile(doctor_id: i64) -> Result<DoctorProfile, AppError> {
    use crate::server::{directory, http::respond, state::AppState};
    respond(async {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        directory::profile(&state.db, doctor_id).await
    })
    .await
}

/// The earliest free times of each of a doctor's services (up to 6 each). Public.
#[server(prefix = "/api", endpoint = "next_free_times", input = server_fn::codec::Json)]
pub async fn next_free_times(doctor_id: i64) -> Result<Vec<FreeTimes>, AppError> {
    use crate::server::{directory, http::respond, state::AppState};
    respond(async {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        directory::free_times(&state.db, doctor_id, chrono::Utc::now()).await
    })
    .await
}

/// Saves a profile: doctors their own, admins any doctor's (naming `doctor_id`).
#[server(prefix = "/api", endpoint = "doctor/save_profile", input = server_fn::codec::Json)]
pub async fn save_profile(profile: ProfileInput) -> Result<DoctorProfile, AppError> {
    use crate::domain::Role;
    use crate::server::db::profiles;
    use crate::server::{auth, directory, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let doctor_id = match (user.role, profile.doctor_id) {
            (Role::Doctor, None) => user.id,
            (Role::Doctor, Some(id)) if id == user.id => id,
            (Role::Admin, Some(id)) => id,
            (Role::Admin, None) => {
                return Err(AppError::invalid("doctor_id", "Choose the doctor to edit."))
            }
            _ => return Err(AppError::Forbidden),
        };
        let valid = profile.validate()?;
        if profiles::find(&state.db, doctor_id).await?.is_none() {
            return Err(AppError::not_found("That doctor"));
        }
        profiles::save(&state.db, doctor_id, &valid).await?;
        directory::profile(&state.db, doctor_id).await
    })
    .await
}
