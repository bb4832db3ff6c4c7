-- Connection presence: a chats-api instance holds a lease on each user with a socket there,
-- renews it while the socket lives and releases it when the last one closes. A user is
-- connected while any lease on them is unexpired. Every writer locks the user's row first,
-- so the leases of one user change one transaction at a time (see ConnectionPresence in
-- users-api).
CREATE TABLE presence_leases (
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    instance_id text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, instance_id)
);

-- The reaper looks for expired leases.
CREATE INDEX presence_leases_expires_at_idx ON presence_leases (expires_at);
