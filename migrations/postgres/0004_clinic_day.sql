-- The clinic day: an appointment can be checked in (`arrived`, which still holds the
-- doctor's time), a doctor can be running late on a day, and front-desk staff work for
-- doctors.
ALTER TABLE users
    DROP CONSTRAINT users_role_check,
    ADD CONSTRAINT users_role_check CHECK (role IN ('patient', 'doctor', 'admin', 'staff'));

-- Which doctors each staff member works for; staff see and act on those doctors' days only.
CREATE TABLE staff_doctors (
    staff_id BIGINT NOT NULL REFERENCES users (id),
    doctor_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (staff_id, doctor_id)
);
ALTER TABLE appointments
    DROP CONSTRAINT appointments_status_check,
    ADD CONSTRAINT appointments_status_check CHECK (
        status IN ('pending', 'confirmed', 'arrived', 'rejected', 'cancelled', 'completed',
                   'no_show')
    ),
    -- When the patient was checked in; set with `arrived`, cleared when that is undone.
    ADD COLUMN arrived_at BIGINT,
    ADD CONSTRAINT appointments_arrived_at CHECK (status <> 'arrived' OR arrived_at IS NOT NULL),
    DROP CONSTRAINT appointments_no_overlap,
    ADD CONSTRAINT appointments_no_overlap
        EXCLUDE USING gist (doctor_id WITH =, int8range(blocked_from, blocked_until) WITH &&)
        WHERE (status IN ('pending', 'confirmed', 'arrived'));

DROP INDEX appointments_active_blocked;
CREATE INDEX appointments_active_blocked ON appointments (doctor_id, blocked_from)
    WHERE status IN ('pending', 'confirmed', 'arrived');

-- "Running N minutes late" for one day of a doctor's, the day being the doctor's local
-- date; `day_start`/`day_end` are that day's bounds in UTC seconds, so appointments are
-- matched to it without time-zone arithmetic in SQL.
CREATE TABLE running_late (
    doctor_id BIGINT NOT NULL REFERENCES users (id),
    day_start BIGINT NOT NULL,
    day_end BIGINT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240),
    set_by BIGINT NOT NULL REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (doctor_id, day_start),
    CHECK (day_end > day_start)
);
