//! Weekly working hours and date overrides, stored as minutes and ISO dates of the doctor's
//! wall clock; turning them into instants is the domain's job.

use super::{with_conn, with_pool, with_tx, Conn, Db, Tx};
use crate::domain::hours::{DateOverride, DayHours, Interval, WeeklyHours};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use std::collections::HashMap;

const WEEKLY: &str = "SELECT weekday, start_minute, end_minute FROM weekly_hours \
     WHERE doctor_id = $1 ORDER BY weekday, start_minute";

/// Read inside a booking transaction too, so the hours checked are the hours at commit.
pub async fn weekly<'a>(conn: impl Into<Conn<'a>>, doctor_id: i64) -> AppResult<WeeklyHours> {
    let rows = with_conn!(conn.into(), |c| {
        sqlx::query_as(WEEKLY).bind(doctor_id).fetch_all(c).await
    })?;
    Ok(to_week(rows))
}

/// Every doctor's weekly hours at once (for reports across the practice).
pub async fn weekly_of_all(db: &Db) -> AppResult<HashMap<i64, WeeklyHours>> {
    let sql = "SELECT doctor_id, weekday, start_minute, end_minute FROM weekly_hours \
               ORDER BY doctor_id, weekday, start_minute";
    let rows: Vec<(i64, i64, i64, i64)> =
        with_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    let rows = rows
        .into_iter()
        .map(|(d, weekday, s, e)| (d, (weekday, s, e)));
    Ok(super::by_doctor(rows)
        .into_iter()
        .map(|(doctor, rows)| (doctor, to_week(rows)))
        .collect())
}

fn to_week(rows: Vec<(i64, i64, i64)>) -> WeeklyHours {
    let mut days: [Vec<Interval>; 7] = Default::default();
    for (weekday, start, end) in rows {
        let day = usize::try_from(weekday).ok().filter(|d| *d < 7);
        let interval = Interval::new(minute(start), minute(end));
        if let (Some(day), Ok(interval)) = (day, interval) {
            days[day].push(interval);
        }
    }
    let days = days.map(|intervals| DayHours::new(intervals).unwrap_or_default());
    WeeklyHours { days }
}

fn minute(value: i64) -> u16 {
    u16::try_from(value).unwrap_or(0)
}

/// Replaces the doctor's whole week in the caller's transaction.
pub async fn replace_weekly(tx: &mut Tx, doctor_id: i64, week: &WeeklyHours) -> AppResult<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM weekly_hours WHERE doctor_id = $1")
            .bind(doctor_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    let insert = "INSERT INTO weekly_hours (doctor_id, weekday, start_minute, end_minute) \
                  VALUES ($1, $2, $3, $4)";
    for (weekday, hours) in week.days.iter().enumerate() {
        for interval in hours.intervals() {
            with_tx!(tx, |conn| {
                sqlx::query(insert)
                    .bind(doctor_id)
                    .bind(weekday as i64)
                    .bind(i64::from(interval.start))
                    .bind(i64::from(interval.end))
                    .execute(conn)
                    .await
                    .map(|_| ())
            })?;
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OverrideRow {
    id: i64,
    first_day: String,
    last_day: String,
    hours: String,
    note: String,
}

fn to_override(row: OverrideRow) -> Option<DateOverride> {
    Some(DateOverride {
        id: row.id,
        first_day: row.first_day.parse().ok()?,
        last_day: row.last_day.parse().ok()?,
        hours: DayHours::parse(&row.hours).ok()?,
        note: row.note,
    })
}

const OVERRIDES: &str = "SELECT id, first_day, last_day, hours, note FROM date_overrides \
     WHERE doctor_id = $1 AND last_day >= $2 AND first_day <= $3 ORDER BY first_day, id";

/// Overrides touching the days `from..=to` (ISO dates compare as text).
pub async fn overrides<'a>(
    conn: impl Into<Conn<'a>>,
    doctor_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<DateOverride>> {
    let rows: Vec<OverrideRow> = with_conn!(conn.into(), |c| {
        sqlx::query_as(OVERRIDES)
            .bind(doctor_id)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(c)
            .await
    })?;
    Ok(rows.into_iter().filter_map(to_override).collect())
}

/// Every doctor's overrides touching the days `from..=to`.
pub async fn overrides_of_all(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<i64, Vec<DateOverride>>> {
    let sql = "SELECT doctor_id, id, first_day, last_day, hours, note FROM date_overrides \
               WHERE last_day >= $1 AND first_day <= $2 ORDER BY doctor_id, first_day, id";
    let rows: Vec<(i64, i64, String, String, String, String)> = with_pool!(db, |pool| {
        sqlx::query_as(sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(pool)
            .await
    })?;
    let items = rows
        .into_iter()
        .filter_map(|(doctor, id, first_day, last_day, hours, note)| {
            let row = OverrideRow {
                id,
                first_day,
                last_day,
                hours,
                note,
            };
            Some((doctor, to_override(row)?))
        });
    Ok(super::by_doctor(items))
}

pub async fn insert_override(tx: &mut Tx, doctor_id: i64, item: &DateOverride) -> AppResult<i64> {
    let sql = "INSERT INTO date_overrides (doctor_id, first_day, last_day, hours, note) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    with_tx!(tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(doctor_id)
            .bind(item.first_day.to_string())
            .bind(item.last_day.to_string())
            .bind(item.hours.to_string())
            .bind(&item.note)
            .fetch_one(conn)
            .await
    })
    .map_err(AppError::internal)
}

/// Deletes the doctor's own override; false when there is no such override of theirs.
pub async fn delete_override(db: &Db, doctor_id: i64, id: i64) -> AppResult<bool> {
    let sql = "DELETE FROM date_overrides WHERE id = $1 AND doctor_id = $2";
    let result = with_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(id)
            .bind(doctor_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(result > 0)
}
