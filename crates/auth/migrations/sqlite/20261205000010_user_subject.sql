-- The user's stable identifier towards other applications (forward authentication's
-- Remote-User, OpenID Connect's `sub`): random, never reused, and unlike the email never changed.
-- Pforte sets it when it creates a user; a row inserted without one gets one (SQLite cannot add a
-- NOT NULL column without a constant default, so a trigger stands in for it).
ALTER TABLE users ADD COLUMN subject TEXT;
UPDATE users SET subject = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX users_subject ON users (subject);
CREATE TRIGGER users_subject_given AFTER INSERT ON users WHEN NEW.subject IS NULL
BEGIN
    UPDATE users SET subject = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
