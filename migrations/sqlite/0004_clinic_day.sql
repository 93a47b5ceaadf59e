-- The clinic day: an appointment can be checked in (`arrived`, which still holds the
-- doctor's time), a doctor can be running late on a day, and front-desk staff work for
-- doctors.
--
-- SQLite cannot change a CHECK constraint in place, so `appointments` is rebuilt, inside
-- the migration's transaction. Foreign keys stay on (sqlx runs SQLite migrations in a
-- transaction, where `PRAGMA foreign_keys` cannot change), so their checks are deferred
-- to the commit: dropping the table leaves the audit trail's rows pointing at missing
-- appointments, and putting the same rows back into the new table mends every one of them.
-- Then the indexes and triggers come back, with 'arrived' in every active-status list.
PRAGMA defer_foreign_keys = ON;

-- Users gain the `staff` role (the front desk). Same procedure: every table that points at
-- a user is mended when the same rows come back.
CREATE TEMP TABLE users_copy AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('patient', 'doctor', 'admin', 'staff')),
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at INTEGER NOT NULL
);
INSERT INTO users (id, email, name, role, password_hash, time_zone, created_at)
    SELECT id, email, name, role, password_hash, time_zone, created_at FROM users_copy;
DROP TABLE users_copy;
CREATE UNIQUE INDEX users_email_unique ON users (email);
CREATE INDEX users_role_name ON users (role, name);

-- Which doctors each staff member works for; staff see and act on those doctors' days only.
CREATE TABLE staff_doctors (
    staff_id INTEGER NOT NULL REFERENCES users (id),
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (staff_id, doctor_id)
);

CREATE TEMP TABLE appointments_copy AS SELECT * FROM appointments;
DROP TABLE appointments;

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    patient_id INTEGER NOT NULL REFERENCES users (id),
    service_id INTEGER NOT NULL REFERENCES services (id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (
        status IN ('pending', 'confirmed', 'arrived', 'rejected', 'cancelled', 'completed',
                   'no_show')
    ),
    notes TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    blocked_from INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL,
    meeting_url TEXT,
    -- When the patient was checked in; set with `arrived`, cleared when that is undone.
    arrived_at INTEGER,
    -- When the doctor called the checked-in patient in.
    called_at INTEGER,
    CHECK (ends_at > starts_at),
    CHECK (status <> 'arrived' OR arrived_at IS NOT NULL)
);
INSERT INTO appointments (id, doctor_id, patient_id, service_id, starts_at, ends_at, status,
                          notes, created_at, updated_at, blocked_from, blocked_until, meeting_url)
    SELECT id, doctor_id, patient_id, service_id, starts_at, ends_at, status, notes, created_at,
           updated_at, blocked_from, blocked_until, meeting_url
    FROM appointments_copy;
DROP TABLE appointments_copy;

CREATE INDEX appointments_doctor_time ON appointments (doctor_id, starts_at, status, id);
CREATE INDEX appointments_patient_time ON appointments (patient_id, starts_at);
CREATE INDEX appointments_doctor_blocked ON appointments (doctor_id, blocked_from);
CREATE INDEX appointments_active_blocked ON appointments (doctor_id, blocked_from)
    WHERE status IN ('pending', 'confirmed', 'arrived');

CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('pending', 'confirmed', 'arrived') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id
      AND a.blocked_from > NEW.blocked_from - 57600 AND a.blocked_from < NEW.blocked_until
      AND a.blocked_until > NEW.blocked_from AND a.status IN ('pending', 'confirmed', 'arrived')
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF status, starts_at, ends_at, blocked_from, blocked_until, doctor_id
ON appointments
WHEN NEW.status IN ('pending', 'confirmed', 'arrived') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id
      AND a.blocked_from > NEW.blocked_from - 57600 AND a.blocked_from < NEW.blocked_until
      AND a.blocked_until > NEW.blocked_from AND a.status IN ('pending', 'confirmed', 'arrived')
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

CREATE TRIGGER appointments_blocked_at_most_16h_insert BEFORE INSERT ON appointments
WHEN NEW.blocked_until - NEW.blocked_from > 57600
BEGIN
    SELECT RAISE(ABORT, 'appointments_blocked_at_most_16h');
END;

CREATE TRIGGER appointments_blocked_at_most_16h_update
BEFORE UPDATE OF blocked_from, blocked_until ON appointments
WHEN NEW.blocked_until - NEW.blocked_from > 57600
BEGIN
    SELECT RAISE(ABORT, 'appointments_blocked_at_most_16h');
END;

-- "Running N minutes late" for one day of a doctor's, the day being the doctor's local
-- date; `day_start`/`day_end` are that day's bounds in UTC seconds, so appointments are
-- matched to it without time-zone arithmetic in SQL.
CREATE TABLE running_late (
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    day_start INTEGER NOT NULL,
    day_end INTEGER NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240),
    set_by INTEGER NOT NULL REFERENCES users (id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (doctor_id, day_start),
    CHECK (day_end > day_start)
);

-- Walk-ins without an appointment: the day's queue, with a short token number per doctor
-- and day. `patient_id` is set when the walk-in is an existing patient.
CREATE TABLE walk_ins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    day_start INTEGER NOT NULL,
    token INTEGER NOT NULL CHECK (token > 0),
    name TEXT NOT NULL,
    patient_id INTEGER REFERENCES users (id),
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'seen', 'left')),
    arrived_at INTEGER NOT NULL,
    called_at INTEGER,
    finished_at INTEGER,
    created_by INTEGER NOT NULL REFERENCES users (id),
    UNIQUE (doctor_id, day_start, token)
);

-- Nothing may point at a row that is gone (the copy kept every id): a violation fails
-- this CHECK, and with it the migration.
CREATE TEMP TABLE foreign_keys_hold (violations INTEGER CHECK (violations = 0));
INSERT INTO foreign_keys_hold SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE foreign_keys_hold;
