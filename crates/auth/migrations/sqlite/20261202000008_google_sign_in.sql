-- "Sign in with Google" under way in one browser: keyed by the SHA-256 of that browser's cookie,
-- with the SHA-256 of the `state` sent to the provider, the PKCE verifier (sealed with the
-- secret key), the local path to land on, and 10 minutes to come back. Used once.
CREATE TABLE google_sign_ins (
    browser_hash TEXT   PRIMARY KEY,
    state_hash   TEXT   NOT NULL,
    verifier     TEXT   NOT NULL,
    next         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
-- The linked Google account: its address when it was linked, and when (google_sub is the link).
-- google_unlinked_at: Google sign-in was turned off ("Unlink", "This wasn't me", an admin clearing
-- the address); their own email no longer links a Google account until an admin enters one.
ALTER TABLE users ADD COLUMN google_linked_email TEXT;
ALTER TABLE users ADD COLUMN google_linked_at BIGINT;
ALTER TABLE users ADD COLUMN google_unlinked_at BIGINT;
-- (not_me_links.device_hash is 'google' for the "Google account linked" mail: a device's hash is
-- 64 hex digits, the password mail's the empty string. No schema change.)
-- The first Google sign-in looks users up by the admin-entered address.
CREATE INDEX users_google_email ON users(google_email);
