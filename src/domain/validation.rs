//! Input parsing: each constructor either returns a valid value or says, in plain words,
//! what is wrong. Server functions convert their inputs through these once, at the boundary.

use serde::{Deserialize, Serialize};

/// A problem with one input field, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// The other fields' problems found in the same input, so a form shows them all at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<FieldError>,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
            others: Vec::new(),
        }
    }

    /// The message about `field`, this one's or another's.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        std::iter::once(self)
            .chain(&self.others)
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Runs every check of an input and keeps each failure, so that one answer names every
/// wrong field (not the first only).
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// The checked value, or `None` with its error kept.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.errors.push(e)).ok()
    }

    /// Every error at once (the first, with the others in it), or what `build` makes of
    /// the checked values, which are all there when no check failed.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldError> {
        let mut errors = self.errors.into_iter();
        match (errors.next(), build()) {
            (Some(first), _) => Err(FieldError {
                others: errors.collect(),
                ..first
            }),
            (None, Some(value)) => Ok(value),
            (None, None) => Err(FieldError::new("", "The input is incomplete.")),
        }
    }
}

/// Whether a text field may hold line breaks (notes, bio) or is one line (names, emails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Unicode "format" characters (category Cf) and separators that render as nothing or
/// reorder the text around them: bidi overrides, zero-width spaces, byte-order marks. Stored,
/// they spoof what a doctor or patient reads ("Dr. \u{202e}nimdA"). The zero-width joiners
/// U+200C/U+200D are allowed: Persian, Indic scripts and emoji need them.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}' | '\u{180E}'
        | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}' | '\u{0600}'..='\u{0605}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Something a reader can see: not blank, not only invisible characters.
fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !is_format(c) && !matches!(c, '\u{200C}' | '\u{200D}')
}

/// Refuses control characters (NUL, BEL, ESC, ...) and invisible format characters; a
/// multi-line field keeps its line breaks (`\r\n` becomes `\n`).
pub fn clean_text(field: &str, text: &str, lines: Lines) -> Result<String, FieldError> {
    let text = match lines {
        Lines::One => text.to_string(),
        Lines::Many => text.replace("\r\n", "\n"),
    };
    let allowed = |c: char| match c {
        // Pasted text carries tabs; in a multi-line field they are as harmless as newlines.
        '\n' | '\t' => lines == Lines::Many,
        c => !c.is_control() && !is_format(c),
    };
    if text.chars().all(allowed) {
        Ok(text)
    } else {
        Err(FieldError::new(
            field,
            match lines {
                Lines::One => {
                    "Use plain text on one line, without control or invisible characters."
                }
                Lines::Many => "Use plain text, without control or invisible characters.",
            },
        ))
    }
}

