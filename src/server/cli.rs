//! Command line: `appointments` serves; `appointments user create ...` adds an account.

use super::auth::{create_account, NewAccount};
use super::db::Db;
use crate::domain::Role;

pub enum Command {
    Serve,
    CreateUser {
        role: Role,
        name: String,
        email: String,
        time_zone: String,
    },
}

pub const USAGE: &str = "usage:
  appointments                      serve the app (see README for settings)
  appointments user create --role <patient|doctor|admin> --name <name> --email <email>
                           [--time-zone <IANA zone, default UTC>]
  The password comes from the environment variable NEW_USER_PASSWORD, or else from the
  first line of standard input (never from the command line, where `ps` and the shell's
  history would show it).";

/// Where `user create` reads the password from.
pub const PASSWORD_VARIABLE: &str = "NEW_USER_PASSWORD";

pub fn parse(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Serve),
        [first, ..] if first == "serve" => Ok(Command::Serve),
        [user, create, rest @ ..] if user == "user" && create == "create" => parse_create(rest),
        _ => Err(USAGE.to_string()),
    }
}

fn parse_create(args: &[String]) -> Result<Command, String> {
    let value = |flag: &str| -> Option<String> {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let required = |flag: &str| value(flag).ok_or_else(|| format!("missing {flag}\n{USAGE}"));
    if args.iter().any(|a| a == "--password") {
        return Err(format!(
            "--password is not accepted: set {PASSWORD_VARIABLE} or type it on standard input\n{USAGE}"
        ));
    }
    let role_text = required("--role")?;
    let role =
        Role::parse(&role_text).ok_or_else(|| format!("unknown role {role_text:?}\n{USAGE}"))?;
    Ok(Command::CreateUser {
        role,
        name: required("--name")?,
        email: required("--email")?,
        time_zone: value("--time-zone").unwrap_or_else(|| "UTC".into()),
    })
}

/// Creates the account `command` describes, with `password` (see `read_password`).
pub async fn create_user(db: &Db, command: Command, password: &str) -> Result<String, String> {
    let Command::CreateUser {
        role,
        name,
        email,
        time_zone,
    } = command
    else {
        return Err(USAGE.to_string());
    };
    let account = NewAccount {
        name: &name,
        email: &email,
        password,
        role,
        time_zone: &time_zone,
    };
    let user = create_account(db, account)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "created {} {} <{}> (id {})",
        user.role.as_str(),
        user.name,
        user.email,
        user.id
    ))
}

/// The new account's password: from the environment, else one line of standard input.
pub fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    eprint!("Password for the new account: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_user_create() {
        let command = parse(&args("user create --role doctor --name Ann --email a@b.co")).unwrap();
        let Command::CreateUser {
            role, time_zone, ..
        } = command
        else {
            panic!("not create")
        };
        assert_eq!(role, Role::Doctor);
        assert_eq!(time_zone, "UTC");
    }

    #[test]
    fn refuses_unknown_roles_and_missing_flags() {
        assert!(parse(&args("user create --role nurse --name A --email a@b.co")).is_err());
        assert!(parse(&args(
            "user create --role doctor --name A --email a@b.co --password x"
        ))
        .is_err());
        assert!(parse(&args("user create --role doctor --name A")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert!(matches!(parse(&[]), Ok(Command::Serve)));
    }
}
