-- A mail that still fails a day after it was queued is given up: the time is kept here (its
-- bodies are emptied, like a delivered mail's), the worker no longer tries it, and the row is
-- swept a week later.
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
-- Who holds a mail's claim: a random value per claim, so that a worker renews, fails or gives
-- up only a claim that is still its own.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- Audit rows are swept by age.
CREATE INDEX audit_events_at ON audit_events(at);
