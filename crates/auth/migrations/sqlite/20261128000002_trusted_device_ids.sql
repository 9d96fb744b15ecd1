-- Trusted devices get a numeric id, so that pages can name one device (for "Remove") without
-- showing anything derived from its token.
CREATE TABLE trusted_devices_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT   NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    browser      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
INSERT INTO trusted_devices_new (token_hash, user_id, browser, created_at, last_used_at, expires_at)
    SELECT token_hash, user_id, browser, created_at, last_used_at, expires_at FROM trusted_devices;
DROP TABLE trusted_devices;
ALTER TABLE trusted_devices_new RENAME TO trusted_devices;
CREATE INDEX trusted_devices_user ON trusted_devices(user_id);
