use super::{from_ts, to_ts, violation, with_conn, with_pool, with_tx, Conn, Db, Tx, Violation};
use crate::domain::insight::LocalStart;
use crate::domain::models::{Appointment, AppointmentFilter, Page, StatusCount};
use crate::domain::profile::DEFAULT_CHANGE_NOTICE_HOURS;
use crate::domain::schedule::Busy;
use crate::domain::{AppointmentStatus, TimeRange};
use crate::error::{AppError, AppResult, SLOT_TAKEN};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: i64,
    doctor_id: i64,
    doctor_name: String,
    patient_id: i64,
    patient_name: String,
    service_id: i64,
    service_name: String,
    starts_at: i64,
    ends_at: i64,
    status: String,
    notes: String,
    created_at: i64,
    updated_at: i64,
    change_notice_hours: i64,
    video: bool,
    meeting_url: Option<String>,
    arrived_at: Option<i64>,
    called_at: Option<i64>,
    running_late_minutes: Option<i32>,
    practice_phone: String,
}

impl AppointmentRow {
    fn into_appointment(self) -> AppResult<Appointment> {
        let status = AppointmentStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("unknown status {:?}", self.status)))?;
        Ok(Appointment {
            id: self.id,
            doctor_id: self.doctor_id,
            doctor_name: self.doctor_name,
            patient_id: self.patient_id,
            patient_name: self.patient_name,
            service_id: self.service_id,
            service_name: self.service_name,
            starts_at: from_ts(self.starts_at),
            ends_at: from_ts(self.ends_at),
            status,
            notes: self.notes,
            created_at: from_ts(self.created_at),
            updated_at: from_ts(self.updated_at),
            change_notice_hours: u32::try_from(self.change_notice_hours)
                .unwrap_or(DEFAULT_CHANGE_NOTICE_HOURS),
            video: self.video,
            // The call is only for a visit the doctor has accepted.
            meeting_url: self.meeting_url.filter(|_| {
                matches!(
                    status,
                    AppointmentStatus::Confirmed | AppointmentStatus::Arrived
                )
            }),
            arrived_at: self.arrived_at.map(from_ts),
            called_at: self.called_at.map(from_ts),
            // Only news while the visit is still to happen.
            running_late_minutes: self
                .running_late_minutes
                .and_then(|m| u32::try_from(m).ok())
                .filter(|_| status.is_active()),
            practice_phone: self.practice_phone,
        })
    }
}

fn convert(rows: Vec<AppointmentRow>) -> AppResult<Vec<Appointment>> {
    rows.into_iter()
        .map(AppointmentRow::into_appointment)
        .collect()
}

/// One query for a whole list: names come from joins, not one look-up per row.
const COLUMNS: &str = "a.id, a.doctor_id, d.name AS doctor_name, a.patient_id, \
     p.name AS patient_name, a.service_id, s.name AS service_name, a.starts_at, a.ends_at, \
     a.status, a.notes, a.created_at, a.updated_at, \
     COALESCE(dp.change_notice_hours, 24) AS change_notice_hours, \
     (a.meeting_url IS NOT NULL) AS video, a.meeting_url, a.arrived_at, a.called_at, \
     rl.minutes AS running_late_minutes, COALESCE(dp.phone, '') AS practice_phone";
const JOINS: &str = "FROM appointments a \
     JOIN users d ON d.id = a.doctor_id \
     JOIN users p ON p.id = a.patient_id \
     JOIN services s ON s.id = a.service_id \
     LEFT JOIN doctor_profiles dp ON dp.doctor_id = a.doctor_id \
     LEFT JOIN running_late rl ON rl.doctor_id = a.doctor_id \
     AND rl.day_start <= a.starts_at AND rl.day_start > a.starts_at - 172800 \
     AND rl.day_end > a.starts_at";

pub struct NewAppointment<'a> {
    pub doctor_id: i64,
    pub patient_id: i64,
    pub service_id: i64,
    pub range: TimeRange,
    /// The range plus the service's buffers: what the no-overlap rule compares.
    pub blocked: TimeRange,
    pub notes: &'a str,
    pub meeting_url: Option<String>,
    /// Pending for a patient's request; arrived for a walk-in booked at the desk.
    pub status: AppointmentStatus,
    /// The start on the doctor's clock, for Insight's day sums.
    pub local: LocalStart,
}

fn overlap_is_conflict(e: sqlx::Error) -> AppError {
    match violation(&e) {
        Some(Violation::AppointmentOverlap) => AppError::Conflict(SLOT_TAKEN.into()),
        _ => AppError::internal(e),
    }
}

