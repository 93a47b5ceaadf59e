//! What people are told, and when: which change makes which message, who receives it, and
//! the reminder times a doctor may choose. Shared with the browser (the settings pages).

use super::AppointmentStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A patient asked for a time; the doctor has not answered yet.
    Requested,
    Confirmed,
    Declined,
    Cancelled,
    Moved,
    Reminder,
    RunningLate,
}

impl MessageKind {
    pub const ALL: [MessageKind; 7] = [
        MessageKind::Requested,
        MessageKind::Confirmed,
        MessageKind::Declined,
        MessageKind::Cancelled,
        MessageKind::Moved,
        MessageKind::Reminder,
        MessageKind::RunningLate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Requested => "requested",
            MessageKind::Confirmed => "confirmed",
            MessageKind::Declined => "declined",
            MessageKind::Cancelled => "cancelled",
            MessageKind::Moved => "moved",
            MessageKind::Reminder => "reminder",
            MessageKind::RunningLate => "running_late",
        }
    }

    pub fn parse(text: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The message that a recorded change causes; `None` for changes nobody needs to hear
    /// about by email (check-in, a walk-in, a visit finished or missed).
    pub fn for_change(
        from: Option<AppointmentStatus>,
        to: AppointmentStatus,
        moved: bool,
    ) -> Option<MessageKind> {
        use AppointmentStatus as S;
        match (from, to) {
            (_, S::Cancelled) => Some(MessageKind::Cancelled),
            (_, S::Rejected) => Some(MessageKind::Declined),
            _ if moved => Some(MessageKind::Moved),
            (None, S::Pending) => Some(MessageKind::Requested),
            (None, S::Confirmed) | (Some(S::Pending), S::Confirmed) => Some(MessageKind::Confirmed),
            _ => None,
        }
    }

    /// A reminder (one the person may turn off) rather than news of a change.
    pub fn is_reminder(self) -> bool {
        self == MessageKind::Reminder
    }

    /// Whether the doctor hears of this change when someone else made it (their calendar
    /// must follow); the patient hears of every change to their appointment.
    pub fn tells_doctor(self) -> bool {
        matches!(
            self,
            MessageKind::Requested
                | MessageKind::Confirmed
                | MessageKind::Cancelled
                | MessageKind::Moved
        )
    }

    /// The calendar entry ends: its iCalendar part is a CANCEL.
    pub fn ends_event(self) -> bool {
        matches!(self, MessageKind::Cancelled | MessageKind::Declined)
    }

    /// Carries an iCalendar part (news of a change to the calendar entry).
    pub fn has_calendar_part(self) -> bool {
        !matches!(self, MessageKind::Reminder | MessageKind::RunningLate)
    }
}

/// A person's choices about messages, as the settings page shows and saves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageChoices {
    /// Emails when one of their appointments changes (booked, confirmed, moved, cancelled).
    pub email_changes: bool,
    /// Reminders before an appointment.
    pub email_reminders: bool,
}

/// A person's message settings: their choices and their private calendar-feed address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSettings {
    pub choices: MessageChoices,
    /// `https://.../calendar/<secret>.ics`: anyone with it can read the calendar.
    pub calendar_url: String,
}

/// A doctor's reminder times and the busy-time feed from their own calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCalendarSettings {
    /// Hours before the start, e.g. "24,2"; empty for no reminders.
    pub reminder_hours: String,
    /// Their calendar's private iCalendar address; empty for none.
    pub busy_feed_url: String,
    /// When the feed was last read, and what came of it.
    pub busy_feed_checked_at: Option<DateTime<Utc>>,
    /// Why the last read failed; empty when it worked.
    pub busy_feed_error: String,
    /// Busy times the last good read found ahead.
    pub busy_feed_events: i64,
}

/// The outbox as an admin sees it: how many messages are in each state, and those given up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageQueue {
    pub pending: i64,
    pub sent: i64,
    pub skipped: i64,
    pub dead: i64,
    /// Given-up messages, newest first (at most 100).
    pub undelivered: Vec<UndeliveredMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndeliveredMessage {
    pub id: i64,
    pub kind: MessageKind,
    pub appointment_id: i64,
    pub recipient_name: String,
    pub recipient_email: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub given_up_at: Option<DateTime<Utc>>,
}

