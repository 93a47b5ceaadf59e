use crate::domain::models::User;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "register", input = server_fn::codec::Json)]
pub async fn register(name: String, email: String, password: String) -> Result<User, AppError> {
    use crate::server::{auth, http::respond};
    respond(async {
        let (state, session) = auth::request_context().await?;
        let account = auth::NewAccount::patient(&name, &email, &password);
        let user = auth::register(&state, &auth::request_client(&state), account).await?;
        auth::start_session(&session, &user).await?;
        Ok(user)
    })
    .await
}

#[server(prefix = "/api", endpoint = "login", input = server_fn::codec::Json)]
pub async fn login(email: String, password: String) -> Result<User, AppError> {
    use crate::server::{auth, http::respond};
    respond(async {
        let (state, session) = auth::request_context().await?;
        let client = auth::request_client(&state);
        let user = auth::log_in(&state, &client, &email, &password).await?;
        auth::start_session(&session, &user).await?;
        Ok(user)
    })
    .await
}

#[server(prefix = "/api", endpoint = "logout", input = server_fn::codec::Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{auth, http::respond};
    respond(async {
        let (_, session) = auth::request_context().await?;
        auth::end_session(&session).await
    })
    .await
}

/// The logged-in user, or `null`.
#[server(prefix = "/api", endpoint = "me", input = server_fn::codec::Json)]
pub async fn me() -> Result<Option<User>, AppError> {
    use crate::server::{auth, http::respond};
    respond(async {
        let (state, session) = auth::request_context().await?;
        auth::session_user(&state.db, &session).await
    })
    .await
}

/// A log-in or registration form posted without the app (before it loaded, or with
/// JavaScript off) and refused: the error and what was typed, never the password.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormRefusal {
    pub error: AppError,
    pub name: String,
    pub email: String,
}

/// The refused form post's error and input, once (reading it removes it); `null` when
/// there is none. The log-in and registration pages read it when they render.
#[server(prefix = "/api", endpoint = "refused_form", input = server_fn::codec::Json)]
pub async fn refused_form() -> Result<Option<FormRefusal>, AppError> {
    use crate::server::{auth, auth_forms, http::respond};
    respond(async {
        let (_, session) = auth::request_context().await?;
        auth_forms::take_flash(&session).await
    })
    .await
}
