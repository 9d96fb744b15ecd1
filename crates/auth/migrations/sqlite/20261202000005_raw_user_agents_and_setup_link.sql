-- Trusted devices keep the browser's raw User-Agent; its name is worked out when shown, in the
-- reader's language. Rows from before keep their stored label in `browser`.
ALTER TABLE trusted_devices ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- The first-run setup link: one at a time (the row in slot 1), valid for a day, deleted when used
-- or when any account is created. A new link replaces the old one, so of several instances that
-- start together only the last one's link works.
DROP TABLE setup_tokens;
CREATE TABLE setup_link (
    slot       BIGINT PRIMARY KEY CHECK (slot = 1),
    token_hash TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
