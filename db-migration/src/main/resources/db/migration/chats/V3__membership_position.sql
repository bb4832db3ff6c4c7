-- chats-api: a member sees a chat's events from the transaction that added them on, not the
-- chat's earlier history (which may hold text that was since edited or deleted).
-- Members that exist already keep seeing everything, as before.
ALTER TABLE chat_members ADD COLUMN joined_tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE chat_members ALTER COLUMN joined_tx SET DEFAULT pg_current_xact_id();
