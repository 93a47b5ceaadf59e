//! Typed models that travel between the server and the WASM client.

use super::schedule::ServiceTiming;
use super::status::{allowed_actions, patient_may_change, StatusAction};
use super::validation::Price;
use super::{AppointmentStatus, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// IANA zone name, e.g. "Europe/Berlin"; doctors' hours are entered in it.
    pub time_zone: String,
}

/// Where the placeholder emails of patients without an account live (walk-ins registered
/// by name at the desk): `.invalid` is reserved (RFC 2606), so no real address matches.
pub const NO_ACCOUNT_DOMAIN: &str = "no-account.invalid";

impl User {
    /// False for a patient the practice registered by name only, who cannot log in.
    pub fn has_account(&self) -> bool {
        is_account_email(&self.email)
    }
}

/// Whether `email` is a real address, not a placeholder of a patient without an account.
pub fn is_account_email(email: &str) -> bool {
    !email.ends_with(&format!("@{NO_ACCOUNT_DOMAIN}"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doctor {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: i64,
    pub doctor_id: i64,
    pub name: String,
    pub description: String,
    pub duration_minutes: u32,
    pub price: Option<Price>,
    pub active: bool,
    /// Doctor's time kept free before and after each appointment of this service.
    pub buffer_before_minutes: u32,
    pub buffer_after_minutes: u32,
    /// Minutes between offered start times; `None` means one per service length plus buffers.
    pub slot_step_minutes: Option<u32>,
    /// Held by video call: confirmed appointments carry a meeting link.
    pub video: bool,
}

impl Service {
    pub fn timing(&self) -> ServiceTiming {
        ServiceTiming {
            duration_minutes: self.duration_minutes,
            buffer_before_minutes: self.buffer_before_minutes,
            buffer_after_minutes: self.buffer_after_minutes,
            // Without a step, visits follow each other with their buffers and no gap.
            step_minutes: self.slot_step_minutes.unwrap_or(
                self.duration_minutes + self.buffer_before_minutes + self.buffer_after_minutes,
            ),
        }
    }
}

/// What a doctor submits to create or edit a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub duration_minutes: i64,
    /// Price in minor units (cents); `None` for no listed price.
    #[serde(default)]
    pub price_minor: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub buffer_before_minutes: i64,
    #[serde(default)]
    pub buffer_after_minutes: i64,
    #[serde(default)]
    pub slot_step_minutes: Option<i64>,
    #[serde(default)]
    pub video: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilitySpan {
    pub id: i64,
    pub doctor_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    /// Whether an active appointment lies in the span (then it cannot be removed).
    pub booked: bool,
}

/// A bookable start time for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: i64,
    pub doctor_id: i64,
    pub doctor_name: String,
    pub patient_id: i64,
    pub patient_name: String,
    pub service_id: i64,
    pub service_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The doctor's policy: patients change the appointment online until this long before.
    pub change_notice_hours: u32,
    pub video: bool,
    /// The video call, present once the appointment is confirmed.
    pub meeting_url: Option<String>,
    /// When the patient was checked in at the practice.
    pub arrived_at: Option<DateTime<Utc>>,
    /// When the doctor called the checked-in patient in.
    pub called_at: Option<DateTime<Utc>>,
    /// The doctor runs this many minutes late on the appointment's day (while it is active).
    pub running_late_minutes: Option<u32>,
    /// The practice's phone (the doctor's profile), for changes no longer possible online.
    #[serde(default)]
    pub practice_phone: String,
}

impl Appointment {
    /// What `role` may do with this appointment at `now` (the server enforces the same rules).
    pub fn actions_for(&self, role: Role, now: DateTime<Utc>) -> Vec<StatusAction> {
        allowed_actions(self.status, role)
            .into_iter()
            .filter(|action| {
                action
                    .timely(role, self.starts_at, now, self.change_notice_hours)
                    .is_ok()
            })
            .collect()
    }

    /// Whether `role` may move this appointment to another time now.
    pub fn reschedulable_by(&self, role: Role, now: DateTime<Utc>) -> bool {
        matches!(
            self.status,
            AppointmentStatus::Pending | AppointmentStatus::Confirmed
        ) && self.starts_at > now
            && (role != Role::Patient
                || patient_may_change(self.starts_at, now, self.change_notice_hours).is_ok())
    }

    /// Still to happen: not over, and not cancelled, rejected or otherwise closed.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.ends_at > now && !self.status.is_final()
    }
}

/// One entry of an appointment's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: Role,
    /// `None` for the booking itself.
    pub from: Option<AppointmentStatus>,
    pub to: AppointmentStatus,
    pub reason: String,
    /// Set when the appointment was moved: its old and new start.
    pub moved_from: Option<DateTime<Utc>>,
    pub moved_to: Option<DateTime<Utc>>,
    /// Set when the change was made on a device that was offline: the device's time of it.
    #[serde(default)]
    pub made_offline_at: Option<DateTime<Utc>>,
}

/// The doctor's dashboard filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentFilter {
    #[serde(default)]
    pub status: Option<AppointmentStatus>,
    /// Earliest start to include. The UI sends the start of a day in the user's zone.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Starts before this instant only (exclusive): the UI sends the end of the last day.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// 1-based page number.
    #[serde(default)]
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1) as u32
    }
}

/// Appointments per status for the dashboard's tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: Option<AppointmentStatus>,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub appointments: Page<Appointment>,
    pub counts: Vec<StatusCount>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up_and_is_at_least_one() {
        let page = |total| Page::<()> {
            items: vec![],
            page: 1,
            per_page: 20,
            total,
        };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(20).page_count(), 1);
        assert_eq!(page(21).page_count(), 2);
    }
}
