//! What one message says: subject, plain text and HTML in the recipient's time zone, and
//! the calendar part that keeps their calendar in step.

use crate::domain::models::Appointment;
use crate::domain::notify::MessageKind;
use crate::domain::AppointmentStatus;
use crate::server::db::outbox::Detail;
use crate::server::db::{from_ts, messaging::Recipient};
use crate::server::ical::{self, CalendarEvent, EventStatus, Method, Person};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt::Write;

/// A message ready for any channel.
#[derive(Debug, Clone)]
pub struct Letter {
    pub message_id: String,
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<CalendarPart>,
    pub unsubscribe_url: Option<String>,
    /// A link back to the appointment in the app.
    pub link: String,
}

#[derive(Debug, Clone)]
pub struct CalendarPart {
    pub method: Method,
    pub document: String,
}

/// Everything a letter is written from.
pub struct Facts<'a> {
    pub message_id: &'a str,
    pub kind: MessageKind,
    pub detail: &'a Detail,
    /// The appointment as the change left it (time and sequence from the outbox row).
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sequence: i64,
    /// Names, service, link and phone as they are now.
    pub appointment: &'a Appointment,
    pub recipient: &'a Recipient,
    pub doctor_email: &'a str,
    pub patient_email: &'a str,
    pub actor_name: Option<&'a str>,
    pub practice_name: &'a str,
    pub public_url: &'a str,
    pub unsubscribe_url: Option<String>,
    pub now: DateTime<Utc>,
}

impl Facts<'_> {
    fn for_patient(&self) -> bool {
        self.recipient.id == self.appointment.patient_id
    }

    fn zone(&self) -> Tz {
        crate::server::scheduling::zone(&self.recipient.time_zone)
    }

    /// "Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin)"
    fn when(&self, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
        let zone = self.zone();
        let (start, end) = (starts_at.with_timezone(&zone), ends_at.with_timezone(&zone));
        format!(
            "{}, {}\u{2013}{} ({})",
            start.format("%A %-d %B %Y"),
            start.format("%H:%M"),
            end.format("%H:%M"),
            zone.name()
        )
    }

    fn short_when(&self) -> String {
        let start = self.starts_at.with_timezone(&self.zone());
        start.format("%a %-d %b, %H:%M").to_string()
    }

    fn link(&self) -> String {
        let path = if self.for_patient() {
            "/appointments"
        } else {
            "/doctor"
        };
        format!("{}{path}", self.public_url)
    }

    /// The status the change left (the current one for reminders and "running late").
    fn status(&self) -> AppointmentStatus {
        self.detail.status.unwrap_or(self.appointment.status)
    }

    /// The video link, once the doctor has confirmed.
    fn video(&self) -> Option<&str> {
        let confirmed = self.status() == AppointmentStatus::Confirmed;
        let kept = !self.kind.ends_event();
        self.appointment
            .meeting_url
            .as_deref()
            .filter(|_| confirmed && kept)
    }
}

pub fn write(facts: &Facts<'_>) -> Letter {
    let (subject, lead) = headline(facts);
    let a = facts.appointment;
    let mut rows = vec![
        ("What", a.service_name.clone()),
        (
            "With",
            if facts.for_patient() {
                a.doctor_name.clone()
            } else {
                a.patient_name.clone()
            },
        ),
        ("When", facts.when(facts.starts_at, facts.ends_at)),
    ];
    if let Some(url) = facts.video() {
        rows.push(("Video", url.to_string()));
    }
    if facts.for_patient() && !a.practice_phone.is_empty() {
        rows.push(("Practice phone", a.practice_phone.clone()));
    }
    if !facts.detail.reason.is_empty() {
        rows.push(("Reason given", facts.detail.reason.clone()));
    }
    let link = facts.link();
    let text = text_body(facts, &lead, &rows, &link);
    let html = html_body(facts, &lead, &rows, &link);
    Letter {
        message_id: facts.message_id.to_string(),
        to_name: facts.recipient.name.clone(),
        to_email: facts.recipient.email.clone(),
        subject,
        text,
        html,
        calendar: calendar_part(facts),
        unsubscribe_url: facts.unsubscribe_url.clone(),
        link,
    }
}

