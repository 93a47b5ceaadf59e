use serde::{Deserialize, Serialize};

/// What a user is allowed to do is decided by their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Patient,
    Doctor,
    Admin,
    /// The front desk: works the day for the doctors an admin attached them to.
    Staff,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Patient, Role::Doctor, Role::Admin, Role::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Patient => "patient",
            Role::Doctor => "doctor",
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// The page a user lands on after logging in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Patient => "/appointments",
            Role::Doctor | Role::Staff => "/doctor/today",
            Role::Admin => "/admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_its_own_names_and_nothing_else() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Doctor"), None);
        assert_eq!(Role::parse(""), None);
    }
}
