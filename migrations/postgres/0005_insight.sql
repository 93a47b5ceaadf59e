-- Insight: reports over a doctor's appointments that stay fast at millions of rows.
--
-- Each appointment carries its start as the doctor's local date (`local_day`, days since
-- 1970-01-01) and hour (`local_hour`, 0-23), set by the server, which knows the zone.
-- `insight_days` holds one row per doctor and local date with the day's sums, kept by
-- triggers in the same transaction as every insert, change and delete of an appointment:
-- a report reads at most one row per doctor and day, never the appointments themselves.
--
-- Per row: `booked` all appointments of the day (any status); one count per status;
-- `kept_minutes` the minutes of those neither rejected nor cancelled; `lead_minutes` the
-- summed time from request to start; `lead_0`..`lead_5` how many were requested less than
-- 1, 3, 7, 14, 30 days ahead and 30 days or more; `h00`..`h23` the kept appointments by
-- local starting hour. Rows whose `local_day` is still NULL (from before this migration)
-- are filled in by the server at start-up, which the triggers then count.

ALTER TABLE appointments
    ADD COLUMN local_day INTEGER,
    ADD COLUMN local_hour INTEGER CHECK (local_hour BETWEEN 0 AND 23);
CREATE INDEX appointments_local_day_unset ON appointments (id) WHERE local_day IS NULL;

CREATE TABLE insight_days (
    doctor_id BIGINT NOT NULL REFERENCES users (id),
    day INTEGER NOT NULL,
    booked INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    confirmed INTEGER NOT NULL DEFAULT 0,
    arrived INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    no_show INTEGER NOT NULL DEFAULT 0,
    kept_minutes BIGINT NOT NULL DEFAULT 0,
    lead_minutes BIGINT NOT NULL DEFAULT 0,
    lead_0 INTEGER NOT NULL DEFAULT 0,
    lead_1 INTEGER NOT NULL DEFAULT 0,
    lead_2 INTEGER NOT NULL DEFAULT 0,
    lead_3 INTEGER NOT NULL DEFAULT 0,
    lead_4 INTEGER NOT NULL DEFAULT 0,
    lead_5 INTEGER NOT NULL DEFAULT 0,
    h00 INTEGER NOT NULL DEFAULT 0,
    h01 INTEGER NOT NULL DEFAULT 0,
    h02 INTEGER NOT NULL DEFAULT 0,
    h03 INTEGER NOT NULL DEFAULT 0,
    h04 INTEGER NOT NULL DEFAULT 0,
    h05 INTEGER NOT NULL DEFAULT 0,
    h06 INTEGER NOT NULL DEFAULT 0,
    h07 INTEGER NOT NULL DEFAULT 0,
    h08 INTEGER NOT NULL DEFAULT 0,
    h09 INTEGER NOT NULL DEFAULT 0,
    h10 INTEGER NOT NULL DEFAULT 0,
    h11 INTEGER NOT NULL DEFAULT 0,
    h12 INTEGER NOT NULL DEFAULT 0,
    h13 INTEGER NOT NULL DEFAULT 0,
    h14 INTEGER NOT NULL DEFAULT 0,
    h15 INTEGER NOT NULL DEFAULT 0,
    h16 INTEGER NOT NULL DEFAULT 0,
    h17 INTEGER NOT NULL DEFAULT 0,
    h18 INTEGER NOT NULL DEFAULT 0,
    h19 INTEGER NOT NULL DEFAULT 0,
    h20 INTEGER NOT NULL DEFAULT 0,
    h21 INTEGER NOT NULL DEFAULT 0,
    h22 INTEGER NOT NULL DEFAULT 0,
    h23 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doctor_id, day)
);

