use crate::domain::models::User;
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Creates an account of any role (admins only): how doctors join besides the command line.
#[server(prefix = "/api", endpoint = "admin/create_user", input = server_fn::codec::Json)]
pub async fn create_user(
    role: Role,
    name: String,
    email: String,
    password: String,
    time_zone: String,
) -> Result<User, AppError> {
    use crate::server::{auth, http::respond};
    respond(async {
        let (state, _) = auth::require_role(Role::Admin).await?;
        let account = auth::NewAccount {
            name: &name,
            email: &email,
            password: &password,
            role,
            time_zone: &time_zone,
        };
        auth::create_account(&state.db, account).await
    })
    .await
}
