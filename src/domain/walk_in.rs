//! Walk-ins: patients seen without an appointment, queued for the day with a short token.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalkInStatus {
    Waiting,
    /// Called in: with the doctor now.
    Called,
    Seen,
    /// Went away before being seen.
    Left,
}

/// What the practice does with a walk-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalkInAction {
    Call,
    /// Back to waiting (a call made by mistake).
    Wait,
    Seen,
    Left,
}

impl WalkInStatus {
    pub const ALL: [WalkInStatus; 4] = [
        WalkInStatus::Waiting,
        WalkInStatus::Called,
        WalkInStatus::Seen,
        WalkInStatus::Left,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WalkInStatus::Waiting => "waiting",
            WalkInStatus::Called => "called",
            WalkInStatus::Seen => "seen",
            WalkInStatus::Left => "left",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WalkInStatus::Waiting => "Waiting",
            WalkInStatus::Called => "With the doctor",
            WalkInStatus::Seen => "Seen",
            WalkInStatus::Left => "Left",
        }
    }

    pub fn parse(text: &str) -> Option<WalkInStatus> {
        WalkInStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status after `action`, or `None` when it is not possible from here.
    pub fn apply(self, action: WalkInAction) -> Option<WalkInStatus> {
        use WalkInAction as A;
        use WalkInStatus::*;
        match (self, action) {
            (Waiting, A::Call) => Some(Called),
            (Called, A::Wait) => Some(Waiting),
            (Waiting | Called, A::Seen) => Some(Seen),
            (Waiting | Called, A::Left) => Some(Left),
            _ => None,
        }
    }
}

impl WalkInAction {
    /// Past tense for messages ("cannot be called in now").
    pub fn past_tense(self) -> &'static str {
        match self {
            WalkInAction::Call => "called in",
            WalkInAction::Wait => "sent back to waiting",
            WalkInAction::Seen => "marked seen",
            WalkInAction::Left => "marked as left",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WalkInAction::Call => "Call in",
            WalkInAction::Wait => "Back to waiting",
            WalkInAction::Seen => "Seen",
            WalkInAction::Left => "Left",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkIn {
    pub id: i64,
    pub doctor_id: i64,
    /// Short number for the day, called out in the waiting room: 1, 2, 3...
    pub token: u32,
    pub name: String,
    /// Set when the walk-in is an existing patient.
    pub patient_id: Option<i64>,
    pub notes: String,
    pub status: WalkInStatus,
    pub arrived_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::WalkInAction as A;
    use super::WalkInStatus::*;

    #[test]
    fn a_walk_in_waits_is_called_and_is_seen_or_leaves() {
        assert_eq!(Waiting.apply(A::Call), Some(Called));
        assert_eq!(Called.apply(A::Wait), Some(Waiting));
        assert_eq!(Called.apply(A::Seen), Some(Seen));
        assert_eq!(Waiting.apply(A::Left), Some(Left));
        assert_eq!(Waiting.apply(A::Wait), None);
        for done in [Seen, Left] {
            for action in [A::Call, A::Wait, A::Seen, A::Left] {
                assert_eq!(done.apply(action), None, "{done:?} is final");
            }
        }
    }
}
