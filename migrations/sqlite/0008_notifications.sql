-- Notifications: a transactional outbox, people's choices, calendar feeds and imported busy
-- times.

-- One row per message to one person, written in the same transaction as the change that
-- causes it. A worker claims due rows (`locked_until` is its lease: a process killed mid-send
-- leaves the row to be claimed again once the lease runs out), delivers them over every
-- configured channel and marks each channel done, so a retry resends only what failed.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The idempotent id receivers see (email Message-ID, webhook "id").
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    appointment_id INTEGER NOT NULL REFERENCES appointments (id),
    recipient_id INTEGER NOT NULL REFERENCES users (id),
    -- The appointment as the change left it: what the message and its calendar part say.
    sequence INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    -- Who acted, why, minutes late (JSON).
    detail TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sent', 'skipped', 'dead')),
    email_done BOOLEAN NOT NULL DEFAULT FALSE,
    webhook_done BOOLEAN NOT NULL DEFAULT FALSE,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Due time: the change's time, or a reminder's; moved on by backoff after a failure.
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    UNIQUE (message_id)
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_appointment ON notifications (appointment_id, kind, state);

-- Raised on every change a calendar should apply (iCalendar SEQUENCE).
ALTER TABLE appointments ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;

-- Each person's choices, and the secret of their calendar feed (NULL until asked for).
ALTER TABLE users ADD COLUMN email_changes BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_reminders BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token);

-- A doctor's reminder times and busy-time feed; one row once they save, defaults otherwise.
CREATE TABLE doctor_calendars (
    doctor_id INTEGER PRIMARY KEY REFERENCES users (id),
    -- Hours before the start, comma-separated ('' = no reminders).
    reminder_hours TEXT NOT NULL DEFAULT '24,2',
    busy_feed_url TEXT NOT NULL DEFAULT '',
    busy_feed_checked_at INTEGER,
    busy_feed_error TEXT NOT NULL DEFAULT '',
    busy_feed_events INTEGER NOT NULL DEFAULT 0
);

-- Busy times read from a doctor's own calendar feed: not offered, and refused by booking.
CREATE TABLE imported_busy (
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX imported_busy_doctor_time ON imported_busy (doctor_id, starts_at);
