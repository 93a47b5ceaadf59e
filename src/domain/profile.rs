//! Doctors' public profiles, their booking rules and the directory's search.

use super::models::{Doctor, Service};
use super::schedule::{notice_text, BookingRules};
use super::validation::{bounded_text, number_between, optional_line, Checks, FieldError};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest photo upload accepted (a phone photo fits; the stored result is far smaller).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// The refusal of a photo over `MAX_PHOTO_BYTES`, the same in the browser and the server.
pub fn photo_too_large() -> String {
    format!(
        "That file is larger than {} MB. Choose a smaller photo.",
        MAX_PHOTO_BYTES / (1024 * 1024)
    )
}

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
    /// The practice's number for what cannot be done online ("" when not given).
    #[serde(default)]
    pub phone: String,
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
    /// Shown to patients; digits, spaces and `+ ( ) - /` only.
    #[serde(default)]
    pub phone: String,
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
    pub phone: String,
    pub rules: BookingRules,
    pub change_notice_hours: u32,
}

impl ProfileInput {
    /// Every field is checked, and every problem reported at once.
    pub fn validate(&self) -> Result<ValidProfile, FieldError> {
        let mut checks = Checks::default();
        let notice = checks.take(number_between(
            "min_notice_minutes",
            self.min_notice_minutes,
            0,
            30 * 24 * 60,
            "minutes",
        ));
        let horizon = checks.take(number_between(
            "horizon_days",
            self.horizon_days,
            1,
            365,
            "days",
        ));
        let cap = checks.take(
            self.daily_cap
                .map(|cap| number_between("daily_cap", cap, 1, 200, "appointments"))
                .transpose(),
        );
        let specialty = checks.take(optional_line("specialty", &self.specialty, 80));
        let qualifications = checks.take(bounded_text("qualifications", &self.qualifications, 300));
        let languages = checks.take(optional_line("languages", &self.languages, 120));
        let bio = checks.take(bounded_text("bio", &self.bio, 2000));
        let change = checks.take(number_between(
            "change_notice_hours",
            self.change_notice_hours,
            0,
            14 * 24,
            "hours",
        ));
        let phone = checks.take(phone_number(&self.phone));
        checks.finish(|| {
            Some(ValidProfile {
                specialty: specialty?,
                qualifications: qualifications?,
                languages: languages?,
                bio: bio?,
                phone: phone?,
                rules: BookingRules {
                    min_notice_minutes: notice?,
                    horizon_days: horizon?,
                    daily_cap: cap?,
                },
                change_notice_hours: change?,
            })
        })
    }
}

/// A phone number as patients dial it ("+49 30 1234567"); empty means none given.
fn phone_number(text: &str) -> Result<String, FieldError> {
    let text = optional_line("phone", text, 40)?;
    let allowed = |c: char| c.is_ascii_digit() || " +()-/".contains(c);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !text.is_empty() && (!text.chars().all(allowed) || digits < 5) {
        return Err(FieldError::new(
            "phone",
            "Enter a phone number in digits, e.g. +49 30 1234567.",
        ));
    }
    Ok(text)
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

/// A service's earliest free times, listed on the profile as links: they are in the page
/// the server sends, so they show (and say when the doctor is free) before the calendar is
/// built, and without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeTimes {
    pub service_id: i64,
    pub times: Vec<FreeTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeTime {
    pub starts_at: DateTime<Utc>,
    /// The start on the doctor's clock, so server and browser print the same text.
    pub local: NaiveDateTime,
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
    fn every_wrong_field_is_reported_at_once() {
        let wrong = ProfileInput {
            horizon_days: 0,
            change_notice_hours: -1,
            phone: "call me".into(),
            ..input()
        };
        let error = wrong.validate().unwrap_err();
        let fields: Vec<&str> = std::iter::once(&error)
            .chain(&error.others)
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["horizon_days", "change_notice_hours", "phone"]);
        assert!(error.message_for("phone").unwrap().contains("digits"));
        assert_eq!(error.message_for("bio"), None);
    }

    #[test]
    fn phone_numbers_are_digits_with_the_usual_marks() {
        let with = |phone: &str| {
            ProfileInput {
                phone: phone.into(),
                ..input()
            }
            .validate()
        };
        assert_eq!(
            with("+49 (30) 1234-567").unwrap().phone,
            "+49 (30) 1234-567"
        );
        assert_eq!(with("").unwrap().phone, "");
        assert_eq!(with("12").unwrap_err().field, "phone");
        assert_eq!(with("0800 CALL NOW").unwrap_err().field, "phone");
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
