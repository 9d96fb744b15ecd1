-- Sessions get a numeric id, so that "Active sessions" can name one (for "Sign out") without
-- showing anything derived from its token.
ALTER TABLE sessions ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;
