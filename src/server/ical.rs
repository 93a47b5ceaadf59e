//! iCalendar (RFC 5545) output: invitations in emails (METHOD:REQUEST / CANCEL, RFC 5546)
//! and the subscription feeds. One appointment is one event with a stable UID; its SEQUENCE
//! is the appointment's `calendar_sequence`, raised on every change, so calendar apps apply
//! a newer message as an update of the same event and ignore an older one.

use chrono::{DateTime, Utc};
use std::fmt::Write;

/// What a calendar entry says about one appointment.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    pub uid: String,
    pub sequence: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    /// The video link, or the practice.
    pub location: String,
    /// A link back to the appointment in the app.
    pub url: String,
    pub status: EventStatus,
    pub organizer: Person,
    pub attendee: Person,
    /// When this version was written (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// Asked for, not yet confirmed by the doctor.
    Tentative,
    Confirmed,
    Cancelled,
}

impl EventStatus {
    fn as_str(self) -> &'static str {
        match self {
            EventStatus::Tentative => "TENTATIVE",
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// How a document is meant: an invitation (or its update), a cancellation, or a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Publish,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }
}

/// The UID of an appointment's event: the same in every message and feed, for good.
pub fn uid(appointment_id: i64, public_url: &str) -> String {
    format!("appointment-{appointment_id}@{}", host(public_url))
}

/// The host of the public URL (what makes our UIDs globally unique).
pub fn host(public_url: &str) -> &str {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.rsplit_once('@').map_or(host, |(_, h)| h)
}

/// A whole document: `name` is the feed's display name (X-WR-CALNAME).
pub fn document(method: Method, name: Option<&str>, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Appointments//Appointments//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{}", method.as_str()));
    if let Some(name) = name {
        line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    }
    for event in events {
        write_event(&mut out, method, event);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn write_event(out: &mut String, method: Method, event: &CalendarEvent) {
    let status = match method {
        Method::Cancel => EventStatus::Cancelled,
        _ => event.status,
    };
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", text(&event.uid)));
    line(out, &format!("SEQUENCE:{}", event.sequence));
    line(out, &format!("DTSTAMP:{}", instant(event.stamp)));
    line(out, &format!("DTSTART:{}", instant(event.starts_at)));
    line(out, &format!("DTEND:{}", instant(event.ends_at)));
    line(out, &format!("SUMMARY:{}", text(&event.summary)));
    if !event.description.is_empty() {
        line(out, &format!("DESCRIPTION:{}", text(&event.description)));
    }
    if !event.location.is_empty() {
        line(out, &format!("LOCATION:{}", text(&event.location)));
    }
    if !event.url.is_empty() {
        line(out, &format!("URL:{}", event.url));
    }
    line(out, &format!("STATUS:{}", status.as_str()));
    // Busy unless it no longer holds the time.
    let transp = if status == EventStatus::Cancelled {
        "TRANSPARENT"
    } else {
        "OPAQUE"
    };
    line(out, &format!("TRANSP:{transp}"));
    line(
        out,
        &format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(&event.organizer.name),
            event.organizer.email
        ),
    );
    line(
        out,
        &format!(
            // No RSVP: the app, not a calendar reply, is where a visit is confirmed or changed.
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{}",
            param(&event.attendee.name),
            event.attendee.email
        ),
    );
    line(out, "END:VEVENT");
}

/// An instant in UTC form: 20261201T090000Z.
fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name in CN=): quoted, without the characters quoting cannot hold.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// One content line, folded at 75 octets (never inside a UTF-8 character), ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> CalendarEvent {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        CalendarEvent {
            uid: uid(7, "https://clinic.example/app"),
            sequence: 2,
            starts_at: at,
            ends_at: at + chrono::Duration::minutes(30),
            summary: "Consultation, Dr. Ada; Berlin".into(),
            description: "Line one\nLine two".into(),
            location: String::new(),
            url: "https://clinic.example/appointments".into(),
            status: EventStatus::Confirmed,
            organizer: Person {
                name: "Dr. \"Ada\"".into(),
                email: "ada@clinic.test".into(),
            },
            attendee: Person {
                name: "Pat".into(),
                email: "pat@example.test".into(),
            },
            stamp: at,
        }
    }

    #[test]
    fn uids_use_the_public_host() {
        assert_eq!(
            uid(7, "https://user@clinic.example:8443/x"),
            "appointment-7@clinic.example:8443"
        );
    }

    #[test]
    fn a_request_carries_uid_sequence_and_escaped_text() {
        let doc = document(Method::Request, None, &[event()]);
        assert!(doc.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(doc.contains("METHOD:REQUEST\r\n"));
        assert!(doc.contains("UID:appointment-7@clinic.example\r\n"));
        assert!(doc.contains("SEQUENCE:2\r\n"));
        assert!(doc.contains("DTSTART:20261201T090000Z\r\n"));
        assert!(doc.contains("SUMMARY:Consultation\\, Dr. Ada\\; Berlin\r\n"));
        assert!(doc.contains("DESCRIPTION:Line one\\nLine two\r\n"));
        assert!(doc.contains("ORGANIZER;CN=\"Dr. Ada\":mailto:ada@clinic.test\r\n"));
        assert!(doc.contains("STATUS:CONFIRMED\r\n"));
    }

    #[test]
    fn a_cancel_marks_the_event_cancelled() {
        let doc = document(Method::Cancel, None, &[event()]);
        assert!(doc.contains("METHOD:CANCEL\r\n"));
        assert!(doc.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let content = format!("DESCRIPTION:{}", "ä".repeat(60));
        line(&mut out, &content);
        for physical in out.trim_end().split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{physical:?} is {} octets",
                physical.len()
            );
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, content);
    }
}
