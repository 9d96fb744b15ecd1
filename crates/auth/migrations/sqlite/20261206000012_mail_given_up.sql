-- A mail that still fails a day after it was queued is given up: the time is kept here (its
-- bodies are emptied, like a delivered mail's), the worker no longer tries it, and the row is
-- swept a week later.
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
