-- Two-factor set-up in progress: the new secret, sealed, until the first app code activates it
-- (or 10 minutes pass). Recovery codes just made, sealed, shown on the security page until the
-- user has saved them (or 10 minutes pass); at rest only their hashes (recovery_codes) count.
-- Both are shown only to the session that made them (two_factor_session: its token's hash).
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_at BIGINT;
ALTER TABLE users ADD COLUMN recovery_codes_shown TEXT;
ALTER TABLE users ADD COLUMN recovery_codes_shown_at BIGINT;
ALTER TABLE users ADD COLUMN two_factor_session TEXT;
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
