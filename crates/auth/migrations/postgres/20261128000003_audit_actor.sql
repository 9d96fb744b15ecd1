-- Who acted, when it is not the user the event is about (an admin creating, inviting, deactivating).
ALTER TABLE audit_events ADD COLUMN actor_id BIGINT;
