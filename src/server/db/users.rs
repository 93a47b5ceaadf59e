use super::{violation, with_pool, with_tx, Db, Tx, Violation};
use crate::domain::models::{Doctor, User, NO_ACCOUNT_DOMAIN};
use crate::domain::Role;
use crate::error::{AppError, AppResult};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    time_zone: String,
}

impl UserRow {
    fn into_user(self) -> AppResult<User> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| AppError::internal(format!("unknown role {:?}", self.role)))?;
        Ok(User {
            id: self.id,
            name: self.name,
            email: self.email,
            role,
            time_zone: self.time_zone,
        })
    }
}

/// A stored Argon2 hash. Deliberately not `Serialize`: it never leaves the server.
pub struct PasswordHash(pub String);

pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub time_zone: &'a str,
}

const USER_COLUMNS: &str = "id, name, email, role, time_zone";

pub async fn insert(db: &Db, user: NewUser<'_>, now: i64) -> AppResult<User> {
    let sql = format!(
        "INSERT INTO users (name, email, role, password_hash, time_zone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
    );
    let row: Result<UserRow, sqlx::Error> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(user.name)
            .bind(user.email)
            .bind(user.role.as_str())
            .bind(user.password_hash)
            .bind(user.time_zone)
            .bind(now)
            .fetch_one(pool)
            .await
    });
    match row {
        Ok(row) => row.into_user(),
        Err(e) if violation(&e) == Some(Violation::EmailTaken) => Err(AppError::invalid(
            "email",
            "An account with this email already exists. Log in instead.",
        )),
        Err(e) => Err(AppError::internal(e)),
    }
}

pub async fn find_by_id(db: &Db, id: i64) -> AppResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql).bind(id).fetch_optional(pool).await
    })?;
    row.map(UserRow::into_user).transpose()
}

/// A patient the practice registered by name only (a walk-in): a record to book on, with no
/// way to log in (the hash `!` parses as no Argon2 hash) and a unique, unguessable email.
pub async fn insert_without_account(
    tx: &mut Tx,
    name: &str,
    zone: &str,
    now: i64,
) -> AppResult<i64> {
    let email = format!(
        "walk-in-{}@{NO_ACCOUNT_DOMAIN}",
        crate::server::random_token()
    );
    let sql = "INSERT INTO users (name, email, role, password_hash, time_zone, created_at) \
               VALUES ($1, $2, 'patient', '!', $3, $4) RETURNING id";
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar(sql)
            .bind(name)
            .bind(&email)
            .bind(zone)
            .bind(now)
            .fetch_one(conn)
            .await
    })?)
}

/// The user with `email` and their password hash, for log-in.
pub async fn find_with_hash(db: &Db, email: &str) -> AppResult<Option<(User, PasswordHash)>> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
    let row: Option<(i64, String, String, String, String, String)> = with_pool!(db, |pool| {
        sqlx::query_as(&sql).bind(email).fetch_optional(pool).await
    })?;
    let Some((id, name, email, role, time_zone, hash)) = row else {
        return Ok(None);
    };
    let user = UserRow {
        id,
        name,
        email,
        role,
        time_zone,
    }
    .into_user()?;
    Ok(Some((user, PasswordHash(hash))))
}

pub async fn list_doctors(db: &Db) -> AppResult<Vec<Doctor>> {
    let sql = "SELECT id, name, time_zone FROM users WHERE role = 'doctor' ORDER BY name, id";
    let rows: Vec<(i64, String, String)> =
        with_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, time_zone)| Doctor {
            id,
            name,
            time_zone,
        })
        .collect())
}

pub async fn count(db: &Db) -> AppResult<i64> {
    let sql = "SELECT COUNT(*) FROM users";
    with_pool!(db, |pool| sqlx::query_scalar(sql).fetch_one(pool).await).map_err(AppError::internal)
}

/// A secret the application generated once and keeps in the database (e.g. the cookie key),
/// so that every app process shares it and restarts keep sessions valid.
pub async fn stored_secret(
    db: &Db,
    name: &str,
    generate: impl FnOnce() -> String,
) -> AppResult<String> {
    let candidate = generate();
    let insert =
        "INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
    let select = "SELECT value FROM app_secrets WHERE name = $1";
    with_pool!(db, |pool| async {
        sqlx::query(insert)
            .bind(name)
            .bind(&candidate)
            .execute(pool)
            .await?;
        sqlx::query_scalar::<_, String>(select)
            .bind(name)
            .fetch_one(pool)
            .await
    }
    .await)
    .map_err(AppError::internal)
}

/// Patients whose name or email contains `text`, by name, at most `limit`: how the front
/// desk finds a walk-in's record. Both sides go through the engine's `lower()`, so case is
/// ignored for the letters that engine folds (SQLite: ASCII; PostgreSQL: all).
pub async fn search_patients(db: &Db, text: &str, limit: i64) -> AppResult<Vec<User>> {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE role = 'patient' \
         AND (lower(name) LIKE lower($1) ESCAPE '\\' OR email LIKE lower($1) ESCAPE '\\') \
         ORDER BY name, id LIMIT $2"
    );
    let rows: Vec<UserRow> = with_pool!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(&pattern)
            .bind(limit)
            .fetch_all(pool)
            .await
    })?;
    rows.into_iter().map(UserRow::into_user).collect()
}
