-- Users, their signing keys and their outgoing events.

CREATE TABLE users (
    id             uuid        PRIMARY KEY,
    -- Stored normalised (trimmed, lower case); the unique indexes below hold even if a writer forgets.
    username       text        NOT NULL CHECK (username ~ '^[a-z0-9_.-]{3,32}$'),
    display_name   text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 64),
    email          text        NOT NULL CHECK (char_length(email) <= 254),
    password_hash  text        NOT NULL,
    avatar_url     text,
    status_message text,
    presence       text        NOT NULL DEFAULT 'offline'
                               CHECK (presence IN ('online', 'away', 'busy', 'offline')),
    last_seen_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
-- Prefix search (LIKE 'abc%') on both names, case-insensitively.
CREATE INDEX users_username_prefix_idx ON users (lower(username) text_pattern_ops);
CREATE INDEX users_display_name_prefix_idx ON users (lower(display_name) text_pattern_ops);

-- Token signing keys, shared by every users-api instance. The newest one signs; all are published.
CREATE TABLE signing_keys (
    kid         text        PRIMARY KEY,
    algorithm   text        NOT NULL,
    private_key bytea       NOT NULL,
    public_key  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox: events are written in the transaction of the change they describe,
-- then published by a relay in id order.
CREATE TABLE outbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    event_type   text        NOT NULL,
    payload      jsonb       NOT NULL,
    traceparent  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
