-- Pforte as an OpenID provider for the company's own applications.

-- An application registered by an admin of an account (or `pforte create-client`): only that
-- account's users may sign in to it. secret_hash: the SHA-256 of its secret (a 256-bit token shown
-- once); NULL for a public client, which proves itself with PKCE alone. redirect_uris: one per
-- line, compared exactly.
CREATE TABLE oidc_clients (
    client_id     TEXT   PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    name          TEXT   NOT NULL,
    secret_hash   TEXT,
    redirect_uris TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX oidc_clients_account ON oidc_clients (account_id);

-- The keys ID tokens are signed with (Ed25519). private_key: PKCS#8, sealed with the secret key
-- for its kid. The newest key not retired signs; a retired key stays published until the tokens
-- it signed have expired.
CREATE TABLE oidc_keys (
    kid         TEXT   PRIMARY KEY,
    private_key TEXT   NOT NULL,
    public_key  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);

-- Authorization codes: the SHA-256 of a 256-bit code, single use, 60 seconds, bound to the client,
-- the redirect URI and the PKCE challenge (S256). session_hash: the Pforte session (its token's
-- SHA-256) the code and the tokens from it were made for; they end with it.
CREATE TABLE oidc_codes (
    code_hash      TEXT   PRIMARY KEY,
    client_id      TEXT   NOT NULL REFERENCES oidc_clients(client_id),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    session_hash   TEXT   NOT NULL,
    redirect_uri   TEXT   NOT NULL,
    code_challenge TEXT,
    nonce          TEXT,
    scope          TEXT   NOT NULL,
    auth_time      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);

-- Access tokens (SHA-256 of a 256-bit token), each from one code: a code used twice revokes them.
CREATE TABLE oidc_tokens (
    token_hash TEXT   PRIMARY KEY,
    client_id  TEXT   NOT NULL REFERENCES oidc_clients(client_id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    session_hash TEXT NOT NULL,
    scope      TEXT   NOT NULL,
    code_hash  TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_tokens_code ON oidc_tokens (code_hash);
CREATE INDEX oidc_tokens_user ON oidc_tokens (user_id);
CREATE INDEX oidc_tokens_session ON oidc_tokens (session_hash);
CREATE INDEX oidc_codes_session ON oidc_codes (session_hash);
