//! The appointment status machine: the one place that says which changes are allowed.

use super::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Pending,
    Confirmed,
    /// Checked in at the practice: still holds the doctor's time, now waiting to be seen.
    Arrived,
    Rejected,
    Cancelled,
    Completed,
    NoShow,
}

/// Something a user can do to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    Confirm,
    Reject,
    Cancel,
    CheckIn,
    /// Takes back a mistaken check-in.
    UndoCheckIn,
    Complete,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 7] = [
        AppointmentStatus::Pending,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Arrived,
        AppointmentStatus::Rejected,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];

    /// Statuses that hold the doctor's time; the database's no-overlap rule uses the same set.
    pub const ACTIVE: [AppointmentStatus; 3] = [
        AppointmentStatus::Pending,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Arrived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "pending",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Arrived => "arrived",
            AppointmentStatus::Rejected => "rejected",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "Pending",
            AppointmentStatus::Confirmed => "Confirmed",
            AppointmentStatus::Arrived => "Checked in",
            AppointmentStatus::Rejected => "Rejected",
            AppointmentStatus::Cancelled => "Cancelled",
            AppointmentStatus::Completed => "Completed",
            AppointmentStatus::NoShow => "No-show",
        }
    }

    pub fn parse(text: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    pub fn is_active(self) -> bool {
        AppointmentStatus::ACTIVE.contains(&self)
    }

    pub fn is_final(self) -> bool {
        StatusAction::ALL
            .into_iter()
            .all(|action| self.apply(action).is_none())
    }

    /// The status after `action`, or `None` when the action is not allowed from here.
    pub fn apply(self, action: StatusAction) -> Option<AppointmentStatus> {
        use AppointmentStatus::*;
        use StatusAction as A;
        match (self, action) {
            (Pending, A::Confirm) => Some(Confirmed),
            (Pending, A::Reject) => Some(Rejected),
            (Pending | Confirmed, A::Cancel) => Some(Cancelled),
            (Confirmed, A::CheckIn) => Some(Arrived),
            (Arrived, A::UndoCheckIn) => Some(Confirmed),
            (Confirmed | Arrived, A::Complete) => Some(Completed),
            // Someone who has arrived is not a no-show: undo the check-in first.
            (Confirmed, A::NoShow) => Some(NoShow),
            _ => None,
        }
    }
}

impl StatusAction {
    pub const ALL: [StatusAction; 7] = [
        StatusAction::Confirm,
        StatusAction::Reject,
        StatusAction::Cancel,
        StatusAction::CheckIn,
        StatusAction::UndoCheckIn,
        StatusAction::Complete,
        StatusAction::NoShow,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StatusAction::Confirm => "Confirm",
            StatusAction::Reject => "Reject",
            StatusAction::Cancel => "Cancel",
            StatusAction::CheckIn => "Check in",
            StatusAction::UndoCheckIn => "Undo check-in",
            StatusAction::Complete => "Complete",
            StatusAction::NoShow => "No-show",
        }
    }

    /// Patients may only withdraw their own request. The front desk runs the day (confirm,
    /// reject, cancel, check in, no-show); only the doctor says a visit is completed.
    pub fn permitted_for(self, role: Role) -> bool {
        match role {
            Role::Patient => self == StatusAction::Cancel,
            Role::Staff => self != StatusAction::Complete,
            Role::Doctor | Role::Admin => true,
        }
    }

    /// The rules that depend on the clock: a visit is completed or missed only once it has
    /// started, and a patient can withdraw only until the doctor's notice period before it.
    pub fn timely(
        self,
        role: Role,
        starts_at: DateTime<Utc>,
        now: DateTime<Utc>,
        change_notice_hours: u32,
    ) -> Result<(), String> {
        match self {
            StatusAction::Complete | StatusAction::NoShow if now < starts_at => {
                Err("This can only be recorded once the appointment has started.".into())
            }
            StatusAction::CheckIn if now + chrono::Duration::hours(CHECK_IN_HOURS) < starts_at => {
                Err(format!(
                    "Check-in opens {CHECK_IN_HOURS} hours before the appointment."
                ))
            }
            StatusAction::Cancel if role == Role::Patient => {
                patient_may_change(starts_at, now, change_notice_hours)
            }
            _ => Ok(()),
        }
    }

    /// Past tense for messages ("Appointment confirmed").
    pub fn past_tense(self) -> &'static str {
        match self {
            StatusAction::Confirm => "confirmed",
            StatusAction::Reject => "rejected",
            StatusAction::Cancel => "cancelled",
            StatusAction::CheckIn => "checked in",
            StatusAction::UndoCheckIn => "returned to confirmed",
            StatusAction::Complete => "marked completed",
            StatusAction::NoShow => "marked as no-show",
        }
    }
}

/// How long before its start a visit can be checked in: the same day, not by mistake a
/// week ahead.
pub const CHECK_IN_HOURS: i64 = 12;

/// Patients may cancel or move an appointment only until `notice_hours` before its start;
/// later changes go through the practice, which can still fill or rearrange the time.
pub fn patient_may_change(
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    notice_hours: u32,
) -> Result<(), String> {
    if now + chrono::Duration::hours(i64::from(notice_hours)) < starts_at {
        return Ok(());
    }
    Err(if notice_hours == 0 {
        "An appointment that has started can no longer be changed online. Please call the practice."
            .into()
    } else {
        format!(
            "Online changes close {} before the start. Please call the practice.",
            super::schedule::notice_text(notice_hours * 60)
        )
    })
}

