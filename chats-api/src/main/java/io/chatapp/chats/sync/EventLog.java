package io.chatapp.chats.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chatapp.outbox.Traceparent;
import io.chatapp.servicedefaults.web.ProblemException;
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
	 * now, from the transaction that added them on, and their own removals.
	 * @param userId the reader
	 * @param after the position already seen
	 * @param limit the most events to return
	 * @return the events in order and the position to continue from
	 * @throws ProblemException 400 for a position this database never handed out
	 */
	@Transactional(readOnly = true)
	public Batch read(UUID userId, SyncToken after, int limit) {
		Snapshot snapshot = snapshot();
		if (Long.compareUnsigned(after.txId(), snapshot.xmax()) >= 0) {
			// Ahead of every transaction that ever started here: made up, or from a
			// database
			// restored since; waiting would skip events silently.
			throw ProblemException.invalid("since", "is not a position of this event log; fetch state and start over");
		}
		// Each branch walks an index from the position on: (chat_id, tx_id, id) per chat
		// of the
		// reader, (user_id, tx_id, id) for their removals.
		List<Row> rows = this.jdbc.sql("""
				SELECT tx_id::text AS tx_id, id, payload FROM (
				  SELECT o.tx_id, o.id, o.payload::text AS payload
				  FROM chat_members m JOIN outbox o ON o.chat_id = m.chat_id
				  WHERE m.user_id = :userId AND o.tx_id >= m.joined_tx
				    AND (o.tx_id, o.id) > (CAST(:tx AS xid8), :id) AND o.tx_id < CAST(:watermark AS xid8)
				  UNION ALL
				  SELECT o.tx_id, o.id, o.payload::text
				  FROM outbox o
				  WHERE o.user_id = :userId AND o.event_type = 'chat.member_removed'
				    AND (o.tx_id, o.id) > (CAST(:tx AS xid8), :id) AND o.tx_id < CAST(:watermark AS xid8)
				) visible
				ORDER BY visible.tx_id, visible.id
				LIMIT :limit
				""")
			.param("tx", Long.toUnsignedString(after.txId()))
			.param("id", after.id())
			.param("watermark", Long.toUnsignedString(snapshot.xmin()))
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
			next = SyncToken.below(snapshot.xmin()).max(after);
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
		return SyncToken.below(snapshot().xmin());
	}

	/**
	 * Events read by one sync call.
	 *
	 * @param events the events, oldest first
	 * @param next where the next call continues
	 */
	public record Batch(List<JsonNode> events, SyncToken next) {
	}

	/**
	 * The oldest transaction still running (everything older has finished) and the next
	 * transaction id to be assigned.
	 */
	private Snapshot snapshot() {
		return this.jdbc.sql(
				"SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() s")
			.query((rs, n) -> new Snapshot(Long.parseUnsignedLong(rs.getString("xmin")),
					Long.parseUnsignedLong(rs.getString("xmax"))))
			.single();
	}

	private record Snapshot(long xmin, long xmax) {
	}

	private record Row(long txId, long id, String payload) {
	}

}
