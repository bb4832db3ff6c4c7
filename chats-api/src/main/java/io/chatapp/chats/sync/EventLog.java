package io.chatapp.chats.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chatapp.outbox.Traceparent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The chats event log: events are recorded in the transaction of their change (so an
 * event exists if and only if its change committed) and serve two readers: the outbox
 * relay, which publishes them to {@code chat.events}, and {@code /api/sync}.
 *
 * <p>
 * Sync reads in (transaction id, id) order, and only events of transactions older than
 * the oldest one still running. Such a transaction can no longer commit, so nothing can
 * appear behind a position once it has been returned: a late commit is never skipped, and
 * a position is never returned twice.
 */
@Component
public class EventLog {

	private final JdbcClient jdbc;

	private final JsonMapper jsonMapper;

	EventLog(JdbcClient jdbc, JsonMapper jsonMapper) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Records a chat event inside the caller's transaction.
	 * @param event the event
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void record(ChatEvent event) {
		this.jdbc.sql("""
				INSERT INTO outbox (event_id, topic, event_key, event_type, chat_id, user_id, payload, traceparent)
				VALUES (:eventId, :topic, :key, :type, :chatId, :userId, CAST(:payload AS jsonb), :traceparent)
				""")
			.param("eventId", event.id())
			.param("topic", ChatEvent.TOPIC)
			.param("key", event.chatId().toString())
			.param("type", event.type())
			.param("chatId", event.chatId())
			.param("userId", event.userId())
			.param("payload", this.jsonMapper.writeValueAsString(event))
			.param("traceparent", Traceparent.current())
			.update();
	}

	/**
	 * Events visible to a user after a position: those of the chats they are a member of
	 * now, and their own removals.
	 * @param userId the reader
	 * @param after the position already seen
	 * @param limit the most events to return
	 * @return the events in order and the position to continue from
	 */
	@Transactional(readOnly = true)
	public Batch read(UUID userId, SyncToken after, int limit) {
		String watermark = watermark();
		List<Row> rows = this.jdbc.sql("""
				SELECT o.tx_id::text AS tx_id, o.id, o.payload::text AS payload
				FROM outbox o
				WHERE (o.tx_id, o.id) > (CAST(:tx AS xid8), :id)
				  AND o.tx_id < CAST(:watermark AS xid8)
				  AND (o.chat_id IN (SELECT m.chat_id FROM chat_members m WHERE m.user_id = :userId)
				       OR (o.user_id = :userId AND o.event_type = 'chat.member_removed'))
				ORDER BY o.tx_id, o.id
				LIMIT :limit
				""")
			.param("tx", Long.toUnsignedString(after.txId()))
			.param("id", after.id())
			.param("watermark", watermark)
			.param("userId", userId)
			.param("limit", limit)
			.query((rs, n) -> new Row(Long.parseUnsignedLong(rs.getString("tx_id")), rs.getLong("id"),
					rs.getString("payload")))
			.list();
		List<JsonNode> events = new ArrayList<>(rows.size());
		rows.forEach((row) -> events.add(this.jsonMapper.readTree(row.payload())));
		SyncToken next;
		if (rows.size() == limit) {
			Row last = rows.get(rows.size() - 1);
			next = new SyncToken(last.txId(), last.id());
		}
		else {
			// Everything below the watermark has been read: continue from just below it.
			next = SyncToken.below(Long.parseUnsignedLong(watermark)).max(after);
		}
		return new Batch(events, next);
	}

	/**
	 * The position of "now": events of transactions that have not finished yet come after
	 * it.
	 * @return a fresh token
	 */
	@Transactional(readOnly = true)
	public SyncToken now() {
		String watermark = watermark();
		return SyncToken.below(Long.parseUnsignedLong(watermark));
	}

	/**
	 * Events read by one sync call.
	 *
	 * @param events the events, oldest first
	 * @param next where the next call continues
	 */
	public record Batch(List<JsonNode> events, SyncToken next) {
	}

	/** The oldest transaction still running: everything older has finished. */
	private String watermark() {
		return this.jdbc.sql("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").query(String.class).single();
	}

	private record Row(long txId, long id, String payload) {
	}

}
