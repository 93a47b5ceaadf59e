//! Doctors' public profiles, their booking rules and the directory's search.

use super::models::{Doctor, Service};
use super::schedule::{notice_text, BookingRules};
use super::validation::{bounded_text, number_between, optional_line, FieldError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long before the start patients may still cancel or reschedule, unless the doctor says.
pub const DEFAULT_CHANGE_NOTICE_HOURS: u32 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorProfile {
    pub doctor: Doctor,
    pub specialty: String,
    pub qualifications: String,
    /// Comma-separated, as the doctor typed them ("English, German").
    pub languages: String,
    pub bio: String,
    pub photo_url: Option<String>,
    pub rules: BookingRules,
    pub change_notice_hours: u32,
    /// Active services only.
    pub services: Vec<Service>,
}

/// What a doctor (or an admin, naming the doctor) submits to edit a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    /// Admins name the doctor; doctors edit their own and may leave it out.
    #[serde(default)]
    pub doctor_id: Option<i64>,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub qualifications: String,
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub bio: String,
    pub min_notice_minutes: i64,
    pub horizon_days: i64,
    #[serde(default)]
    pub daily_cap: Option<i64>,
    pub change_notice_hours: i64,
}

/// A profile that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    pub specialty: String,
    pub qualifications: String,
    pub languages: String,
    pub bio: String,
    pub rules: BookingRules,
    pub change_notice_hours: u32,
}

impl ProfileInput {
    pub fn validate(&self) -> Result<ValidProfile, FieldError> {
        let rules = BookingRules {
            min_notice_minutes: number_between(
                "min_notice_minutes",
                self.min_notice_minutes,
                0,
                30 * 24 * 60,
                "minutes",
            )?,
            horizon_days: number_between("horizon_days", self.horizon_days, 1, 365, "days")?,
            daily_cap: self
                .daily_cap
                .map(|cap| number_between("daily_cap", cap, 1, 200, "appointments"))
                .transpose()?,
        };
        Ok(ValidProfile {
            specialty: optional_line("specialty", &self.specialty, 80)?,
            qualifications: bounded_text("qualifications", &self.qualifications, 300)?,
            languages: optional_line("languages", &self.languages, 120)?,
            bio: bounded_text("bio", &self.bio, 2000)?,
            rules,
            change_notice_hours: number_between(
                "change_notice_hours",
                self.change_notice_hours,
                0,
                14 * 24,
                "hours",
            )?,
        })
    }
}

/// One result in the doctor directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCard {
    pub doctor: Doctor,
    pub specialty: String,
    pub languages: String,
    pub photo_url: Option<String>,
    pub services: Vec<String>,
    /// The earliest time any of the doctor's services can be booked, if one is open.
    pub next_free: Option<DateTime<Utc>>,
}

/// Directory filters; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorSearch {
    /// Matches the doctor's name, specialty or a service name.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub specialty: String,
}

impl DoctorSearch {
    pub fn matches(&self, card: &DoctorCard) -> bool {
        let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(needle);
        let text = self.text.trim().to_lowercase();
        let specialty = self.specialty.trim().to_lowercase();
        let text_ok = text.is_empty()
            || contains(&card.doctor.name, &text)
            || contains(&card.specialty, &text)
            || card.services.iter().any(|s| contains(s, &text));
        let specialty_ok = specialty.is_empty() || card.specialty.to_lowercase() == specialty;
        text_ok && specialty_ok
    }
}

/// The cancellation and rescheduling rule in the words patients read.
pub fn change_policy_text(hours: u32) -> String {
    if hours == 0 {
        "You can cancel or reschedule online until the appointment starts.".into()
    } else {
        format!(
            "You can cancel or reschedule online until {} before the start.",
            notice_text(hours * 60)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            specialty: "Dermatology".into(),
            min_notice_minutes: 120,
            horizon_days: 60,
            change_notice_hours: 24,
            ..ProfileInput::default()
        }
    }

    #[test]
    fn a_reasonable_profile_is_valid() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.rules.horizon_days, 60);
        assert_eq!(valid.rules.daily_cap, None);
    }

    #[test]
    fn out_of_range_rules_name_their_field() {
        let cases = [
            ProfileInput {
                horizon_days: 0,
                ..input()
            },
            ProfileInput {
                min_notice_minutes: -1,
                ..input()
            },
            ProfileInput {
                daily_cap: Some(0),
                ..input()
            },
            ProfileInput {
                change_notice_hours: 1000,
                ..input()
            },
        ];
        let fields: Vec<String> = cases
            .iter()
            .map(|c| c.validate().unwrap_err().field)
            .collect();
        assert_eq!(
            fields,
            [
                "horizon_days",
                "min_notice_minutes",
                "daily_cap",
                "change_notice_hours"
            ]
        );
    }

    #[test]
    fn search_matches_name_specialty_or_service_ignoring_case() {
        let card = DoctorCard {
            doctor: Doctor {
                id: 1,
                name: "Ada Lovelace".into(),
                time_zone: "UTC".into(),
            },
            specialty: "Dermatology".into(),
            languages: String::new(),
            photo_url: None,
            services: vec!["Skin check".into()],
            next_free: None,
        };
        let search = |text: &str, specialty: &str| DoctorSearch {
            text: text.into(),
            specialty: specialty.into(),
        };
        assert!(search("", "").matches(&card));
        assert!(search("ada", "").matches(&card));
        assert!(search("SKIN", "").matches(&card));
        assert!(search("derma", "dermatology").matches(&card));
        assert!(!search("cardio", "").matches(&card));
        assert!(!search("", "Cardiology").matches(&card));
    }

    #[test]
    fn the_policy_reads_naturally() {
        assert_eq!(
            change_policy_text(24),
            "You can cancel or reschedule online until 1 day before the start."
        );
        assert!(change_policy_text(2).contains("2 hours"));
        assert!(change_policy_text(0).contains("until the appointment starts"));
    }
}