-- Adds row `r` to its day's sums, `s` = 1, or takes it away, `s` = -1.
CREATE FUNCTION insight_days_add(r appointments, s INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO insight_days (doctor_id, day, booked, pending, confirmed, arrived, rejected, cancelled, completed, no_show, kept_minutes, lead_minutes, lead_0, lead_1, lead_2, lead_3, lead_4, lead_5, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23)
    VALUES (
        r.doctor_id, r.local_day,
        s,
        CASE WHEN r.status = 'pending' THEN s ELSE 0 END,
        CASE WHEN r.status = 'confirmed' THEN s ELSE 0 END,
        CASE WHEN r.status = 'arrived' THEN s ELSE 0 END,
        CASE WHEN r.status = 'rejected' THEN s ELSE 0 END,
        CASE WHEN r.status = 'cancelled' THEN s ELSE 0 END,
        CASE WHEN r.status = 'completed' THEN s ELSE 0 END,
        CASE WHEN r.status = 'no_show' THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') THEN s * ((r.ends_at - r.starts_at) / 60) ELSE 0 END,
        s * GREATEST(0, (r.starts_at - r.created_at) / 60),
        CASE WHEN (r.starts_at - r.created_at) / 60 < 1440 THEN s ELSE 0 END,
        CASE WHEN (r.starts_at - r.created_at) / 60 >= 1440 AND (r.starts_at - r.created_at) / 60 < 4320 THEN s ELSE 0 END,
        CASE WHEN (r.starts_at - r.created_at) / 60 >= 4320 AND (r.starts_at - r.created_at) / 60 < 10080 THEN s ELSE 0 END,
        CASE WHEN (r.starts_at - r.created_at) / 60 >= 10080 AND (r.starts_at - r.created_at) / 60 < 20160 THEN s ELSE 0 END,
        CASE WHEN (r.starts_at - r.created_at) / 60 >= 20160 AND (r.starts_at - r.created_at) / 60 < 43200 THEN s ELSE 0 END,
        CASE WHEN (r.starts_at - r.created_at) / 60 >= 43200 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 0 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 1 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 2 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 3 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 4 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 5 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 6 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 7 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 8 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 9 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 10 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 11 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 12 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 13 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 14 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 15 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 16 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 17 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 18 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 19 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 20 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 21 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 22 THEN s ELSE 0 END,
        CASE WHEN r.status NOT IN ('rejected', 'cancelled') AND r.local_hour = 23 THEN s ELSE 0 END
    )
    ON CONFLICT (doctor_id, day) DO UPDATE SET
        booked = insight_days.booked + excluded.booked,
        pending = insight_days.pending + excluded.pending,
        confirmed = insight_days.confirmed + excluded.confirmed,
        arrived = insight_days.arrived + excluded.arrived,
        rejected = insight_days.rejected + excluded.rejected,
        cancelled = insight_days.cancelled + excluded.cancelled,
        completed = insight_days.completed + excluded.completed,
        no_show = insight_days.no_show + excluded.no_show,
        kept_minutes = insight_days.kept_minutes + excluded.kept_minutes,
        lead_minutes = insight_days.lead_minutes + excluded.lead_minutes,
        lead_0 = insight_days.lead_0 + excluded.lead_0,
        lead_1 = insight_days.lead_1 + excluded.lead_1,
        lead_2 = insight_days.lead_2 + excluded.lead_2,
        lead_3 = insight_days.lead_3 + excluded.lead_3,
        lead_4 = insight_days.lead_4 + excluded.lead_4,
        lead_5 = insight_days.lead_5 + excluded.lead_5,
        h00 = insight_days.h00 + excluded.h00,
        h01 = insight_days.h01 + excluded.h01,
        h02 = insight_days.h02 + excluded.h02,
        h03 = insight_days.h03 + excluded.h03,
        h04 = insight_days.h04 + excluded.h04,
        h05 = insight_days.h05 + excluded.h05,
        h06 = insight_days.h06 + excluded.h06,
        h07 = insight_days.h07 + excluded.h07,
        h08 = insight_days.h08 + excluded.h08,
        h09 = insight_days.h09 + excluded.h09,
        h10 = insight_days.h10 + excluded.h10,
        h11 = insight_days.h11 + excluded.h11,
        h12 = insight_days.h12 + excluded.h12,
        h13 = insight_days.h13 + excluded.h13,
        h14 = insight_days.h14 + excluded.h14,
        h15 = insight_days.h15 + excluded.h15,
        h16 = insight_days.h16 + excluded.h16,
        h17 = insight_days.h17 + excluded.h17,
        h18 = insight_days.h18 + excluded.h18,
        h19 = insight_days.h19 + excluded.h19,
        h20 = insight_days.h20 + excluded.h20,
        h21 = insight_days.h21 + excluded.h21,
        h22 = insight_days.h22 + excluded.h22,
        h23 = insight_days.h23 + excluded.h23;
$$;

CREATE FUNCTION insight_days_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.local_day IS NOT NULL THEN
        PERFORM insight_days_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.local_day IS NOT NULL THEN
        PERFORM insight_days_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER insight_days_track
AFTER INSERT OR DELETE
OR UPDATE OF status, starts_at, ends_at, created_at, local_day, local_hour, doctor_id ON appointments
FOR EACH ROW EXECUTE FUNCTION insight_days_track();
