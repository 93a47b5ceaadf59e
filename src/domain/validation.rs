//! Input parsing: each constructor either returns a valid value or says, in plain words,
//! what is wrong. Server functions convert their inputs through these once, at the boundary.

use serde::{Deserialize, Serialize};

/// A problem with one input field, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

fn trimmed_between(
    field: &'static str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let text = text.trim();
    let len = text.chars().count();
    if len < min {
        return Err(if min == 1 {
            FieldError::new(field, "This field is required.")
        } else {
            FieldError::new(field, format!("Use at least {min} characters."))
        });
    }
    if len > max {
        return Err(FieldError::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(text.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Lower-cased so that log-in is not case sensitive.
    pub fn parse(text: &str) -> Result<Email, FieldError> {
        let text = text.trim().to_lowercase();
        let invalid = || FieldError::new("email", "Enter an email address like name@example.com.");
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(char::is_whitespace)
            && text.len() <= 254;
        if plausible {
            Ok(Email(text))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;

    pub fn parse(text: &str) -> Result<Password, FieldError> {
        let len = text.chars().count();
        if len < Self::MIN_CHARS {
            return Err(FieldError::new(
                "password",
                format!("Use at least {} characters.", Self::MIN_CHARS),
            ));
        }
        if len > 128 {
            return Err(FieldError::new("password", "Use at most 128 characters."));
        }
        Ok(Password(text.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<PersonName, FieldError> {
        trimmed_between("name", text, 1, 100).map(PersonName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName(String);

impl ServiceName {
    pub fn parse(text: &str) -> Result<ServiceName, FieldError> {
        trimmed_between("name", text, 1, 100).map(ServiceName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text with a length limit (service descriptions, patient notes).
pub fn bounded_text(field: &'static str, text: &str, max: usize) -> Result<String, FieldError> {
    trimmed_between(field, text, 0, max)
}

/// Service length in minutes: at least 5, at most 8 hours, whole multiples of 5.
pub fn duration_minutes(minutes: i64) -> Result<u32, FieldError> {
    let field = "duration_minutes";
    if minutes <= 0 {
        return Err(FieldError::new(
            field,
            "The duration must be more than 0 minutes.",
        ));
    }
    if minutes > 8 * 60 {
        return Err(FieldError::new(
            field,
            "The duration can be at most 8 hours.",
        ));
    }
    if minutes % 5 != 0 {
        return Err(FieldError::new(field, "Use a multiple of 5 minutes."));
    }
    Ok(minutes as u32)
}

/// A whole number in `min..=max`, said in the field's own unit ("minutes", "days").
pub fn number_between(
    field: &'static str,
    value: i64,
    min: i64,
    max: i64,
    unit: &str,
) -> Result<u32, FieldError> {
    if value < min || value > max {
        return Err(FieldError::new(
            field,
            format!("Enter between {min} and {max} {unit}."),
        ));
    }
    Ok(value as u32)
}

/// Buffers and start-time steps: whole multiples of 5 minutes in `min..=240`.
pub fn service_minutes(field: &'static str, minutes: i64, min: i64) -> Result<u32, FieldError> {
    let value = number_between(field, minutes, min, 240, "minutes")?;
    if value % 5 != 0 {
        return Err(FieldError::new(field, "Use a multiple of 5 minutes."));
    }
    Ok(value)
}

/// A price in minor units (cents) with an ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub amount_minor: i64,
    pub currency: String,
}

impl Price {
    pub fn parse(amount_minor: i64, currency: &str) -> Result<Price, FieldError> {
        if amount_minor < 0 {
            return Err(FieldError::new("price", "The price cannot be negative."));
        }
        if amount_minor > 100_000_000 {
            return Err(FieldError::new("price", "The price is too large."));
        }
        let code = currency.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::new(
                "currency",
                "Use a 3-letter currency code such as EUR.",
            ));
        }
        Ok(Price {
            amount_minor,
            currency: code,
        })
    }

    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// "EUR 45.00": minor units are shown with two decimals, which fits most currencies.
    pub fn display(&self) -> String {
        format!(
            "{} {}.{:02}",
            self.currency(),
            self.amount_minor / 100,
            self.amount_minor % 100
        )
    }
}

/// Parses "45", "45.5" or "45.50" into minor units; the form's price field uses it.
pub fn parse_amount(text: &str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || FieldError::new("price", "Enter a price like 45 or 45.50.");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => fraction.parse().map_err(|_| invalid())?,
    };
    if whole < 0 {
        return Err(invalid());
    }
    Ok(Some(whole * 100 + cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a nn@example.com",
            "ann@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(
            ServiceName::parse("  Check-up ").unwrap().as_str(),
            "Check-up"
        );
        assert_eq!(ServiceName::parse("   ").unwrap_err().field, "name");
        assert!(ServiceName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn durations_must_be_positive_bounded_multiples_of_five() {
        assert_eq!(duration_minutes(30), Ok(30));
        assert!(duration_minutes(0)
            .unwrap_err()
            .message
            .contains("more than 0"));
        assert!(duration_minutes(-5).is_err());
        assert!(duration_minutes(7).is_err());
        assert!(duration_minutes(9 * 60).is_err());
    }

    #[test]
    fn prices_need_a_currency_code() {
        let price = Price::parse(4550, "eur").unwrap();
        assert_eq!(price.currency(), "EUR");
        assert_eq!(price.display(), "EUR 45.50");
        assert!(Price::parse(-1, "EUR").is_err());
        assert!(Price::parse(100, "EURO").is_err());
        assert!(Price::parse(100, "E1R").is_err());
    }

    #[test]
    fn amounts_are_read_as_minor_units() {
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount("45"), Ok(Some(4500)));
        assert_eq!(parse_amount("45.5"), Ok(Some(4550)));
        assert_eq!(parse_amount("45.05"), Ok(Some(4505)));
        assert!(parse_amount("45.505").is_err());
        assert!(parse_amount("abc").is_err());
        assert!(parse_amount("-3").is_err());
    }

    #[test]
    fn bounded_text_allows_empty_but_not_too_long() {
        assert_eq!(bounded_text("notes", "  ", 10), Ok(String::new()));
        assert!(bounded_text("notes", &"x".repeat(11), 10).is_err());
    }
}