/// Inserts an appointment (stamped as arrived now when it starts out checked in). The database refuses an overlap with another active
/// appointment of the doctor (exclusion constraint or trigger): that refusal is a conflict.
pub async fn insert(tx: &mut Tx, new: &NewAppointment<'_>, now: i64) -> AppResult<i64> {
    let sql = "INSERT INTO appointments (doctor_id, patient_id, service_id, starts_at, ends_at, \
               blocked_from, blocked_until, status, notes, meeting_url, created_at, updated_at, \
               arrived_at, local_day, local_hour) VALUES ($1, $2, $3, $4, $5, $6, $7, $11, $8, \
               $9, $10, $10, CASE WHEN $11 = 'arrived' THEN $10 END, $12, $13) RETURNING id";
    with_tx!(tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(new.doctor_id)
            .bind(new.patient_id)
            .bind(new.service_id)
            .bind(to_ts(new.range.start()))
            .bind(to_ts(new.range.end()))
            .bind(to_ts(new.blocked.start()))
            .bind(to_ts(new.blocked.end()))
            .bind(new.notes)
            .bind(&new.meeting_url)
            .bind(now)
            .bind(new.status.as_str())
            .bind(new.local.day)
            .bind(new.local.hour)
            .fetch_one(conn)
            .await
    })
    .map_err(overlap_is_conflict)
}

/// Where an appointment moves: its own time, the time it blocks, and its local start.
pub struct Move {
    pub range: TimeRange,
    pub blocked: TimeRange,
    pub local: LocalStart,
}

/// Moves an appointment to a new time (with its buffers) and sets its status, in one update.
pub async fn move_to(
    tx: &mut Tx,
    id: i64,
    to: &Move,
    status: AppointmentStatus,
    now: i64,
) -> AppResult<()> {
    let sql = "UPDATE appointments SET starts_at = $2, ends_at = $3, blocked_from = $4, \
               blocked_until = $5, status = $6, updated_at = $7, local_day = $8, \
               local_hour = $9 WHERE id = $1";
    let (range, blocked) = (&to.range, &to.blocked);
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(to_ts(range.start()))
            .bind(to_ts(range.end()))
            .bind(to_ts(blocked.start()))
            .bind(to_ts(blocked.end()))
            .bind(status.as_str())
            .bind(now)
            .bind(to.local.day)
            .bind(to.local.hour)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(overlap_is_conflict)
}

pub async fn find<'a>(conn: impl Into<Conn<'a>>, id: i64) -> AppResult<Option<Appointment>> {
    let sql = format!("SELECT {COLUMNS} {JOINS} WHERE a.id = $1");
    let row: Option<AppointmentRow> = with_conn!(conn.into(), |c| {
        sqlx::query_as(&sql).bind(id).fetch_optional(c).await
    })?;
    row.map(AppointmentRow::into_appointment).transpose()
}

/// The doctor whose lock guards this appointment (read before taking the lock).
pub async fn doctor_of(db: &Db, id: i64) -> AppResult<Option<i64>> {
    let sql = "SELECT doctor_id FROM appointments WHERE id = $1";
    with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
    .map_err(AppError::internal)
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: AppointmentStatus,
    now: i64,
) -> AppResult<()> {
    // Checking in stamps the arrival; undoing it clears the stamp; completing keeps it.
    // Undoing it also takes back a call into the room.
    let sql = "UPDATE appointments SET status = $2, updated_at = $3, arrived_at = CASE \
               WHEN $2 = 'arrived' THEN $3 WHEN $2 = 'confirmed' THEN NULL ELSE arrived_at END, \
               called_at = CASE WHEN $2 = 'confirmed' THEN NULL ELSE called_at END \
               WHERE id = $1";
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(status.as_str())
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .map_err(overlap_is_conflict)
}

/// One entry of the audit trail.
pub struct Event<'a> {
    pub appointment_id: i64,
    pub actor_id: i64,
    pub from: Option<AppointmentStatus>,
    pub to: AppointmentStatus,
    pub reason: &'a str,
    /// Set when the appointment moved: its old and new start.
    pub moved: Option<(i64, i64)>,
}

/// The audit trail is also the live feed, read by id; on PostgreSQL event ids are taken
/// under this lock, held to commit, so they become visible in increasing order and a reader
/// that has seen id N never later finds a smaller one. (SQLite has one writer anyway.)
const FEED_ORDER_LOCK: i64 = 0x4150_5054_4645_4544;

/// The channel the app processes LISTEN on; the NOTIFY is delivered at commit.
pub const LIVE_CHANNEL: &str = "appointments_live";

