-- Chats, members, messages and the event log; plus the tables chats-worker owns.
-- chats-api and chats-worker are one service (schema chats, role chats_app) in two processes.

CREATE TABLE chats (
    id               uuid        PRIMARY KEY,
    type             text        NOT NULL CHECK (type IN ('direct', 'group')),
    title            text        CHECK (char_length(title) <= 200),
    created_by       uuid        NOT NULL,
    created_at       timestamptz NOT NULL,
    -- 'userA:userB' (smaller id first) for direct chats: one direct chat per pair of users.
    direct_key       text        UNIQUE,
    -- Last assigned message seq. Sends increment it under the row lock, so seqs are gapless
    -- and assigned in commit order per chat.
    last_seq         bigint      NOT NULL DEFAULT 0,
    last_activity_at timestamptz NOT NULL
);

CREATE TABLE chat_members (
    chat_id   uuid        NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id   uuid        NOT NULL,
    role      text        NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at timestamptz NOT NULL,
    -- Read marker: the highest seq the member has read. Never moves backwards.
    read_seq  bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, user_id)
);

CREATE INDEX chat_members_user_idx ON chat_members (user_id, chat_id);

CREATE TABLE messages (
    chat_id           uuid        NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq               bigint      NOT NULL,
    id                uuid        NOT NULL UNIQUE,
    sender_id         uuid        NOT NULL,
    client_message_id text        CHECK (char_length(client_message_id) <= 100),
    content           text        NOT NULL,
    reply_to_seq      bigint,
    sent_at           timestamptz NOT NULL,
    edited_at         timestamptz,
    deleted           boolean     NOT NULL DEFAULT false,
    search_vector     tsvector    GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
    PRIMARY KEY (chat_id, seq)
);

-- Idempotent sends: one message per (sender, clientMessageId), forever, whichever instance.
CREATE UNIQUE INDEX messages_idempotency_key ON messages (sender_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
CREATE INDEX messages_search_idx ON messages USING gin (search_vector);

CREATE TABLE reactions (
    chat_id    uuid        NOT NULL,
    seq        bigint      NOT NULL,
    emoji      text        NOT NULL CHECK (char_length(emoji) BETWEEN 1 AND 32),
    user_id    uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (chat_id, seq, emoji, user_id),
    FOREIGN KEY (chat_id, seq) REFERENCES messages (chat_id, seq) ON DELETE CASCADE
);

-- Event log: every chat-scoped and user-scoped event, written in the transaction of its
-- change. It is both the outbox the relay publishes to Kafka from (published_at) and the
-- source of /api/sync, which reads in (tx_id, id) order below the oldest running
-- transaction, so a late commit is never skipped.
CREATE TABLE outbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx_id        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    event_type   text        NOT NULL,
    chat_id      uuid,
    user_id      uuid,
    payload      jsonb       NOT NULL,
    traceparent  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_chat_sync_idx ON outbox (chat_id, tx_id, id);
CREATE INDEX outbox_user_sync_idx ON outbox (user_id, tx_id, id) WHERE user_id IS NOT NULL;

-- Owned by chats-worker --------------------------------------------------------------

-- Profiles replicated from user.events, so chat reads never call users-api.
CREATE TABLE user_profiles (
    user_id      uuid        PRIMARY KEY,
    username     text        NOT NULL,
    display_name text        NOT NULL,
    avatar_url   text,
    presence     text        NOT NULL DEFAULT 'offline',
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX user_profiles_username_idx ON user_profiles (lower(username));

CREATE TABLE notifications (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('mention', 'direct_message')),
    chat_id      uuid        NOT NULL,
    seq          bigint      NOT NULL,
    from_user_id uuid        NOT NULL,
    preview      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    read         boolean     NOT NULL DEFAULT false,
    UNIQUE (user_id, chat_id, seq, kind)
);

CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);

-- Consumers apply each event once: the event id is recorded with the change it caused.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
