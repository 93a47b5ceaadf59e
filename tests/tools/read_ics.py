"""Reads an iCalendar document from stdin and prints it as JSON.

The integration tests pipe the app's .ics output (calendar feeds, invitation attachments)
through this, so that it is checked by a parser independent of the crate that wrote it
(icalendar, installed into target/py by scripts/setup.sh):

    target/py/bin/python tests/tools/read_ics.py < feed.ics

prints {"method": str|null, "name": X-WR-CALNAME|null, "events": [...]}, events sorted by
dtstart then uid (see event_json). Exits non-zero, with the reason on stderr, when the input
is empty or icalendar does not parse it cleanly. read_mail.py uses calendar_json too.
"""

import datetime
import json
import sys

import icalendar


def parse_calendar(data):
    """One VCALENDAR from bytes or str; ValueError unless icalendar parses it without errors."""
    if not data.strip():
        raise ValueError("empty input")
    calendar = icalendar.Calendar.from_ical(data)
    if calendar.name != "VCALENDAR":
        raise ValueError(f"expected a VCALENDAR, found a {calendar.name}")
    # icalendar is lenient: it records bad lines and values in .errors instead of raising.
    errors = [(c.name, e) for c in calendar.walk() for e in c.errors]
    if errors:
        raise ValueError(f"errors in the calendar: {errors}")
    return calendar


def text(value):
    return None if value is None else str(value)


def email(address):
    """'mailto:Doc@X.test' -> 'doc@x.test'."""
    if address is None:
        return None
    address = str(address)
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:"):]
    return address.lower()


def when(component, name):
    """UTC date-times as '2026-12-01T09:00:00Z'; floating times and dates as they are."""
    if name not in component:
        return None
    value = component.decoded(name)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def event_json(event):
    """A VEVENT; properties that are absent are null (sequence too)."""
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    return {
        "uid": text(event.get("UID")),
        "sequence": event.decoded("SEQUENCE") if "SEQUENCE" in event else None,
        "status": text(event.get("STATUS")),
        "summary": text(event.get("SUMMARY")),
        "dtstart": when(event, "DTSTART"),
        "dtend": when(event, "DTEND"),
        "organizer": email(event.get("ORGANIZER")),
        "attendees": [email(a) for a in attendees],
        "description": text(event.get("DESCRIPTION")),
        "url": text(event.get("URL")),
        "location": text(event.get("LOCATION")),
    }


def calendar_json(data):
    calendar = parse_calendar(data)
    events = [event_json(e) for e in calendar.walk("VEVENT")]
    events.sort(key=lambda e: (e["dtstart"] or "", e["uid"] or ""))
    return {
        "method": text(calendar.get("METHOD")),
        "name": text(calendar.get("X-WR-CALNAME")),
        "events": events,
    }


def main():
    try:
        result = calendar_json(sys.stdin.buffer.read())
    except ValueError as e:
        sys.exit(f"read_ics.py: the input does not parse as iCalendar: {e}")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
