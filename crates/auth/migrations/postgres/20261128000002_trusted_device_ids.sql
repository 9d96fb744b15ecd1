-- Trusted devices get a numeric id, so that pages can name one device (for "Remove") without
-- showing anything derived from its token.
ALTER TABLE trusted_devices ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;
