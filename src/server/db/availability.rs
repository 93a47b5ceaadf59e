use super::{from_ts, to_ts, violation, with_conn, with_pool, with_tx, Conn, Db, Tx, Violation};
use crate::domain::models::AvailabilitySpan;
use crate::domain::TimeRange;
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct SpanRow {
    id: i64,
    doctor_id: i64,
    starts_at: i64,
    ends_at: i64,
    time_zone: String,
    booked: bool,
}

impl From<SpanRow> for AvailabilitySpan {
    fn from(row: SpanRow) -> AvailabilitySpan {
        AvailabilitySpan {
            id: row.id,
            doctor_id: row.doctor_id,
            starts_at: from_ts(row.starts_at),
            ends_at: from_ts(row.ends_at),
            time_zone: row.time_zone,
            booked: row.booked,
        }
    }
}

/// Whether an active appointment lies inside the span `av`. The bounds on `blocked_from` follow
/// from the others (the blocked range covers the visit and is at most 16 h) and let the index
/// of active appointments be searched as a range, not by doctor alone.
const BOOKED: &str = "EXISTS (SELECT 1 FROM appointments ap WHERE ap.doctor_id = av.doctor_id \
     AND ap.status IN ('pending', 'confirmed', 'arrived') AND ap.starts_at < av.ends_at \
     AND ap.starts_at > av.starts_at - 57600 AND ap.ends_at > av.starts_at \
     AND ap.blocked_from < av.ends_at AND ap.blocked_from > av.starts_at - 57600)";

/// The doctor's spans that overlap the window `$2..$3`, each with whether it is booked.
pub(crate) fn list_sql() -> String {
    format!(
        "SELECT av.id, av.doctor_id, av.starts_at, av.ends_at, av.time_zone, {BOOKED} AS booked \
         FROM availability av WHERE av.doctor_id = $1 AND av.starts_at < $3 \
         AND av.starts_at > $2 - 172800 AND av.ends_at > $2 \
         ORDER BY av.starts_at"
    )
}

/// The doctor's spans that overlap `window`, in time order.
pub async fn list(db: &Db, doctor_id: i64, window: &TimeRange) -> AppResult<Vec<AvailabilitySpan>> {
    let sql = list_sql();
    let rows: Vec<SpanRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(doctor_id)
            .bind(to_ts(window.start()))
            .bind(to_ts(window.end()))
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().map(AvailabilitySpan::from).collect())
}

/// The doctor's spans overlapping `window` as plain ranges, for computing free times.
pub(crate) const RANGES: &str = "SELECT starts_at, ends_at FROM availability \
     WHERE doctor_id = $1 AND starts_at < $3 AND starts_at > $2 - 172800 AND ends_at > $2 \
     ORDER BY starts_at";

/// Read inside a booking transaction too, so a span removed meanwhile is not booked into.
pub async fn ranges<'a>(
    conn: impl Into<Conn<'a>>,
    doctor_id: i64,
    window: &TimeRange,
) -> AppResult<Vec<TimeRange>> {
    let rows: Vec<(i64, i64)> = with_conn!(conn.into(), |c| {
        sqlx::query_as(RANGES)
            .bind(doctor_id)
            .bind(to_ts(window.start()))
            .bind(to_ts(window.end()))
            .fetch_all(c)
            .await
    })?;
    Ok(super::to_ranges(rows))
}

/// Every doctor's spans overlapping `window` (for reports across the practice).
pub async fn ranges_of_all(
    db: &Db,
    window: &TimeRange,
) -> AppResult<std::collections::HashMap<i64, Vec<TimeRange>>> {
    let sql = "SELECT doctor_id, starts_at, ends_at FROM availability \
               WHERE starts_at < $2 AND ends_at > $1 ORDER BY doctor_id, starts_at";
    let rows: Vec<(i64, i64, i64)> = with_pool!(db, |pool| {
        sqlx::query_as(sql)
            .bind(to_ts(window.start()))
            .bind(to_ts(window.end()))
            .fetch_all(pool)
            .await
    })?;
    let rows = rows
        .into_iter()
        .map(|(doctor, start, end)| (doctor, (start, end)));
    Ok(super::by_doctor(rows)
        .into_iter()
        .map(|(doctor, rows)| (doctor, super::to_ranges(rows)))
        .collect())
}

/// The first existing span of the doctor that overlaps `range`, if any.
pub async fn first_overlap(
    tx: &mut Tx,
    doctor_id: i64,
    range: &TimeRange,
) -> AppResult<Option<(i64, i64)>> {
    let sql = "SELECT starts_at, ends_at FROM availability \
               WHERE doctor_id = $1 AND starts_at < $3 AND starts_at > $2 - 172800 \
               AND ends_at > $2 ORDER BY starts_at LIMIT 1";
    with_tx!(tx, |conn| {
        sqlx::query_as(sql)
            .bind(doctor_id)
            .bind(to_ts(range.start()))
            .bind(to_ts(range.end()))
            .fetch_optional(conn)
            .await
    })
    .map_err(AppError::internal)
}

pub async fn insert(
    tx: &mut Tx,
    doctor_id: i64,
    span: &TimeRange,
    time_zone: &str,
) -> AppResult<i64> {
    let sql = "INSERT INTO availability (doctor_id, starts_at, ends_at, time_zone) \
               VALUES ($1, $2, $3, $4) RETURNING id";
    let result: Result<i64, sqlx::Error> = with_tx!(tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(doctor_id)
            .bind(to_ts(span.start()))
            .bind(to_ts(span.end()))
            .bind(time_zone)
            .fetch_one(conn)
            .await
    });
    result.map_err(|e| match violation(&e) {
        Some(Violation::AvailabilityOverlap) => {
            AppError::Conflict("This time overlaps availability you already have.".into())
        }
        _ => AppError::internal(e),
    })
}

/// The span, if it is the doctor's, with whether it is booked.
pub async fn find_own(
    tx: &mut Tx,
    doctor_id: i64,
    span_id: i64,
) -> AppResult<Option<AvailabilitySpan>> {
    let sql = format!(
        "SELECT av.id, av.doctor_id, av.starts_at, av.ends_at, av.time_zone, {BOOKED} AS booked \
         FROM availability av WHERE av.id = $1 AND av.doctor_id = $2"
    );
    let row: Option<SpanRow> = with_tx!(tx, |conn| {
        sqlx::query_as(&sql)
            .bind(span_id)
            .bind(doctor_id)
            .fetch_optional(conn)
            .await
    })?;
    Ok(row.map(AvailabilitySpan::from))
}

pub async fn delete(tx: &mut Tx, span_id: i64) -> AppResult<()> {
    let sql = "DELETE FROM availability WHERE id = $1";
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(span_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}