/// Appends to the audit trail in the caller's transaction, tells the live feed, and writes
/// the messages the change causes to the outbox: committed together, or not at all.
pub async fn record_event(tx: &mut Tx, event: &Event<'_>, now: i64) -> AppResult<()> {
    record_audit(tx, event, now).await?;
    super::outbox::enqueue_change(tx, event, now).await
}

/// The audit trail and the live feed alone (the demo data's past, which tells nobody).
pub async fn record_audit(tx: &mut Tx, event: &Event<'_>, now: i64) -> AppResult<()> {
    let sql = "INSERT INTO appointment_events (appointment_id, actor_id, from_status, to_status, \
               reason, from_starts_at, to_starts_at, created_at, made_offline_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    if let Tx::Postgres { tx, .. } = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1), pg_notify($2, '')")
            .bind(FEED_ORDER_LOCK)
            .bind(LIVE_CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(event.appointment_id)
            .bind(event.actor_id)
            .bind(event.from.map(AppointmentStatus::as_str))
            .bind(event.to.as_str())
            .bind(event.reason)
            .bind(event.moved.map(|(from, _)| from))
            .bind(event.moved.map(|(_, to)| to))
            .bind(now)
            .bind(super::idempotency::made_offline_at())
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// The patient's pending requests for times still ahead: in total and with one doctor.
pub async fn pending_counts(
    tx: &mut Tx,
    patient_id: i64,
    doctor_id: i64,
    now: i64,
) -> AppResult<(i64, i64)> {
    let sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN doctor_id = $2 THEN 1 ELSE 0 END), 0) \
               FROM appointments WHERE patient_id = $1 AND starts_at > $3 AND status = 'pending'";
    with_tx!(tx, |conn| {
        sqlx::query_as(sql)
            .bind(patient_id)
            .bind(doctor_id)
            .bind(now)
            .fetch_one(conn)
            .await
    })
    .map_err(AppError::internal)
}

pub async fn list_for_patient(db: &Db, patient_id: i64) -> AppResult<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} {JOINS} WHERE a.patient_id = $1 ORDER BY a.starts_at DESC LIMIT 500"
    );
    let rows: Vec<AppointmentRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql).bind(patient_id).fetch_all(pool).await
    })?;
    convert(rows)
}

/// Every appointment of the doctor starting in `[from, to)`, in time order: one day's
/// agenda (a day holds at most a few hundred).
pub async fn starting_between(
    db: &Db,
    doctor_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} {JOINS} WHERE a.doctor_id = $1 AND a.starts_at >= $2 \
         AND a.starts_at < $3 ORDER BY a.starts_at, a.id LIMIT 1000"
    );
    let rows: Vec<AppointmentRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(doctor_id)
            .bind(to_ts(from))
            .bind(to_ts(to))
            .fetch_all(pool)
            .await
    })?;
    convert(rows)
}

/// Active appointments of the doctor whose busy time meets `window`. A blocked range is at
/// most 16 hours (8-hour service, 4-hour buffers each side), which bounds the index scan on
/// `(doctor_id, blocked_from)` from below instead of reading the doctor's whole history.
pub(crate) const BUSY_SQL: &str =
    "SELECT id, starts_at, blocked_from, blocked_until FROM appointments \
     WHERE doctor_id = $1 AND status IN ('pending', 'confirmed', 'arrived') \
     AND blocked_from < $3 AND blocked_from > $2 - 57600 AND blocked_until > $2";

fn to_busy(rows: Vec<(i64, i64, i64, i64)>, except: Option<i64>) -> Vec<Busy> {
    rows.into_iter()
        .filter(|(id, ..)| Some(*id) != except)
        .filter_map(|(_, start, from, until)| {
            let blocked = TimeRange::new(from_ts(from), from_ts(until)).ok()?;
            Some(Busy {
                starts_at: from_ts(start),
                blocked,
                appointment: true,
            })
        })
        .collect()
}

/// Read inside a booking transaction too, where the moved appointment is left out. Busy
/// times imported from the doctor's own calendar are included.
pub async fn busy<'a>(
    conn: impl Into<Conn<'a>>,
    doctor_id: i64,
    window: &TimeRange,
    except: Option<i64>,
) -> AppResult<Vec<Busy>> {
    let mut conn = conn.into();
    let rows = with_conn!(conn.reborrow(), |c| {
        sqlx::query_as(BUSY_SQL)
            .bind(doctor_id)
            .bind(to_ts(window.start()))
            .bind(to_ts(window.end()))
            .fetch_all(c)
            .await
    })?;
    let mut busy = to_busy(rows, except);
    // Time the doctor's own calendar marks busy is neither offered nor bookable.
    let elsewhere = super::messaging::imported_busy(conn, doctor_id, window).await?;
    busy.extend(elsewhere.into_iter().map(|range| Busy {
        starts_at: range.start(),
        blocked: range,
        appointment: false,
    }));
    Ok(busy)
}

