//! Insight's stored day sums (`insight_days`, kept by triggers) and the local start of
//! each appointment they are keyed by.

use super::{with_pool, with_tx, Db};
use crate::domain::insight::{day_number, from_day_number, DaySums, LocalStart, Tally};
use crate::error::AppResult;
use chrono::NaiveDate;

/// The summed columns, in the order `DaySums` reads them (cast: PostgreSQL sums BIGINTs as
/// NUMERIC).
const SUMS: &str = "CAST(SUM(booked) AS BIGINT), CAST(SUM(pending) AS BIGINT), \
    CAST(SUM(confirmed) AS BIGINT), CAST(SUM(arrived) AS BIGINT), \
    CAST(SUM(rejected) AS BIGINT), CAST(SUM(cancelled) AS BIGINT), \
    CAST(SUM(completed) AS BIGINT), CAST(SUM(no_show) AS BIGINT), \
    CAST(SUM(kept_minutes) AS BIGINT), CAST(SUM(lead_minutes) AS BIGINT), \
    CAST(SUM(lead_0) AS BIGINT), CAST(SUM(lead_1) AS BIGINT), \
    CAST(SUM(lead_2) AS BIGINT), CAST(SUM(lead_3) AS BIGINT), \
    CAST(SUM(lead_4) AS BIGINT), CAST(SUM(lead_5) AS BIGINT), \
    CAST(SUM(h00) AS BIGINT), CAST(SUM(h01) AS BIGINT), CAST(SUM(h02) AS BIGINT), \
    CAST(SUM(h03) AS BIGINT), CAST(SUM(h04) AS BIGINT), CAST(SUM(h05) AS BIGINT), \
    CAST(SUM(h06) AS BIGINT), CAST(SUM(h07) AS BIGINT), CAST(SUM(h08) AS BIGINT), \
    CAST(SUM(h09) AS BIGINT), CAST(SUM(h10) AS BIGINT), CAST(SUM(h11) AS BIGINT), \
    CAST(SUM(h12) AS BIGINT), CAST(SUM(h13) AS BIGINT), CAST(SUM(h14) AS BIGINT), \
    CAST(SUM(h15) AS BIGINT), CAST(SUM(h16) AS BIGINT), CAST(SUM(h17) AS BIGINT), \
    CAST(SUM(h18) AS BIGINT), CAST(SUM(h19) AS BIGINT), CAST(SUM(h20) AS BIGINT), \
    CAST(SUM(h21) AS BIGINT), CAST(SUM(h22) AS BIGINT), CAST(SUM(h23) AS BIGINT)";

/// Which doctors a read covers: one, or all.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Doctor(i64),
    All,
}

impl Scope {
    /// `$3` is the doctor's id, or `NULL` for all (one statement text for both).
    fn bind(self) -> Option<i64> {
        match self {
            Scope::Doctor(id) => Some(id),
            Scope::All => None,
        }
    }
}

/// The day sums from `from` to `to` (local dates), one per date that has any.
pub async fn days(
    db: &Db,
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Vec<(NaiveDate, DaySums)>> {
    let sql = format!(
        "SELECT CAST(day AS BIGINT), {SUMS} FROM insight_days WHERE day BETWEEN $1 AND $2 \
         AND ($3 IS NULL OR doctor_id = $3) GROUP BY day ORDER BY day"
    );
    let rows = read(db, &sql, 41, scope, (from, to)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((from_day_number(row[0])?, sums(&row[1..]))))
        .collect())
}

/// The status counts and kept minutes only: what the per-doctor table shows.
const TALLY: &str = "CAST(SUM(booked) AS BIGINT), CAST(SUM(pending) AS BIGINT), \
    CAST(SUM(confirmed) AS BIGINT), CAST(SUM(arrived) AS BIGINT), \
    CAST(SUM(rejected) AS BIGINT), CAST(SUM(cancelled) AS BIGINT), \
    CAST(SUM(completed) AS BIGINT), CAST(SUM(no_show) AS BIGINT), \
    CAST(SUM(kept_minutes) AS BIGINT)";

/// Each doctor's sums from `from` to `to`, by doctor id.
pub async fn per_doctor(
    db: &Db,
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Vec<(i64, Tally)>> {
    let sql = format!(
        "SELECT doctor_id, {TALLY} FROM insight_days WHERE day BETWEEN $1 AND $2 \
         AND ($3 IS NULL OR doctor_id = $3) GROUP BY doctor_id ORDER BY doctor_id"
    );
    let rows = read(db, &sql, 10, scope, (from, to)).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row[0], tally(&row[1..])))
        .collect())
}

/// Rows of `columns` integers: the key and the sums.
async fn read(
    db: &Db,
    sql: &str,
    columns: usize,
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<Vec<Vec<i64>>> {
    use sqlx::Row;
    let (from, to) = (day_number(from), day_number(to));
    Ok(with_pool!(db, |pool| {
        let rows = sqlx::query(sql)
            .bind(from)
            .bind(to)
            .bind(scope.bind())
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|row| {
                (0..columns)
                    .map(|i| Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or_default()))
                    .collect::<Result<Vec<i64>, sqlx::Error>>()
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
    })?)
}

fn tally(values: &[i64]) -> Tally {
    Tally {
        booked: values[0],
        pending: values[1],
        confirmed: values[2],
        arrived: values[3],
        rejected: values[4],
        cancelled: values[5],
        completed: values[6],
        no_show: values[7],
        kept_minutes: values[8],
    }
}

fn sums(values: &[i64]) -> DaySums {
    let tally = tally(values);
    let mut lead_buckets = [0; 6];
    lead_buckets.copy_from_slice(&values[10..16]);
    let mut hours = [0; 24];
    hours.copy_from_slice(&values[16..40]);
    DaySums {
        tally,
        lead_minutes: values[9],
        lead_buckets,
        hours,
    }
}

/// Appointments stored before their local start was (those from before Insight): up to
/// `limit`, as (id, doctor, start, the doctor's zone).
pub async fn without_local_start(db: &Db, limit: i64) -> AppResult<Vec<(i64, i64, i64, String)>> {
    let sql = "SELECT a.id, a.doctor_id, a.starts_at, u.time_zone FROM appointments a \
               JOIN users u ON u.id = a.doctor_id WHERE a.local_day IS NULL ORDER BY a.id LIMIT $1";
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(sql).bind(limit).fetch_all(pool).await
    })?)
}

/// Stores an appointment's local start; the triggers then count it in its day.
pub async fn set_local_start(tx: &mut super::Tx, id: i64, local: LocalStart) -> AppResult<()> {
    let sql = "UPDATE appointments SET local_day = $2, local_hour = $3 WHERE id = $1";
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(local.day)
            .bind(local.hour)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
