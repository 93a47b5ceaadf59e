-- Instants are Unix seconds (UTC). AUTOINCREMENT: ids are never reused, so a stale page
-- can never act on a newer row that took a deleted row's id. The same column names and types as the PostgreSQL set,
-- so both engines run the same queries.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('patient', 'doctor', 'admin')),
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email_unique ON users (email);
CREATE INDEX users_role_name ON users (role, name);

CREATE TABLE services (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    price_minor INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),
    currency TEXT CHECK (currency IS NULL OR length(currency) = 3),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX services_doctor_name_unique ON services (doctor_id, name);

CREATE TABLE availability (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX availability_doctor_time ON availability (doctor_id, starts_at, ends_at);

-- The database itself refuses overlapping spans of one doctor.
CREATE TRIGGER availability_no_overlap_insert BEFORE INSERT ON availability
WHEN EXISTS (
    SELECT 1 FROM availability a
    WHERE a.doctor_id = NEW.doctor_id AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
)
BEGIN
    SELECT RAISE(ABORT, 'availability_no_overlap');
END;

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES users (id),
    patient_id INTEGER NOT NULL REFERENCES users (id),
    service_id INTEGER NOT NULL REFERENCES services (id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (
        status IN ('pending', 'confirmed', 'rejected', 'cancelled', 'completed', 'no_show')
    ),
    notes TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
-- Serves the dashboard page (doctor, time range, status) without touching the table.
CREATE INDEX appointments_doctor_time ON appointments (doctor_id, starts_at, status, id);
CREATE INDEX appointments_patient_time ON appointments (patient_id, starts_at);

-- At most one active appointment per doctor per time, enforced by the database: these
-- triggers run inside the writing transaction, whatever the application checked before.
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.status IN ('pending', 'confirmed')
      AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF status, starts_at, ends_at, doctor_id
ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id AND a.status IN ('pending', 'confirmed')
      AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

-- Append-only audit trail, written in the same transaction as each change.
CREATE TABLE appointment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER NOT NULL REFERENCES appointments (id),
    actor_id INTEGER NOT NULL REFERENCES users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX appointment_events_appointment ON appointment_events (appointment_id, id);

CREATE TRIGGER appointment_events_append_only_update BEFORE UPDATE ON appointment_events
BEGIN
    SELECT RAISE(ABORT, 'appointment_events is append-only');
END;
CREATE TRIGGER appointment_events_append_only_delete BEFORE DELETE ON appointment_events
BEGIN
    SELECT RAISE(ABORT, 'appointment_events is append-only');
END;

-- Secrets the application generates once (the session cookie key).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
