-- Every overlap search on a doctor's rows is bounded on both sides of the index, so its cost
-- depends on the rows near the new time, never on the doctor's whole history. The bounds come
-- from length limits that the database now enforces itself: a blocked range (an 8-hour
-- service with 4-hour buffers each side) is at most 16 hours = 57600 s, an availability
-- span at most 48 hours = 172800 s (a day of hours across a clock change fits easily).

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

DROP TRIGGER appointments_no_overlap_insert;
DROP TRIGGER appointments_no_overlap_update;

CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id
      AND a.blocked_from > NEW.blocked_from - 57600 AND a.blocked_from < NEW.blocked_until
      AND a.blocked_until > NEW.blocked_from AND a.status IN ('pending', 'confirmed')
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF status, starts_at, ends_at, blocked_from, blocked_until, doctor_id
ON appointments
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id
      AND a.blocked_from > NEW.blocked_from - 57600 AND a.blocked_from < NEW.blocked_until
      AND a.blocked_until > NEW.blocked_from AND a.status IN ('pending', 'confirmed')
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END;

CREATE TRIGGER availability_at_most_48h BEFORE INSERT ON availability
WHEN NEW.ends_at - NEW.starts_at > 172800
BEGIN
    SELECT RAISE(ABORT, 'availability_at_most_48h');
END;

DROP TRIGGER availability_no_overlap_insert;

CREATE TRIGGER availability_no_overlap_insert BEFORE INSERT ON availability
WHEN EXISTS (
    SELECT 1 FROM availability a
    WHERE a.doctor_id = NEW.doctor_id
      AND a.starts_at > NEW.starts_at - 172800 AND a.starts_at < NEW.ends_at
      AND a.ends_at > NEW.starts_at
)
BEGIN
    SELECT RAISE(ABORT, 'availability_no_overlap');
END;

-- Active appointments only, by doctor and start of the blocked range: what the busy-time read
-- and the no-overlap check search. Past, cancelled and completed rows are not in it at all.
CREATE INDEX appointments_active_blocked ON appointments (doctor_id, blocked_from)
    WHERE status IN ('pending', 'confirmed');
