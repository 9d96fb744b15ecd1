-- Two-factor set-up in progress: the new secret, sealed, until the first app code activates it
-- (or 10 minutes pass). Recovery codes just made, sealed, shown on the security page until the
-- user has saved them (or 10 minutes pass); at rest only their hashes (recovery_codes) count.
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_at BIGINT;
ALTER TABLE users ADD COLUMN recovery_codes_shown TEXT;
ALTER TABLE users ADD COLUMN recovery_codes_shown_at BIGINT;
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
