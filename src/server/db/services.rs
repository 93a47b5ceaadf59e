use super::{violation, with_conn, with_pool, Conn, Db, Violation};
use crate::domain::models::Service;
use crate::domain::validation::Price;
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: i64,
    doctor_id: i64,
    name: String,
    description: String,
    duration_minutes: i64,
    price_minor: Option<i64>,
    currency: Option<String>,
    active: bool,
    buffer_before_minutes: i64,
    buffer_after_minutes: i64,
    slot_step_minutes: Option<i64>,
    video: bool,
}

impl From<ServiceRow> for Service {
    fn from(row: ServiceRow) -> Service {
        let price = match (row.price_minor, row.currency) {
            (Some(amount_minor), Some(currency)) => Some(Price {
                amount_minor,
                currency,
            }),
            _ => None,
        };
        Service {
            id: row.id,
            doctor_id: row.doctor_id,
            name: row.name,
            description: row.description,
            duration_minutes: u32::try_from(row.duration_minutes).unwrap_or(0),
            price,
            active: row.active,
            buffer_before_minutes: minutes(row.buffer_before_minutes),
            buffer_after_minutes: minutes(row.buffer_after_minutes),
            slot_step_minutes: row.slot_step_minutes.map(minutes),
            video: row.video,
        }
    }
}

fn minutes(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// A validated service, ready to store.
pub struct ServiceFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub duration_minutes: u32,
    pub price: Option<&'a Price>,
    pub buffer_before_minutes: u32,
    pub buffer_after_minutes: u32,
    pub slot_step_minutes: Option<u32>,
    pub video: bool,
}

const COLUMNS: &str = "id, doctor_id, name, description, duration_minutes, price_minor, \
     currency, active, buffer_before_minutes, buffer_after_minutes, slot_step_minutes, video";

fn name_taken(e: sqlx::Error) -> AppError {
    if violation(&e) == Some(Violation::ServiceNameTaken) {
        AppError::invalid("name", "You already have a service with this name.")
    } else {
        AppError::internal(e)
    }
}

pub async fn list_for_doctor(
    db: &Db,
    doctor_id: i64,
    only_active: bool,
) -> AppResult<Vec<Service>> {
    let filter = if only_active { "AND active = TRUE" } else { "" };
    let sql = format!(
        "SELECT {COLUMNS} FROM services WHERE doctor_id = $1 {filter} ORDER BY active DESC, name"
    );
    let rows: Vec<ServiceRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql).bind(doctor_id).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(Service::from).collect())
}

pub async fn insert(
    db: &Db,
    doctor_id: i64,
    fields: &ServiceFields<'_>,
    now: i64,
) -> AppResult<Service> {
    let sql = format!(
        "INSERT INTO services (doctor_id, name, description, duration_minutes, price_minor, \
         currency, active, created_at, buffer_before_minutes, buffer_after_minutes, \
         slot_step_minutes, video) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9, $10, $11) RETURNING {COLUMNS}"
    );
    let row: ServiceRow = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(doctor_id)
            .bind(fields.name)
            .bind(fields.description)
            .bind(i64::from(fields.duration_minutes))
            .bind(fields.price.map(|p| p.amount_minor))
            .bind(fields.price.map(|p| p.currency.clone()))
            .bind(now)
            .bind(i64::from(fields.buffer_before_minutes))
            .bind(i64::from(fields.buffer_after_minutes))
            .bind(fields.slot_step_minutes.map(i64::from))
            .bind(fields.video)
            .fetch_one(pool)
            .await
    })
    .map_err(name_taken)?;
    Ok(row.into())
}

/// Updates the doctor's own service; `None` when it does not exist or is someone else's.
pub async fn update(
    db: &Db,
    doctor_id: i64,
    service_id: i64,
    fields: &ServiceFields<'_>,
) -> AppResult<Option<Service>> {
    let sql = format!(
        "UPDATE services SET name = $3, description = $4, duration_minutes = $5, \
         price_minor = $6, currency = $7, buffer_before_minutes = $8, buffer_after_minutes = $9, \
         slot_step_minutes = $10, video = $11 WHERE id = $1 AND doctor_id = $2 RETURNING {COLUMNS}"
    );
    let row: Option<ServiceRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(service_id)
            .bind(doctor_id)
            .bind(fields.name)
            .bind(fields.description)
            .bind(i64::from(fields.duration_minutes))
            .bind(fields.price.map(|p| p.amount_minor))
            .bind(fields.price.map(|p| p.currency.clone()))
            .bind(i64::from(fields.buffer_before_minutes))
            .bind(i64::from(fields.buffer_after_minutes))
            .bind(fields.slot_step_minutes.map(i64::from))
            .bind(fields.video)
            .fetch_optional(pool)
            .await
    })
    .map_err(name_taken)?;
    Ok(row.map(Service::from))
}

pub async fn set_active(
    db: &Db,
    doctor_id: i64,
    service_id: i64,
    active: bool,
) -> AppResult<Option<Service>> {
    let sql = format!(
        "UPDATE services SET active = $3 WHERE id = $1 AND doctor_id = $2 RETURNING {COLUMNS}"
    );
    let row: Option<ServiceRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(service_id)
            .bind(doctor_id)
            .bind(active)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(Service::from))
}

/// Read inside a booking transaction too, where the service is checked under the lock.
pub async fn find<'a>(conn: impl Into<Conn<'a>>, service_id: i64) -> AppResult<Option<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE id = $1");
    let row: Option<ServiceRow> = with_conn!(conn.into(), |c| {
        sqlx::query_as(&sql)
            .bind(service_id)
            .fetch_optional(c)
            .await
    })?;
    Ok(row.map(Service::from))
}
