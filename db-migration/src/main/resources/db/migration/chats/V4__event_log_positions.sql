-- chats-api: sync follows commit order, not transaction ids.
--
-- Transaction ids and identity values are drawn before commit, so neither orders commits:
-- a transaction that started first may commit last. Two facts give an exact order instead:
-- 1. Every chat event is written while its transaction holds the chat's row lock, and the
--    event's id is drawn under that lock, so within one chat, id order is commit order.
-- 2. The sequencer gives committed events their log position (log_pos) after the fact, one
--    batch at a time under an advisory lock, in id order. Whatever it has not seen yet
--    committed after what it has, so every later position is new; and a chat's later event
--    can be visible only once its earlier ones are (they released the lock before it took
--    it), so positions keep each chat's order.
-- /api/sync tokens are log positions; the relay publishes in log_pos order too.

ALTER TABLE outbox ADD COLUMN log_pos bigint;

UPDATE outbox SET log_pos = ordered.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM outbox) ordered
WHERE outbox.id = ordered.id;

CREATE UNIQUE INDEX outbox_log_pos_key ON outbox (log_pos);
CREATE INDEX outbox_chat_log_idx ON outbox (chat_id, log_pos);
CREATE INDEX outbox_unsequenced_idx ON outbox (id) WHERE log_pos IS NULL;
DROP INDEX outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON outbox (log_pos) WHERE published_at IS NULL;

-- Who sees which events: a member sees a chat's events from the one that added them
-- (chat.created or chat.member_added) through the one that removed them, both included,
-- bounds being event ids of that chat (so, by fact 1, points in its commit order). Leaving
-- and joining again opens a new interval; the old one stays so the removal still syncs.
CREATE TABLE chat_memberships (
    chat_id      uuid   NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id      uuid   NOT NULL,
    joined_event bigint NOT NULL,
    left_event   bigint,
    PRIMARY KEY (chat_id, user_id, joined_event)
);

CREATE INDEX chat_memberships_user_idx ON chat_memberships (user_id);
CREATE UNIQUE INDEX chat_memberships_open_key ON chat_memberships (chat_id, user_id) WHERE left_event IS NULL;

-- Current members keep what they could see: events from the first one of their joining
-- transaction on (joined_tx '0' for members from before V3: everything).
INSERT INTO chat_memberships (chat_id, user_id, joined_event)
SELECT m.chat_id, m.user_id,
       coalesce((SELECT min(o.id) FROM outbox o WHERE o.chat_id = m.chat_id AND o.tx_id >= m.joined_tx),
                (SELECT coalesce(max(o.id), 0) + 1 FROM outbox o))
FROM chat_members m;

DROP INDEX outbox_chat_sync_idx;
DROP INDEX outbox_user_sync_idx;
ALTER TABLE outbox DROP COLUMN tx_id;
ALTER TABLE chat_members DROP COLUMN joined_tx;
