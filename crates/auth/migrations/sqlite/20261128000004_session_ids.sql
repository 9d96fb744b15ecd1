-- Sessions get a numeric id, so that "Active sessions" can name one (for "Sign out") without
-- showing anything derived from its token.
CREATE TABLE sessions_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       TEXT   NOT NULL UNIQUE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage            TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    authenticated_at BIGINT NOT NULL,
    ip               TEXT   NOT NULL,
    user_agent       TEXT   NOT NULL
);
INSERT INTO sessions_new (token_hash, user_id, stage, created_at, last_seen_at, authenticated_at, ip, user_agent)
    SELECT token_hash, user_id, stage, created_at, last_seen_at, authenticated_at, ip, user_agent FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user ON sessions(user_id);
