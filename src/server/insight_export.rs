//! `GET /api/insight.csv`: the Insight report's days as a spreadsheet download, for the
//! same callers and with the same checks as the `insight` server function.

use super::auth::session_user;
use super::http::error_response;
use super::insight::{report, InsightQuery};
use super::state::AppState;
use crate::error::{AppError, AppResult};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct CsvQuery {
    from: NaiveDate,
    to: NaiveDate,
    doctor: Option<i64>,
}

pub async fn csv(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CsvQuery>,
) -> Response {
    match export(&state, &session, &query).await {
        Ok((name, body)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

async fn export(
    state: &AppState,
    session: &Session,
    query: &CsvQuery,
) -> AppResult<(String, String)> {
    let user = session_user(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let wanted = InsightQuery {
        doctor: query.doctor,
        from: query.from,
        to: query.to,
    };
    let insight = report(&state.db, &user, &wanted).await?;
    let name = format!("insight-{}-to-{}.csv", query.from, query.to);
    Ok((name, insight.csv()))
}
