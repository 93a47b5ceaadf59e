-- The number patients call when a visit can no longer be changed online (shown on the
-- profile and on appointments inside the change window). Empty when the doctor gives none.
ALTER TABLE doctor_profiles ADD COLUMN phone TEXT NOT NULL DEFAULT '';