/// The subject and the first sentence.
fn headline(facts: &Facts<'_>) -> (String, String) {
    let a = facts.appointment;
    let when = facts.short_when();
    let by = facts
        .actor_name
        .map(|name| format!(" by {name}"))
        .unwrap_or_default();
    let patient = facts.for_patient();
    match facts.kind {
        MessageKind::Requested if patient => (
            format!(
                "Request received: {} with {} on {when}",
                a.service_name, a.doctor_name
            ),
            format!(
                "Your request has been sent to {}. You will hear from us when it is confirmed.",
                a.doctor_name
            ),
        ),
        MessageKind::Requested => (
            format!(
                "New request: {}, {} on {when}",
                a.patient_name, a.service_name
            ),
            format!(
                "{} asked for an appointment. Please confirm or decline it.",
                a.patient_name
            ),
        ),
        MessageKind::Confirmed if patient => (
            format!(
                "Confirmed: {} with {} on {when}",
                a.service_name, a.doctor_name
            ),
            format!("{} has confirmed your appointment.", a.doctor_name),
        ),
        MessageKind::Confirmed => (
            format!(
                "Confirmed: {}, {} on {when}",
                a.patient_name, a.service_name
            ),
            format!("The appointment with {} was confirmed{by}.", a.patient_name),
        ),
        MessageKind::Declined => (
            format!("Declined: {} on {when}", a.service_name),
            format!(
                "{} could not accept this request. Please choose another time.",
                a.doctor_name
            ),
        ),
        MessageKind::Cancelled => (
            format!("Cancelled: {} on {when}", a.service_name),
            format!("This appointment was cancelled{by}."),
        ),
        MessageKind::Moved => {
            let from = facts
                .detail
                .moved_from
                .map(|from| {
                    format!(
                        " from {}",
                        facts.when(
                            from_ts(from),
                            from_ts(from) + (facts.ends_at - facts.starts_at)
                        )
                    )
                })
                .unwrap_or_default();
            let pending = facts.status() == AppointmentStatus::Pending && patient;
            let tail = if pending {
                " The doctor will confirm the new time."
            } else {
                ""
            };
            (
                format!("Moved: {} now on {when}", a.service_name),
                format!("This appointment was moved{by}{from}.{tail}"),
            )
        }
        MessageKind::Reminder => (
            format!(
                "Reminder: {} with {} on {when}",
                a.service_name, a.doctor_name
            ),
            format!("A reminder of your appointment with {}.", a.doctor_name),
        ),
        MessageKind::RunningLate => {
            let minutes = facts.detail.minutes_late.unwrap_or_default();
            (
                format!("{} is running about {minutes} minutes late", a.doctor_name),
                format!("{} is running about {minutes} minutes late today. Your appointment may start later than planned.", a.doctor_name),
            )
        }
    }
}

fn text_body(facts: &Facts<'_>, lead: &str, rows: &[(&str, String)], link: &str) -> String {
    let mut out = format!("Hello {},\n\n{lead}\n\n", facts.recipient.name);
    for (label, value) in rows {
        let _ = writeln!(out, "{label}: {value}");
    }
    let _ = write!(
        out,
        "\nSee, move or cancel it: {link}\n\n{}\n",
        facts.practice_name
    );
    if let Some(url) = &facts.unsubscribe_url {
        let _ = write!(out, "\nNo more reminders by email: {url}\n");
    }
    out
}

