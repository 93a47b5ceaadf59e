"""Prints the emails in a maildir as JSON.

The integration tests send the app's emails to a real SMTP server that stores them in a
maildir (aiosmtpd, installed into target/py by scripts/setup.sh):

    target/py/bin/python -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox MAILDIR

and read them back with

    target/py/bin/python tests/tools/read_mail.py MAILDIR

which prints one JSON array, sorted by the Date header then Message-ID, of
{"to", "from", "subject", "message_id", "headers", "text", "html", "calendar",
"calendar_content_type"}. "calendar" is the first text/calendar part as read_ics.py reads it
(or null); a calendar part that does not parse makes this exit non-zero, the reason on stderr.
"""

import datetime
import email
import email.policy
import json
import mailbox
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from read_ics import calendar_json  # noqa: E402

LISTED_HEADERS = ["List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted", "Content-Language"]


def body(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return None if part is None else part.get_content()


def message_json(message):
    calendar_part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    calendar = None
    if calendar_part is not None:
        try:
            calendar = calendar_json(calendar_part.get_payload(decode=True))
        except ValueError as e:
            sys.exit(f"read_mail.py: message {message['Message-ID']}: the text/calendar part does not parse: {e}")
    return {
        "to": [a.addr_spec.lower() for a in (message["To"].addresses if message["To"] else [])],
        "from": str(message["From"]) if message["From"] else None,
        "subject": str(message["Subject"]) if message["Subject"] else None,
        "message_id": str(message["Message-ID"]) if message["Message-ID"] else None,
        "headers": {h.lower(): str(message[h]) for h in LISTED_HEADERS if message[h] is not None},
        "text": body(message, "plain"),
        "html": body(message, "html"),
        "calendar": calendar,
        "calendar_content_type": None if calendar_part is None else str(calendar_part["Content-Type"]),
    }


def sort_key(message):
    """Date (a missing one first; a -0000 zone counts as UTC), then Message-ID."""
    date = message["Date"].datetime if message["Date"] else None
    date = date or datetime.datetime.min
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.timezone.utc)
    return (date, str(message["Message-ID"] or ""))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: read_mail.py MAILDIR")
    # The Mailbox handler delivers into MAILDIR/new (through tmp/, so only whole messages);
    # mailbox.Maildir reads new/ and cur/.
    try:
        maildir = mailbox.Maildir(sys.argv[1], create=False)
    except mailbox.NoSuchMailboxError:
        sys.exit(f"read_mail.py: no maildir at {sys.argv[1]}")
    raw = [maildir.get_bytes(key) for key in maildir.keys()]
    messages = [email.message_from_bytes(r, policy=email.policy.default) for r in raw]
    messages.sort(key=sort_key)
    json.dump([message_json(m) for m in messages], sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
