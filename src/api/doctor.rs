use crate::domain::models::{
    AppointmentFilter, AvailabilitySpan, Dashboard, Service, ServiceInput,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// One page of the doctor's appointments (pending first) with counts per status.
#[server(prefix = "/api", endpoint = "doctor/dashboard", input = server_fn::codec::Json)]
pub async fn load_dashboard(filter: AppointmentFilter) -> Result<Dashboard, AppError> {
    use crate::server::{auth, db::appointments, http::respond};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let page = appointments::page_for_doctor(&state.db, doctor.id, &filter).await?;
        let counts = appointments::counts_for_doctor(&state.db, doctor.id, &filter).await?;
        Ok(Dashboard {
            appointments: page,
            counts,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "doctor/services", input = server_fn::codec::Json)]
pub async fn my_services() -> Result<Vec<Service>, AppError> {
    use crate::server::{auth, db::services, http::respond};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        services::list_for_doctor(&state.db, doctor.id, false).await
    })
    .await
}

/// Creates a service (`service_id` null) or edits one of the doctor's own.
#[server(prefix = "/api", endpoint = "doctor/save_service", input = server_fn::codec::Json)]
pub async fn save_service(
    service_id: Option<i64>,
    service: ServiceInput,
) -> Result<Service, AppError> {
    use crate::server::{auth, db::services, http::respond};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let valid = crate::server::catalog::ValidService::parse(&service)?;
        let fields = valid.fields();
        match service_id {
            None => services::insert(&state.db, doctor.id, &fields, Utc::now().timestamp()).await,
            Some(id) => services::update(&state.db, doctor.id, id, &fields)
                .await?
                .ok_or_else(|| AppError::not_found("That service")),
        }
    })
    .await
}

/// Offers or withdraws a service; booked appointments stay as they are.
#[server(prefix = "/api", endpoint = "doctor/service_active", input = server_fn::codec::Json)]
pub async fn set_service_active(service_id: i64, active: bool) -> Result<Service, AppError> {
    use crate::server::{auth, db::services, http::respond};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        services::set_active(&state.db, doctor.id, service_id, active)
            .await?
            .ok_or_else(|| AppError::not_found("That service"))
    })
    .await
}

/// The doctor's availability spans overlapping `[from, to)`.
#[server(prefix = "/api", endpoint = "doctor/availability", input = server_fn::codec::Json)]
pub async fn my_availability(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AvailabilitySpan>, AppError> {
    use crate::server::{auth, db::availability, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        let window = scheduling::window(from, to)?;
        availability::list(&state.db, doctor.id, &window).await
    })
    .await
}

/// Adds one-off extra hours on top of the weekly hours; returns how many spans were added (1).
#[server(prefix = "/api", endpoint = "doctor/add_availability", input = server_fn::codec::Json)]
pub async fn add_availability(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::domain::TimeRange;
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        use chrono::SubsecRound;
        let (starts_at, ends_at) = (starts_at.trunc_subsecs(0), ends_at.trunc_subsecs(0));
        let span = TimeRange::working_span(starts_at, ends_at)
            .map_err(|e| AppError::invalid("ends_at", e.to_string()))?;
        scheduling::add_spans(&state.db, doctor.id, &[span], Utc::now()).await
    })
    .await
}

/// Adds extra hours on one date, entered on the doctor's wall clock ("09:00-12:00").
#[server(prefix = "/api", endpoint = "doctor/add_extra_hours", input = server_fn::codec::Json)]
pub async fn add_extra_hours(day: chrono::NaiveDate, hours: String) -> Result<usize, AppError> {
    use crate::domain::hours::DayHours;
    use crate::domain::schedule::spans_of;
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        if !scheduling::day_in_calendar(day) {
            return Err(AppError::invalid("day", "That date is out of range."));
        }
        let hours =
            DayHours::parse(&hours).map_err(|e| AppError::invalid("hours", e.to_string()))?;
        if hours.is_closed() {
            return Err(AppError::invalid(
                "hours",
                "Enter the hours, e.g. 09:00-12:00.",
            ));
        }
        let spans = spans_of(&scheduling::zone(&doctor.time_zone), day, &hours);
        scheduling::add_spans(&state.db, doctor.id, &spans, Utc::now()).await
    })
    .await
}

/// Removes a free span of the doctor's own.
#[server(prefix = "/api", endpoint = "doctor/remove_availability", input = server_fn::codec::Json)]
pub async fn remove_availability(span_id: i64) -> Result<AvailabilitySpan, AppError> {
    use crate::server::{auth, http::respond, scheduling};
    respond(async {
        let (state, doctor) = auth::require_role(crate::domain::Role::Doctor).await?;
        scheduling::remove_span(&state.db, doctor.id, span_id).await
    })
    .await
}