fn text_between(
    field: &'static str,
    text: &str,
    lines: Lines,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let text = clean_text(field, text, lines)?;
    let text = text.trim();
    let len = text.chars().count();
    if min > 0 && !text.chars().any(is_visible) {
        return Err(FieldError::new(field, "This field is required."));
    }
    if len < min {
        return Err(FieldError::new(
            field,
            format!("Use at least {min} characters."),
        ));
    }
    if len > max {
        return Err(FieldError::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(text.to_string())
}

/// A required single-line text such as a name or a specialty.
pub fn required_line(field: &'static str, text: &str, max: usize) -> Result<String, FieldError> {
    text_between(field, text, Lines::One, 1, max)
}

/// An optional single-line text (may be empty).
pub fn optional_line(field: &'static str, text: &str, max: usize) -> Result<String, FieldError> {
    text_between(field, text, Lines::One, 0, max)
}

/// Free text over several lines with a length limit (descriptions, notes, bio, reasons).
pub fn bounded_text(field: &'static str, text: &str, max: usize) -> Result<String, FieldError> {
    text_between(field, text, Lines::Many, 0, max)
}

/// A path on this site to return to after log-in or an upload: `/doctors/3`, never
/// `//host`, `/\host` or `/\t/host` (browsers drop tabs and line breaks from URLs, so
/// `/\t/host` would become `//host`, another site).
pub fn local_path(path: &str) -> Option<&str> {
    let plain = path.len() <= 2000
        && path.starts_with('/')
        && !path.starts_with("//")
        && path.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    plain.then_some(path)
}

/// Percent-encodes `text` as one query value (a `next` path keeps its own query inside).
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Lower-cased so that log-in is not case sensitive. One `@`, a dotted domain, and none
    /// of the characters that would need quoting (quotes, angle brackets, spaces, controls).
    pub fn parse(text: &str) -> Result<Email, FieldError> {
        let text = clean_text("email", text, Lines::One)?;
        let text = text.trim().to_lowercase();
        let invalid = || FieldError::new("email", "Enter an email address like name@example.com.");
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let forbidden = |c: char| c.is_whitespace() || "\"<>()[]\\,;:@".contains(c);
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !local.chars().any(forbidden)
            && !domain.chars().any(forbidden)
            // Reserved: never a real mailbox, and where records without an account live.
            && !domain.ends_with(".invalid")
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
        if text.trim().is_empty() && !text.is_empty() {
            return Err(FieldError::new(
                "password",
                "A password cannot be only spaces.",
            ));
        }
        if len < Self::MIN_CHARS {
            return Err(FieldError::new(
                "password",
                format!("Use at least {} characters.", Self::MIN_CHARS),
            ));
        }
        if len > 128 {
            return Err(FieldError::new("password", "Use at most 128 characters."));
        }
        if is_common_password(text) {
            return Err(FieldError::new(
                "password",
                "This password is one of the most common ones. Choose another.",
            ));
        }
        Ok(Password(text.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The passwords of eight characters or more that guessing lists try first, plus any
/// password made of one repeated character.
fn is_common_password(text: &str) -> bool {
    const COMMON: &[&str] = &[
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "p@ssw0rd",
        "12345678",
        "123456789",
        "1234567890",
        "0123456789",
        "87654321",
        "987654321",
        "12341234",
        "11223344",
        "12121212",
        "123123123",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "1qaz2wsx",
        "qwertyui",
        "qwertyuiop",
        "qwerty123",
        "qwerty12",
        "asdfghjk",
        "asdfghjkl",
        "zaq12wsx",
        "qazwsxedc",
        "abc12345",
        "abcd1234",
        "aa123456",
        "iloveyou",
        "iloveyou1",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "welcome1",
        "welcome123",
        "letmein1",
        "trustno1",
        "superman",
        "starwars",
        "whatever",
        "computer",
        "michelle",
        "jennifer",
        "corvette",
        "mercedes",
        "charlie1",
        "dragon12",
        "monkey12",
        "master12",
        "shadow12",
        "changeme",
        "changeme1",
        "admin123",
        "administrator",
        "secret12",
        "default1",
        "football1",
        "baseball1",
        "internet",
        "liverpool",
        "chocolate",
        "password!",
        "letmein123",
    ];
    let lower = text.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    COMMON.contains(&lower.as_str()) || chars.all(|c| Some(c) == first)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<PersonName, FieldError> {
        required_line("name", text, 100).map(PersonName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName(String);

impl ServiceName {
    pub fn parse(text: &str) -> Result<ServiceName, FieldError> {
        required_line("name", text, 100).map(ServiceName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    fn control_and_invisible_characters_are_refused() {
        for bad in [
            "a\u{0}b",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "Dr. \u{202e}nimdA",
            "x\u{200b}y",
        ] {
            let error = required_line("name", bad, 100).unwrap_err();
            assert_eq!(error.field, "name", "{bad:?}");
            assert!(bounded_text("notes", bad, 100).is_err(), "{bad:?}");
        }
        assert!(required_line("name", "two\nlines", 100).is_err());
        assert_eq!(
            bounded_text("notes", "two\r\nlines", 100),
            Ok("two\nlines".to_string())
        );
        assert!(PersonName::parse("\u{200c}\u{200d}").is_err());
        assert_eq!(
            PersonName::parse("Zoë Ñandú").unwrap().as_str(),
            "Zoë Ñandú"
        );
        assert!(PersonName::parse("مهرداد\u{200c}ی").is_ok());
    }

    #[test]
    fn emails_need_one_at_and_nothing_to_quote() {
        for bad in [
            "a@b@example.com",
            "\"a\"@example.com",
            "<a@example.com>",
            "a\u{0}@example.com",
            "a@example..com",
            "walk-in-1@no-account.invalid",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Email::parse("first.last+tag@sub.example.org").is_ok());
    }

    #[test]
    fn blank_and_common_passwords_are_refused() {
        assert!(Password::parse("        ").is_err());
        assert!(Password::parse("Password1").is_err());
        assert!(Password::parse("aaaaaaaaaa").is_err());
        assert!(Password::parse("correct horse battery").is_ok());
    }

    #[test]
    fn only_plain_local_paths_are_return_targets() {
        assert_eq!(local_path("/doctors/3?x=1"), Some("/doctors/3?x=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example/x",
            "/\n/x",
            "/\r/x",
            "https://evil.example",
            "",
            "/ x",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bounded_text_allows_empty_but_not_too_long() {
        assert_eq!(bounded_text("notes", "  ", 10), Ok(String::new()));
        assert!(bounded_text("notes", &"x".repeat(11), 10).is_err());
    }
}
