//! Passwords, log-in sessions and the "who is calling" checks every server function uses.

use super::db::{users, Db};
use super::state::AppState;
use super::throttle::ClientAddr;
use crate::domain::models::User;
use crate::domain::validation::{
    clean_text, Checks, Email, FieldError, Lines, Password, PersonName,
};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tower_sessions::Session;

pub const USER_ID: &str = "user_id";

/// Argon2 takes about 19 MiB and tens of milliseconds per hash: it runs on the bounded CPU
/// workers, so a burst of log-ins queues instead of filling memory.
pub async fn hash_password(password: &Password) -> AppResult<String> {
    let password = password.expose().to_string();
    super::cpu::run(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(AppError::internal)
    })
    .await?
}

async fn verify_password(password: &str, hash: String) -> bool {
    let password = password.to_string();
    super::cpu::run(move || {
        argon2::PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A fixed hash checked when the email is unknown, so a wrong email costs as much time as a
/// wrong password and response times do not reveal which accounts exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J2H0s6Fk8nKq3e2N3Wc2b0Qk4rS5x2Vv1fJ7yPp0tQo";

pub struct NewAccount<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub time_zone: &'a str,
}

impl<'a> NewAccount<'a> {
    /// Who registers themselves: a patient, in UTC until they say otherwise.
    pub fn patient(name: &'a str, email: &'a str, password: &'a str) -> NewAccount<'a> {
        NewAccount {
            name,
            email,
            password,
            role: Role::Patient,
            time_zone: "UTC",
        }
    }
}

/// Validates and stores a new account.
pub async fn create_account(db: &Db, account: NewAccount<'_>) -> AppResult<User> {
    // Every field is checked, so a form shows every problem at once.
    let mut checks = Checks::default();
    let name = checks.take(PersonName::parse(account.name));
    let email = checks.take(Email::parse(account.email));
    let password = checks.take(Password::parse(account.password));
    let zone = account
        .time_zone
        .parse::<chrono_tz::Tz>()
        .map_err(|_| FieldError::new("time_zone", "Use an IANA time zone such as Europe/Berlin."));
    let zone = checks.take(zone);
    let (name, email, password, _) = checks.finish(|| Some((name?, email?, password?, zone?)))?;
    let hash = hash_password(&password).await?;
    let new = users::NewUser {
        name: name.as_str(),
        email: email.as_str(),
        role: account.role,
        password_hash: &hash,
        time_zone: account.time_zone,
    };
    users::insert(db, new, chrono::Utc::now().timestamp()).await
}

/// Checks an email and password. Hidden characters are bad input (422), like anywhere else;
/// any other malformed email simply matches no account.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> AppResult<User> {
    clean_text("email", email, Lines::One)?;
    let email = Email::parse(email).map_err(|_| AppError::InvalidCredentials)?;
    match users::find_with_hash(db, email.as_str()).await? {
        Some((user, hash)) => match verify_password(password, hash.0).await {
            true => Ok(user),
            false => Err(AppError::InvalidCredentials),
        },
        None => {
            verify_password(password, DUMMY_HASH.to_string()).await;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Who is asking, for throttling: the peer's address, or the one a trusted proxy forwarded.
pub fn client_address(state: &AppState, parts: &axum::http::request::Parts) -> String {
    let peer = super::listen::peer_of(&parts.extensions);
    let forwarded = parts.headers.get("x-forwarded-for");
    let forwarded = forwarded.and_then(|v| v.to_str().ok());
    match peer.map(|peer| ClientAddr::from_request(peer, forwarded, state.config.trusted_proxies)) {
        Some(ClientAddr(ip)) => ip.to_string(),
        None => "unknown".into(),
    }
}

/// `client_address` inside a server function.
pub fn request_client(state: &AppState) -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map_or_else(|| "unknown".into(), |parts| client_address(state, &parts))
}

/// Log-in with throttling: per account and per address, failures only (see `Throttles`).
pub async fn log_in(
    state: &AppState,
    client: &str,
    email: &str,
    password: &str,
) -> AppResult<User> {
    let throttles = &state.throttles;
    let account = format!("login:{}", email.trim().to_lowercase());
    let address = format!("login:{client}");
    throttles.login_account.check(&account)?;
    throttles.login_addr.check(&address)?;
    match authenticate(&state.db, email, password).await {
        Ok(user) => {
            throttles.login_account.reset(&account);
            Ok(user)
        }
        Err(AppError::InvalidCredentials) => {
            throttles.login_account.hit(&account);
            throttles.login_addr.hit(&address);
            Err(AppError::InvalidCredentials)
        }
        Err(other) => Err(other),
    }
}

/// Registration with throttling: an address that keeps hitting taken emails is slowed down.
pub async fn register(state: &AppState, client: &str, account: NewAccount<'_>) -> AppResult<User> {
    let address = format!("register:{client}");
    state.throttles.register_addr.check(&address)?;
    let result = create_account(&state.db, account).await;
    // Every field is checked at once: an email problem counts wherever it is in the answer.
    if result
        .as_ref()
        .is_err_and(|e| e.message_for("email").is_some())
    {
        state.throttles.register_addr.hit(&address);
    }
    result
}

/// How long a session lives without activity (the session layer's setting too).
pub const SESSION_LIFETIME: tower_sessions::cookie::time::Duration =
    tower_sessions::cookie::time::Duration::days(14);

/// Starts a session for `user` under a new id, so an id planted before log-in is useless.
pub async fn start_session(session: &Session, user: &User) -> AppResult<()> {
    session.cycle_id().await.map_err(AppError::internal)?;
    // A visitor's short-lived session (kept for a refused form) becomes a normal one.
    session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(SESSION_LIFETIME)));
    session
        .insert(USER_ID, user.id)
        .await
        .map_err(AppError::internal)
}

pub async fn end_session(session: &Session) -> AppResult<()> {
    session.flush().await.map_err(AppError::internal)
}

pub async fn session_user(db: &Db, session: &Session) -> AppResult<Option<User>> {
    let id: Option<i64> = session.get(USER_ID).await.map_err(AppError::internal)?;
    match id {
        Some(id) => users::find_by_id(db, id).await,
        None => Ok(None),
    }
}

/// The request's session and the application state, inside a server function.
pub async fn request_context() -> AppResult<(AppState, Session)> {
    // Absent outside a request, e.g. while the router renders the app once to list its
    // routes and a resource starts loading; that is not worth a panic or an error log.
    let state = leptos::prelude::use_context::<AppState>().ok_or(AppError::Internal)?;
    let session = leptos_axum::extract::<Session>()
        .await
        .map_err(AppError::internal)?;
    Ok((state, session))
}

/// The logged-in user, or 401.
pub async fn require_user() -> AppResult<(AppState, User)> {
    let (state, session) = request_context().await?;
    let user = session_user(&state.db, &session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((state, user))
}

/// The logged-in user if they have `role`, or 401/403.
pub async fn require_role(role: Role) -> AppResult<(AppState, User)> {
    let (state, user) = require_user().await?;
    if user.role != role {
        return Err(AppError::Forbidden);
    }
    Ok((state, user))
}
