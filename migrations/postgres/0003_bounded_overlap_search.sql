-- The length limits that bound every overlap search on a doctor's rows (see the queries in
-- src/server/db): a blocked range (an 8-hour service with 4-hour buffers each side) is at
-- most 16 hours = 57600 s, an availability span at most 48 hours = 172800 s. The exclusion
-- constraints search a GiST index and need no bound.
ALTER TABLE appointments
    ADD CONSTRAINT appointments_blocked_at_most_16h CHECK (blocked_until - blocked_from <= 57600);
ALTER TABLE availability
    ADD CONSTRAINT availability_at_most_48h CHECK (ends_at - starts_at <= 172800);

-- Active appointments only, by doctor and start of the blocked range: what the busy-time read
-- and the no-overlap check search. Past, cancelled and completed rows are not in it at all.
CREATE INDEX appointments_active_blocked ON appointments (doctor_id, blocked_from)
    WHERE status IN ('pending', 'confirmed');
