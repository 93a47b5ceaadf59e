use crate::domain::models::{Doctor, User};
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

/// Attaches a staff member to exactly these doctors (admins only); `[]` detaches them.
#[server(prefix = "/api", endpoint = "admin/set_staff_doctors", input = server_fn::codec::Json)]
pub async fn set_staff_doctors(
    staff_id: i64,
    doctor_ids: Vec<i64>,
) -> Result<Vec<Doctor>, AppError> {
    use crate::server::{auth, http::respond, staff};
    respond(async {
        let (state, _) = auth::require_role(Role::Admin).await?;
        staff::set_doctors(&state.db, staff_id, &doctor_ids).await
    })
    .await
}
