-- The language of the user's mails ('en', 'de'): set by the admin who created them, then by the
-- user's choice on the language switch.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