/// The most reminders per appointment, and how far ahead the earliest may be (two weeks).
pub const MAX_REMINDERS: usize = 3;
pub const MAX_REMINDER_HOURS: u32 = 336;
pub const DEFAULT_REMINDER_HOURS: &str = "24,2";

/// Reminder times as a doctor types them ("24, 2"): whole hours before the start, largest
/// first, without repeats. Empty text means no reminders.
pub fn parse_reminder_hours(text: &str) -> Result<Vec<u32>, String> {
    let mut hours = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let h: u32 = part.parse().map_err(|_| {
            format!("\u{201c}{part}\u{201d} is not a whole number of hours. Write e.g. 24, 2.")
        })?;
        if h == 0 || h > MAX_REMINDER_HOURS {
            return Err(format!(
                "Reminders can be 1 to {MAX_REMINDER_HOURS} hours before the start."
            ));
        }
        if !hours.contains(&h) {
            hours.push(h);
        }
    }
    if hours.len() > MAX_REMINDERS {
        return Err(format!(
            "At most {MAX_REMINDERS} reminders per appointment."
        ));
    }
    hours.sort_unstable_by(|a, b| b.cmp(a));
    Ok(hours)
}

/// A busy-time feed address as typed: empty (none), or http(s); `webcal://`, which calendar
/// apps hand out, is the same address over HTTPS.
pub fn parse_feed_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let url = match text.strip_prefix("webcal://") {
        Some(rest) => format!("https://{rest}"),
        None => text.to_string(),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        _ if url.len() > 2000 => Err("That address is too long (at most 2000 characters).".into()),
        Some(rest)
            if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) =>
        {
            Ok(url)
        }
        _ => Err("Paste the calendar's address, starting with https:// (or webcal://).".into()),
    }
}

/// Hours as stored and shown: "24,2".
pub fn format_reminder_hours(hours: &[u32]) -> String {
    hours
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use AppointmentStatus as S;

    #[test]
    fn changes_map_to_messages() {
        let kind = MessageKind::for_change;
        assert_eq!(kind(None, S::Pending, false), Some(MessageKind::Requested));
        assert_eq!(
            kind(Some(S::Pending), S::Confirmed, false),
            Some(MessageKind::Confirmed)
        );
        assert_eq!(
            kind(Some(S::Confirmed), S::Pending, true),
            Some(MessageKind::Moved)
        );
        assert_eq!(
            kind(Some(S::Confirmed), S::Cancelled, false),
            Some(MessageKind::Cancelled)
        );
        assert_eq!(
            kind(Some(S::Pending), S::Rejected, false),
            Some(MessageKind::Declined)
        );
        // A walk-in, a check-in and the end of a visit send nothing.
        assert_eq!(kind(None, S::Arrived, false), None);
        assert_eq!(kind(Some(S::Confirmed), S::Arrived, false), None);
        assert_eq!(kind(Some(S::Arrived), S::Completed, false), None);
        assert_eq!(kind(Some(S::Confirmed), S::NoShow, false), None);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MessageKind::parse("nope"), None);
    }

    #[test]
    fn reminder_hours_are_checked_and_ordered() {
        assert_eq!(parse_reminder_hours("2, 24"), Ok(vec![24, 2]));
        assert_eq!(parse_reminder_hours(" "), Ok(vec![]));
        assert_eq!(parse_reminder_hours("24,24,1"), Ok(vec![24, 1]));
        assert!(parse_reminder_hours("0").is_err());
        assert!(parse_reminder_hours("337").is_err());
        assert!(parse_reminder_hours("1.5").is_err());
        assert!(parse_reminder_hours("1,2,3,4").is_err());
        assert_eq!(format_reminder_hours(&[24, 2]), "24,2");
    }

    #[test]
    fn feed_addresses_are_web_addresses() {
        assert_eq!(parse_feed_url("  "), Ok(String::new()));
        assert_eq!(
            parse_feed_url("webcal://cal.example/x.ics"),
            Ok("https://cal.example/x.ics".into())
        );
        assert_eq!(
            parse_feed_url("http://127.0.0.1:8080/a.ics"),
            Ok("http://127.0.0.1:8080/a.ics".into())
        );
        assert!(parse_feed_url("ftp://x/y").is_err());
        assert!(parse_feed_url("https://").is_err());
        assert!(parse_feed_url("https://a b").is_err());
        assert!(parse_feed_url("javascript:alert(1)").is_err());
    }
}
