//! Migrations on a database that already holds data: the SQLite rebuild of `appointments`
//! for the clinic day keeps every row, id and audit entry, and the rules still hold.

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;

const BEFORE_CLINIC_DAY: usize = 3;

async fn pool(dir: &tempfile::TempDir) -> SqlitePool {
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

/// A clinic as the previous release left it: a doctor, a patient, a service, and two
/// appointments with their audit entries.
async fn old_data(pool: &SqlitePool) {
    let statements = [
        "INSERT INTO users (id, name, email, password_hash, role, time_zone, created_at) \
         VALUES (1, 'Dr A', 'a@x.test', 'x', 'doctor', 'UTC', 0), \
         (2, 'Pat', 'p@x.test', 'x', 'patient', 'UTC', 0)",
        "INSERT INTO services (id, doctor_id, name, duration_minutes, created_at) \
         VALUES (1, 1, 'Visit', 30, 0)",
        "INSERT INTO appointments (id, doctor_id, patient_id, service_id, starts_at, ends_at, \
         status, created_at, updated_at, blocked_from, blocked_until) VALUES \
         (7, 1, 2, 1, 1900000000, 1900001800, 'confirmed', 0, 0, 1900000000, 1900001800), \
         (9, 1, 2, 1, 1900003600, 1900005400, 'cancelled', 0, 0, 1900003600, 1900005400)",
        "INSERT INTO appointment_events (appointment_id, actor_id, from_status, to_status, \
         created_at) VALUES (7, 2, NULL, 'pending', 0), (7, 1, 'pending', 'confirmed', 0), \
         (9, 2, NULL, 'pending', 0), (9, 2, 'pending', 'cancelled', 0)",
    ];
    for sql in statements {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

#[tokio::test]
async fn the_sqlite_rebuild_keeps_every_appointment_and_its_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir).await;
    let mut older = sqlx::migrate!("./migrations/sqlite");
    older.migrations = older.migrations[..BEFORE_CLINIC_DAY].to_vec().into();
    older.run(&pool).await.unwrap();
    old_data(&pool).await;

    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .unwrap();

    let rows = sqlx::query("SELECT id, status, starts_at FROM appointments ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let kept: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(kept, [(7, "confirmed".into()), (9, "cancelled".into())]);
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointment_events e JOIN appointments a ON a.id = e.appointment_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(events, 4);
    let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(orphans, 0);

    // The rules came back with the table: no overlap with an active (now also arrived)
    // appointment, and new ids continue after the old ones.
    let overlap = sqlx::query(
        "INSERT INTO appointments (doctor_id, patient_id, service_id, starts_at, ends_at, status, \
         created_at, updated_at, blocked_from, blocked_until) \
         VALUES (1, 2, 1, 1900000900, 1900002700, 'pending', 0, 0, 1900000900, 1900002700)",
    )
    .execute(&pool)
    .await;
    assert!(overlap
        .unwrap_err()
        .to_string()
        .contains("appointments_no_overlap"));
    sqlx::query("UPDATE appointments SET status = 'arrived', arrived_at = 1 WHERE id = 7")
        .execute(&pool)
        .await
        .unwrap();
    let fresh = sqlx::query_scalar::<_, i64>(
        "INSERT INTO appointments (doctor_id, patient_id, service_id, starts_at, ends_at, status, \
         created_at, updated_at, blocked_from, blocked_until) \
         VALUES (1, 2, 1, 1900007200, 1900009000, 'pending', 0, 0, 1900007200, 1900009000) \
         RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(fresh, 10);
    let unstamped = sqlx::query("UPDATE appointments SET status = 'arrived' WHERE id = 10")
        .execute(&pool)
        .await;
    assert!(unstamped.is_err(), "an arrival needs its time");
}
