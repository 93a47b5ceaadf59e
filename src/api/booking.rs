use crate::domain::models::{Appointment, Service, Slot};
use crate::domain::StatusAction;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The services a doctor currently offers. Public.
#[server(prefix = "/api", endpoint = "doctor_services", input = server_fn::codec::Json)]
pub async fn doctor_services(doctor_id: i64) -> Result<Vec<Service>, AppError> {
    use crate::server::{db::services, http::respond, state::AppState};
    respond(async {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        services::list_for_doctor(&state.db, doctor_id, true).await
    })
    .await
}

/// Free start times for a service in `[from, to)` (at most 62 days). Public: patients see
/// what is free before they log in. With `reschedule` (an appointment of the caller's), the
/// times are for that appointment's service and its own current time counts as free.
#[server(prefix = "/api", endpoint = "free_times", input = server_fn::codec::Json)]
pub async fn free_times(
    doctor_id: i64,
    service_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    #[server(default)] reschedule: Option<i64>,
) -> Result<Vec<Slot>, AppError> {
    use crate::server::scheduling::{self, Asking, Moving};
    use crate::server::{auth, http::respond, state::AppState};
    respond(async {
        let window = scheduling::window(from, to)?;
        let (state, moving) = match reschedule {
            Some(id) => {
                let (state, user) = auth::require_user().await?;
                let moving = Moving::load(&state.db, &user, id).await?;
                (state, Asking::Moving(moving))
            }
            None => (
                use_context::<AppState>().ok_or(AppError::Internal)?,
                Asking::Booking,
            ),
        };
        let now = Utc::now();
        scheduling::free_times(&state.db, doctor_id, service_id, &window, moving, now).await
    })
    .await
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
    use crate::server::{auth, http::respond, idempotency};
    respond(async {
        let (state, patient) = auth::require_role(crate::domain::Role::Patient).await?;
        let request = BookingRequest {
            doctor_id,
            service_id,
            starts_at,
            notes,
        };
        let meeting = &state.config.meeting_base_url;
        let limits = booking::PendingLimits::from_config(&state.config);
        idempotency::once(&state.db, &patient, async {
            // Copies answered from a stored idempotency key are not attempts.
            let throttle_key = format!("book:{}", patient.id);
            state.throttles.booking_account.take(&throttle_key)?;
            booking::book(&state.db, &patient, &request, Utc::now(), meeting, limits).await
        })
        .await
    })
    .await
}

/// The patient's own appointments, newest first.
#[server(prefix = "/api", endpoint = "my_appointments", input = server_fn::codec::Json)]
pub async fn my_appointments() -> Result<Vec<Appointment>, AppError> {
    use crate::server::{auth, db::appointments, http::respond};
    respond(async {
        let (state, patient) = auth::require_role(crate::domain::Role::Patient).await?;
        appointments::list_for_patient(&state.db, patient.id).await
    })
    .await
}

/// Confirms, rejects, cancels, completes or marks a no-show, as the caller's role allows.
/// The optional reason goes into the audit trail.
#[server(prefix = "/api", endpoint = "appointment_status", input = server_fn::codec::Json)]
pub async fn change_appointment_status(
    appointment_id: i64,
    action: StatusAction,
    #[server(default)] reason: String,
) -> Result<Appointment, AppError> {
    use crate::server::{auth, booking, http::respond, idempotency};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let now = Utc::now();
        let change = booking::change_status(&state.db, &user, appointment_id, action, &reason, now);
        idempotency::once(&state.db, &user, change).await
    })
    .await
}

/// Moves an appointment to another offered time in one transaction (409 when it was just
/// taken). Patients only until the doctor's notice period before the start.
#[server(prefix = "/api", endpoint = "reschedule", input = server_fn::codec::Json)]
pub async fn reschedule(
    appointment_id: i64,
    starts_at: DateTime<Utc>,
    #[server(default)] reason: String,
) -> Result<Appointment, AppError> {
    use crate::server::booking::{self, RescheduleRequest};
    use crate::server::{auth, http::respond, idempotency};
    respond(async {
        let (state, user) = auth::require_user().await?;
        let request = RescheduleRequest {
            appointment_id,
            starts_at,
            reason,
        };
        let moving = booking::reschedule(&state.db, &user, &request, Utc::now());
        idempotency::once(&state.db, &user, moving).await
    })
    .await
}