/// The actions the UI offers for an appointment in `status` to a user with `role`.
pub fn allowed_actions(status: AppointmentStatus, role: Role) -> Vec<StatusAction> {
    StatusAction::ALL
        .into_iter()
        .filter(|action| action.permitted_for(role) && status.apply(*action).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::*;
    use super::*;

    #[test]
    fn pending_can_be_confirmed_rejected_or_cancelled() {
        assert_eq!(Pending.apply(StatusAction::Confirm), Some(Confirmed));
        assert_eq!(Pending.apply(StatusAction::Reject), Some(Rejected));
        assert_eq!(Pending.apply(StatusAction::Cancel), Some(Cancelled));
        assert_eq!(Pending.apply(StatusAction::Complete), None);
        assert_eq!(Pending.apply(StatusAction::NoShow), None);
    }

    #[test]
    fn confirmed_can_be_cancelled_completed_or_no_show() {
        assert_eq!(Confirmed.apply(StatusAction::Cancel), Some(Cancelled));
        assert_eq!(Confirmed.apply(StatusAction::Complete), Some(Completed));
        assert_eq!(Confirmed.apply(StatusAction::NoShow), Some(NoShow));
        assert_eq!(Confirmed.apply(StatusAction::Confirm), None);
        assert_eq!(Confirmed.apply(StatusAction::Reject), None);
    }

    #[test]
    fn check_in_can_be_undone_and_arrived_visits_complete() {
        assert_eq!(Confirmed.apply(StatusAction::CheckIn), Some(Arrived));
        assert_eq!(Arrived.apply(StatusAction::UndoCheckIn), Some(Confirmed));
        assert_eq!(Arrived.apply(StatusAction::Complete), Some(Completed));
        // No-show stays possible only until arrival; an arrived visit is not cancelled.
        assert_eq!(Arrived.apply(StatusAction::NoShow), None);
        assert_eq!(Arrived.apply(StatusAction::Cancel), None);
        assert_eq!(Pending.apply(StatusAction::CheckIn), None);
        assert_eq!(Confirmed.apply(StatusAction::UndoCheckIn), None);
        assert_eq!(Arrived.apply(StatusAction::CheckIn), None);
    }

    #[test]
    fn check_in_opens_on_the_day() {
        let start = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        let hours = |h: i64| start - chrono::Duration::hours(h);
        let check_in = StatusAction::CheckIn;
        assert!(check_in.timely(Role::Doctor, start, hours(13), 0).is_err());
        assert!(check_in.timely(Role::Doctor, start, hours(12), 0).is_ok());
        assert!(check_in.timely(Role::Doctor, start, start, 0).is_ok());
    }

    #[test]
    fn the_other_statuses_are_final() {
        for status in [Rejected, Cancelled, Completed, NoShow] {
            assert!(status.is_final(), "{status:?} should be final");
            assert!(!status.is_active());
        }
        assert!(!Pending.is_final());
        assert!(!Confirmed.is_final());
        assert!(!Arrived.is_final());
    }

    #[test]
    fn pending_confirmed_and_arrived_hold_the_time() {
        let active: Vec<_> = AppointmentStatus::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(active, vec![Pending, Confirmed, Arrived]);
    }

    #[test]
    fn patients_may_only_cancel() {
        assert_eq!(
            allowed_actions(Pending, Role::Patient),
            vec![StatusAction::Cancel]
        );
        assert_eq!(
            allowed_actions(Confirmed, Role::Patient),
            vec![StatusAction::Cancel]
        );
        assert!(allowed_actions(Completed, Role::Patient).is_empty());
    }

    #[test]
    fn the_front_desk_does_all_but_completing_a_visit() {
        assert_eq!(
            allowed_actions(Arrived, Role::Staff),
            vec![StatusAction::UndoCheckIn]
        );
        assert_eq!(
            allowed_actions(Confirmed, Role::Staff),
            vec![
                StatusAction::Cancel,
                StatusAction::CheckIn,
                StatusAction::NoShow
            ]
        );
    }

    #[test]
    fn doctors_see_every_allowed_transition() {
        assert_eq!(
            allowed_actions(Pending, Role::Doctor),
            vec![
                StatusAction::Confirm,
                StatusAction::Reject,
                StatusAction::Cancel
            ]
        );
        assert_eq!(
            allowed_actions(Confirmed, Role::Doctor),
            vec![
                StatusAction::Cancel,
                StatusAction::CheckIn,
                StatusAction::Complete,
                StatusAction::NoShow
            ]
        );
        assert_eq!(
            allowed_actions(Arrived, Role::Doctor),
            vec![StatusAction::UndoCheckIn, StatusAction::Complete]
        );
    }

    #[test]
    fn completion_and_no_shows_wait_for_the_start_and_patients_cancel_before_the_notice() {
        let start = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        let before = start - chrono::Duration::minutes(1);
        for action in [StatusAction::Complete, StatusAction::NoShow] {
            assert!(action.timely(Role::Doctor, start, before, 0).is_err());
            assert!(action.timely(Role::Doctor, start, start, 0).is_ok());
        }
        let cancel = StatusAction::Cancel;
        assert!(cancel.timely(Role::Patient, start, before, 0).is_ok());
        assert!(cancel.timely(Role::Patient, start, start, 0).is_err());
        let day_before = start - chrono::Duration::hours(24);
        let just_before = day_before - chrono::Duration::seconds(1);
        assert!(cancel.timely(Role::Patient, start, just_before, 24).is_ok());
        let message = cancel
            .timely(Role::Patient, start, day_before, 24)
            .unwrap_err();
        assert!(message.contains("1 day before"), "{message}");
        // Doctors are not bound by the patients' notice period.
        assert!(cancel.timely(Role::Doctor, start, start, 24).is_ok());
        assert!(StatusAction::Confirm
            .timely(Role::Doctor, start, start, 24)
            .is_ok());
    }

    #[test]
    fn status_names_round_trip() {
        for status in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(AppointmentStatus::parse("done"), None);
    }
}
