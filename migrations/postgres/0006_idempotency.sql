-- Idempotency keys (the `Idempotency-Key` header): each key a user sent with a change,
-- written in the same transaction as the change, with the answer it got, so a retry or an
-- offline replay is answered from here instead of being applied again.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    -- A hash of the method, path and body: the same key with another request is refused.
    fingerprint TEXT NOT NULL,
    -- The JSON answer; NULL for endpoints that answer with the state as it now stands.
    answer TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- When a change was made on a device that was offline at the time (the device's clock);
-- NULL for changes made online.
ALTER TABLE appointment_events ADD COLUMN made_offline_at BIGINT;
