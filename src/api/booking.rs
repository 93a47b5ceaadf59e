use crate::domain::models::{Appointment, Doctor, Service, Slot};
use crate::domain::StatusAction;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// Doctors patients can book with.
#[server(prefix = "/api", endpoint = "doctors", input = server_fn::codec::Json)]
pub async fn list_doctors() -> Result<Vec<Doctor>, AppError> {
    use crate::server::{auth, db::users, http::respond};
    respond(
        async {
            let (state, _) = auth::require_user().await?;
            users::list_doctors(&state.db).await
        }
        .await,
    )
}

/// The services a doctor currently offers.
#[server(prefix = "/api", endpoint = "doctor_services", input = server_fn::codec::Json)]
pub async fn doctor_services(doctor_id: i64) -> Result<Vec<Service>, AppError> {
    use crate::server::{auth, db::services, http::respond};
    respond(
        async {
            let (state, _) = auth::require_user().await?;
            services::list_for_doctor(&state.db, doctor_id, true).await
        }
        .await,
    )
}

/// Free start times for a service in `[from, to)` (at most 62 days).
#[server(prefix = "/api", endpoint = "free_times", input = server_fn::codec::Json)]
pub async fn free_times(
    doctor_id: i64,
    service_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Slot>, AppError> {
    use crate::server::{auth, http::respond, scheduling};
    respond(
        async {
            let (state, _) = auth::require_user().await?;
            scheduling::free_times(&state.db, doctor_id, service_id, from, to, Utc::now()).await
        }
        .await,
    )
}

/// Requests an appointment (status pending). 409 when the time was just taken.
#[server(prefix = "/api", endpoint = "book", input = server_fn::codec::Json)]
pub async fn book(
    doctor_id: i64,
    service_id: i64,
    starts_at: DateTime<Utc>,
    notes: String,
) -> Result<Appointment, AppError> {
    use crate::server::booking::{self, BookingRequest};
    use crate::server::{auth, http::respond};
    respond(
        async {
            let (state, patient) = auth::require_role(crate::domain::Role::Patient).await?;
            let request = BookingRequest {
                doctor_id,
                service_id,
                starts_at,
                notes,
            };
            booking::book(&state.db, &patient, &request, Utc::now()).await
        }
        .await,
    )
}

/// The patient's own appointments, newest first.
#[server(prefix = "/api", endpoint = "my_appointments", input = server_fn::codec::Json)]
pub async fn my_appointments() -> Result<Vec<Appointment>, AppError> {
    use crate::server::{auth, db::appointments, http::respond};
    respond(
        async {
            let (state, patient) = auth::require_role(crate::domain::Role::Patient).await?;
            appointments::list_for_patient(&state.db, patient.id).await
        }
        .await,
    )
}

/// Confirms, rejects, cancels, completes or marks a no-show, as the caller's role allows.
#[server(prefix = "/api", endpoint = "appointment_status", input = server_fn::codec::Json)]
pub async fn change_appointment_status(
    appointment_id: i64,
    action: StatusAction,
) -> Result<Appointment, AppError> {
    use crate::server::{auth, booking, http::respond};
    respond(
        async {
            let (state, user) = auth::require_user().await?;
            booking::change_status(&state.db, &user, appointment_id, action, Utc::now()).await
        }
        .await,
    )
}
