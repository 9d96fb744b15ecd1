-- Pforte schema, PostgreSQL flavour. Times are UNIX seconds (UTC). Flags are 0/1.
CREATE TABLE accounts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_number TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      BIGINT  NOT NULL REFERENCES accounts(id),
    email           TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
    status          TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
    is_owner        BIGINT  NOT NULL DEFAULT 0,
    password_hash   TEXT,
    password_set_at BIGINT,
    google_email    TEXT,
    google_sub      TEXT    UNIQUE,
    totp_secret     TEXT,
    totp_enabled_at BIGINT,
    totp_last_step  BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX users_account ON users(account_id);

-- A session is a pending sign-in (stage names the next step) or a signed-in session (stage 'complete').
CREATE TABLE sessions (
    token_hash       TEXT   PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage            TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    authenticated_at BIGINT NOT NULL,
    ip               TEXT   NOT NULL,
    user_agent       TEXT   NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    user_id     BIGINT,
    account_id  BIGINT,
    event       TEXT   NOT NULL,
    outcome     TEXT   NOT NULL,
    ip          TEXT   NOT NULL,
    user_agent  TEXT   NOT NULL,
    detail      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_user_at ON audit_events(user_id, at);

-- Tables of the flows that follow (invitations, codes, devices, resets, throttles, outbox).
CREATE TABLE invitations (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE email_codes (
    session_hash TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash    TEXT   NOT NULL,
    sent_at      BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    failures     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE trusted_devices (
    token_hash   TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    browser      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices(user_id);

CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    used_at    BIGINT
);

CREATE TABLE password_resets (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE throttles (
    scope        TEXT   NOT NULL,
    key          TEXT   NOT NULL,
    failures     BIGINT NOT NULL DEFAULT 0,
    last_failure BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient    TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    body_text    TEXT   NOT NULL,
    body_html    TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    next_try_at  BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    sent_at      BIGINT,
    claimed_until BIGINT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_try_at);

CREATE TABLE setup_tokens (
    token_hash TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
