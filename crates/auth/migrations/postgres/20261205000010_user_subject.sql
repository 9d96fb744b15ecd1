-- The user's stable identifier towards other applications (forward authentication's
-- Remote-User, OpenID Connect's `sub`): random, never reused, and unlike the email never changed.
-- Pforte sets it when it creates a user; a row inserted without one gets one.
ALTER TABLE users ADD COLUMN subject TEXT;
UPDATE users SET subject = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE users ALTER COLUMN subject SET NOT NULL;
ALTER TABLE users ALTER COLUMN subject SET DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX users_subject ON users (subject);
