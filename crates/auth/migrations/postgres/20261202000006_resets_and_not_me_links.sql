-- Password reset links are looked up by user too (a newer link replaces the older ones).
CREATE INDEX password_resets_user ON password_resets(user_id);

-- "This wasn't me" links in the "New device trusted" and "Your password was changed" mails:
-- single use, valid 7 days, only the hash stored. `device_hash` names the device the mail was
-- about (forgotten when the link is used); empty: the mail was about the password, and every
-- device is forgotten.
CREATE TABLE not_me_links (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX not_me_links_user ON not_me_links(user_id);
