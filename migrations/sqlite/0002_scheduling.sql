-- Scheduling rules, doctor profiles, buffers, rescheduling and video visits.

-- One row per doctor once they save a profile; readers fall back to the defaults below.
CREATE TABLE doctor_profiles (
    doctor_id INTEGER PRIMARY KEY REFERENCES users (id),
    specialty TEXT NOT NULL DEFAULT '',
    qualifications TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    min_notice_minutes INTEGER NOT NULL DEFAULT 120 CHECK (min_notice_minutes >= 0),
    horizon_days INTEGER NOT NULL DEFAULT 60 CHECK (horizon_days > 0),
    daily_cap INTEGER CHECK (daily_cap IS NULL OR daily_cap > 0),
    change_notice_hours INTEGER NOT NULL DEFAULT 24 CHECK (change_notice_hours >= 0),
    photo BLOB,
    photo_version INTEGER NOT NULL DEFAULT 0
);

-- Working hours by weekday (0 = Monday) as minutes of the day on the doctor's wall clock.
CREATE TABLE weekly_hours (
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute >= 0 AND start_minute < 1440),
    end_minute INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= 1440),
    PRIMARY KEY (doctor_id, weekday, start_minute)
);

-- A date or range of dates (doctor's zone, YYYY-MM-DD) with other hours; '' hours = closed.
CREATE TABLE date_overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    hours TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    CHECK (last_day >= first_day)
);
CREATE INDEX date_overrides_doctor_day ON date_overrides (doctor_id, first_day);

ALTER TABLE services ADD COLUMN buffer_before_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_before_minutes >= 0);
ALTER TABLE services ADD COLUMN buffer_after_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_after_minutes >= 0);
-- NULL: one start time per service length.
ALTER TABLE services ADD COLUMN slot_step_minutes INTEGER CHECK (slot_step_minutes > 0);
ALTER TABLE services ADD COLUMN video BOOLEAN NOT NULL DEFAULT FALSE;

-- The time an appointment keeps the doctor busy: its own time plus the service's buffers.
-- The no-overlap rule applies to these, so a buffer is never booked over.
ALTER TABLE appointments ADD COLUMN blocked_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN blocked_until INTEGER NOT NULL DEFAULT 0;
UPDATE appointments SET blocked_from = starts_at, blocked_until = ends_at;
ALTER TABLE appointments ADD COLUMN meeting_url TEXT;
CREATE INDEX appointments_doctor_blocked ON appointments (doctor_id, blocked_from);

DROP TRIGGER appointments_no_overlap_insert;
DROP TRIGGER appointments_no_overlap_update;

CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.status IN ('pending', 'confirmed')
      AND a.blocked_from < NEW.blocked_until AND a.blocked_until > NEW.blocked_from
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF status, starts_at, ends_at, blocked_from, blocked_until, doctor_id
ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id AND a.status IN ('pending', 'confirmed')
      AND a.blocked_from < NEW.blocked_until AND a.blocked_until > NEW.blocked_from
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER appointments_blocked_covers_insert BEFORE INSERT ON appointments
WHEN NEW.blocked_from > NEW.starts_at OR NEW.blocked_until < NEW.ends_at
BEGIN
    SELECT RAISE(ABORT, 'appointments_blocked_covers_time');
END;

CREATE TRIGGER appointments_blocked_covers_update
BEFORE UPDATE OF starts_at, ends_at, blocked_from, blocked_until ON appointments
WHEN NEW.blocked_from > NEW.starts_at OR NEW.blocked_until < NEW.ends_at
BEGIN
    SELECT RAISE(ABORT, 'appointments_blocked_covers_time');
END;

-- Audit: why a change was made, and where a rescheduled appointment moved from and to.
ALTER TABLE appointment_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE appointment_events ADD COLUMN from_starts_at INTEGER;
ALTER TABLE appointment_events ADD COLUMN to_starts_at INTEGER;
