//! Insight: reports over a doctor's (or, for an admin, every doctor's) appointments.

use crate::domain::insight::Insight as Report;
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;

/// The report from `from` to `to` (the doctor's local dates, both included, at most 366
/// days): a doctor's own; an admin's for the doctor named, or for every doctor.
#[server(prefix = "/api", endpoint = "insight", input = server_fn::codec::Json)]
pub async fn load_insight(
    from: NaiveDate,
    to: NaiveDate,
    #[server(default)] doctor: Option<i64>,
) -> Result<Report, AppError> {
    use crate::server::insight::{report, InsightQuery};
    use crate::server::{auth, http::respond};
    respond(async {
        let (state, user) = auth::require_user().await?;
        report(&state.db, &user, &InsightQuery { doctor, from, to }).await
    })
    .await
}