pub const PER_PAGE: u32 = 20;

/// The filter's time bounds as Unix seconds (`from` inclusive, `to` exclusive).
fn bounds(filter: &AppointmentFilter) -> (i64, i64) {
    (
        filter.from.map(to_ts).unwrap_or(i64::MIN),
        filter.to.map(to_ts).unwrap_or(i64::MAX),
    )
}

/// One page of the doctor's appointments, pending requests first. The page is chosen and
/// counted on the appointments table alone (a covering index serves it), then joined for
/// names: one query, one round trip, however many rows the doctor has.
pub async fn page_for_doctor(
    db: &Db,
    doctor_id: i64,
    filter: &AppointmentFilter,
) -> AppResult<Page<Appointment>> {
    let page = filter.page.unwrap_or(1).max(1);
    let (start, end) = bounds(filter);
    let status_clause = if filter.status.is_some() {
        "AND status = $6"
    } else {
        ""
    };
    let order = "CASE WHEN {t}status = 'pending' THEN 0 ELSE 1 END, {t}starts_at, {t}id";
    let sql = format!(
        "WITH chosen AS (SELECT id, status, starts_at, COUNT(*) OVER () AS total \
         FROM appointments WHERE doctor_id = $1 AND starts_at >= $2 AND starts_at < $3 \
         {status_clause} ORDER BY {inner} LIMIT $4 OFFSET $5) \
         SELECT {COLUMNS}, c.total {JOINS} JOIN chosen c ON c.id = a.id ORDER BY {outer}",
        inner = order.replace("{t}", ""),
        outer = order.replace("{t}", "a."),
    );
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let rows: Vec<AppointmentRowWithTotal> = with_pool!(db, |pool| {
        let query = sqlx::query_as(&sql)
            .bind(doctor_id)
            .bind(start)
            .bind(end)
            .bind(i64::from(PER_PAGE))
            .bind(offset);
        let query = match filter.status {
            Some(status) => query.bind(status.as_str()),
            None => query,
        };
        query.fetch_all(pool).await
    })?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page the window count has no row to ride on: count on its own.
        None if page > 1 => count_for_doctor(db, doctor_id, filter).await?,
        None => 0,
    };
    let items = convert(rows.into_iter().map(|r| r.row).collect())?;
    Ok(Page {
        items,
        page,
        per_page: PER_PAGE,
        total,
    })
}

async fn count_for_doctor(db: &Db, doctor_id: i64, filter: &AppointmentFilter) -> AppResult<i64> {
    let (start, end) = bounds(filter);
    let status_clause = if filter.status.is_some() {
        "AND status = $4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT COUNT(*) FROM appointments WHERE doctor_id = $1 AND starts_at >= $2 \
         AND starts_at < $3 {status_clause}"
    );
    with_pool!(db, |pool| {
        let query = sqlx::query_scalar(&sql)
            .bind(doctor_id)
            .bind(start)
            .bind(end);
        let query = match filter.status {
            Some(status) => query.bind(status.as_str()),
            None => query,
        };
        query.fetch_one(pool).await
    })
    .map_err(AppError::internal)
}

#[derive(sqlx::FromRow)]
struct AppointmentRowWithTotal {
    #[sqlx(flatten)]
    row: AppointmentRow,
    total: i64,
}

/// How many of the doctor's appointments in the filter's days have each status.
pub async fn counts_for_doctor(
    db: &Db,
    doctor_id: i64,
    filter: &AppointmentFilter,
) -> AppResult<Vec<StatusCount>> {
    let (start, end) = bounds(filter);
    let sql = "SELECT status, COUNT(*) FROM appointments \
               WHERE doctor_id = $1 AND starts_at >= $2 AND starts_at < $3 GROUP BY status";
    let rows: Vec<(String, i64)> = with_pool!(db, |pool| {
        sqlx::query_as(sql)
            .bind(doctor_id)
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await
    })?;
    let mut counts = vec![StatusCount {
        status: None,
        count: rows.iter().map(|(_, n)| n).sum(),
    }];
    counts.extend(AppointmentStatus::ALL.into_iter().map(|status| {
        StatusCount {
            status: Some(status),
            count: rows
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0),
        }
    }));
    Ok(counts)
}

/// Marks a checked-in patient as called in by the doctor (no change of status).
pub async fn set_called(tx: &mut Tx, id: i64, now: i64) -> AppResult<bool> {
    let sql = "UPDATE appointments SET called_at = $2, updated_at = $2 \
               WHERE id = $1 AND status = 'arrived' AND called_at IS NULL";
    let changed = with_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(now)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(changed == 1)
}