fn html_body(facts: &Facts<'_>, lead: &str, rows: &[(&str, String)], link: &str) -> String {
    let mut out = String::from("<!DOCTYPE html><html><body>");
    let _ = write!(
        out,
        "<p>Hello {},</p><p>{}</p><table>",
        escape(&facts.recipient.name),
        escape(lead)
    );
    for (label, value) in rows {
        let value = if value.starts_with("https://") || value.starts_with("http://") {
            format!("<a href=\"{0}\">{0}</a>", escape(value))
        } else {
            escape(value)
        };
        let _ = write!(
            out,
            "<tr><th align=\"left\">{}</th><td>{value}</td></tr>",
            escape(label)
        );
    }
    let _ = write!(
        out,
        "</table><p><a href=\"{}\">See, move or cancel it</a></p><p>{}</p>",
        escape(link),
        escape(facts.practice_name)
    );
    if let Some(url) = &facts.unsubscribe_url {
        let _ = write!(
            out,
            "<p><small><a href=\"{}\">No more reminders by email</a></small></p>",
            escape(url)
        );
    }
    out.push_str("</body></html>");
    out
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// REQUEST for a new, confirmed or moved appointment; CANCEL when it ends. Reminders and
/// "running late" change nothing in a calendar.
fn calendar_part(facts: &Facts<'_>) -> Option<CalendarPart> {
    if !facts.kind.has_calendar_part() {
        return None;
    }
    let method = if facts.kind.ends_event() {
        Method::Cancel
    } else {
        Method::Request
    };
    let event = event(facts);
    Some(CalendarPart {
        method,
        document: ical::document(method, None, &[event]),
    })
}

fn event(facts: &Facts<'_>) -> CalendarEvent {
    let a = facts.appointment;
    let status = match (facts.kind, facts.status()) {
        (k, _) if k.ends_event() => EventStatus::Cancelled,
        (_, AppointmentStatus::Pending) => EventStatus::Tentative,
        _ => EventStatus::Confirmed,
    };
    calendar_event(CalendarEntry {
        appointment: a,
        starts_at: facts.starts_at,
        ends_at: facts.ends_at,
        sequence: facts.sequence,
        status,
        doctor_email: facts.doctor_email,
        patient_email: facts.patient_email,
        practice_name: facts.practice_name,
        public_url: facts.public_url,
        for_patient: facts.for_patient(),
        stamp: facts.now,
    })
}

/// One appointment as a calendar event, in a message or a feed.
pub struct CalendarEntry<'a> {
    pub appointment: &'a Appointment,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sequence: i64,
    pub status: EventStatus,
    pub doctor_email: &'a str,
    pub patient_email: &'a str,
    pub practice_name: &'a str,
    pub public_url: &'a str,
    pub for_patient: bool,
    pub stamp: DateTime<Utc>,
}

pub fn calendar_event(entry: CalendarEntry<'_>) -> CalendarEvent {
    let a = entry.appointment;
    let summary = if entry.for_patient {
        format!("{} with {}", a.service_name, a.doctor_name)
    } else {
        format!("{}: {}", a.service_name, a.patient_name)
    };
    let video = a
        .meeting_url
        .clone()
        .filter(|_| entry.status == EventStatus::Confirmed);
    let mut description = format!("{} at {}.", a.service_name, entry.practice_name);
    if let Some(url) = &video {
        let _ = write!(description, "\nVideo: {url}");
    }
    if entry.for_patient && !a.practice_phone.is_empty() {
        let _ = write!(description, "\nPractice phone: {}", a.practice_phone);
    }
    let path = if entry.for_patient {
        "/appointments"
    } else {
        "/doctor"
    };
    CalendarEvent {
        uid: ical::uid(a.id, entry.public_url),
        sequence: entry.sequence,
        starts_at: entry.starts_at,
        ends_at: entry.ends_at,
        summary,
        description,
        location: video.unwrap_or_else(|| entry.practice_name.to_string()),
        url: format!("{}{path}", entry.public_url),
        status: entry.status,
        organizer: Person {
            name: a.doctor_name.clone(),
            email: entry.doctor_email.to_string(),
        },
        attendee: Person {
            name: a.patient_name.clone(),
            email: entry.patient_email.to_string(),
        },
        stamp: entry.stamp,
    }
}
