-- The language of the user's mails ('en', 'de'): set by the admin who created them, then by the
-- user's choice on the language switch.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
-- The IANA time zone times in the user's mails are written in: their browser's at their last
-- sign-in.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
