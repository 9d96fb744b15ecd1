-- The user's stable identifier towards other applications (forward authentication's
-- Remote-User, OpenID Connect's `sub`): random, never reused, and unlike the email never changed.
ALTER TABLE users ADD COLUMN subject TEXT;
UPDATE users SET subject = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX users_subject ON users (subject);
