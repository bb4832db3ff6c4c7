package io.chatapp.chats.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.chatapp.outbox.Traceparent;
import io.chatapp.servicedefaults.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The chats event log: events are recorded in the transaction of their change (so an
 * event exists if and only if its change committed) and serve two readers: the outbox
 * relay, which publishes them to {@code chat.events}, and {@code /api/sync}.
 *
 * <p>
 * <b>Order.</b> Every chat event is recorded while its transaction holds the chat's row
 * lock, so within a chat, event ids follow commit order. Once committed, the
 * {@link EventSequencer} gives each event its log position, in an order that keeps every
 * chat's order and only ever grows. Sync tokens are log positions: nothing can appear
 * behind a position once it has been returned, so a late commit is never skipped and no
 * event is returned twice.
 *
 * <p>
 * <b>Visibility.</b> A member sees a chat's events from the event that added them through
 * the one that removed them (both included), interval bounds being event ids of that chat
 * and so points in its commit order: exactly the events committed while a member.
 */
@Component
public class EventLog {

	private final JdbcClient jdbc;

	private final JsonMapper jsonMapper;

	private final EventSequencer sequencer;

	EventLog(JdbcClient jdbc, JsonMapper jsonMapper, EventSequencer sequencer) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
		this.sequencer = sequencer;
	}

	/**
	 * Records a chat event inside the caller's transaction, which must hold the chat's
	 * row lock (or have created the chat).
	 * @param event the event
	 * @return the event's id in the log
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public long record(ChatEvent event) {
		long id = this.jdbc.sql("""
				INSERT INTO outbox (event_id, topic, event_key, event_type, chat_id, user_id, payload, traceparent)
				VALUES (:eventId, :topic, :key, :type, :chatId, :userId, CAST(:payload AS jsonb), :traceparent)
				RETURNING id
				""")
			.param("eventId", event.id())
			.param("topic", ChatEvent.TOPIC)
			.param("key", event.chatId().toString())
			.param("type", event.type())
			.param("chatId", event.chatId())
			.param("userId", event.userId())
			.param("payload", this.jsonMapper.writeValueAsString(event))
			.param("traceparent", Traceparent.current())
			.query(Long.class)
			.single();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					EventLog.this.sequencer.wakeUp();
				}
			});
		}
		return id;
	}

	/**
	 * Records an event that makes users members of a chat ({@code chat.created},
	 * {@code chat.member_added}): they see the chat's events from this one on.
	 * @param event the event
	 * @param members the users who became members
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void recordJoin(ChatEvent event, Collection<UUID> members) {
		long id = record(event);
		for (UUID member : members) {
			this.jdbc.sql("""
					INSERT INTO chat_memberships (chat_id, user_id, joined_event) VALUES (:chatId, :userId, :id)
					""").param("chatId", event.chatId()).param("userId", member).param("id", id).update();
		}
	}

	/**
	 * Records the event that removes a member ({@code chat.member_removed}): the last of
	 * the chat's events they see.
	 * @param event the event
	 * @param member the user who left or was removed
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void recordLeave(ChatEvent event, UUID member) {
		long id = record(event);
		this.jdbc.sql("""
				UPDATE chat_memberships SET left_event = :id
				WHERE chat_id = :chatId AND user_id = :userId AND left_event IS NULL
				""").param("chatId", event.chatId()).param("userId", member).param("id", id).update();
	}

	/**
	 * Events visible to a user after a position, in log order.
	 * @param userId the reader
	 * @param after the position already seen
	 * @param limit the most events to return
	 * @return the events in order and the position to continue from
	 * @throws ProblemException 400 for a position this log never handed out
	 */
	@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
	public Batch read(UUID userId, SyncToken after, int limit) {
		// One snapshot for both statements: every position up to the head is visible in
		// it (the sequencer commits its batches in order), so the head is a safe
		// position to continue from.
		long head = head();
		if (after.position() > head) {
			// Ahead of the log: made up, or from a database restored since; waiting
			// would skip events silently.
			throw ProblemException.invalid("since", "is not a position of this event log; fetch state and start over");
		}
		// Per membership interval still relevant after the position, the chat's index
		// (chat_id, log_pos) is walked from the position, at most `limit` rows each.
		List<Row> rows = this.jdbc.sql("""
				SELECT e.log_pos, e.payload
				FROM chat_memberships m
				LEFT JOIN outbox leaving ON leaving.id = m.left_event
				CROSS JOIN LATERAL (
				  SELECT o.log_pos, o.payload::text AS payload
				  FROM outbox o
				  WHERE o.chat_id = m.chat_id
				    AND o.log_pos > :after
				    AND o.log_pos <= coalesce(leaving.log_pos, 9223372036854775807)
				    AND o.id >= m.joined_event
				    AND (m.left_event IS NULL OR o.id <= m.left_event)
				  ORDER BY o.log_pos
				  LIMIT :limit
				) e
				WHERE m.user_id = :userId
				  AND (leaving.log_pos IS NULL OR leaving.log_pos > :after)
				ORDER BY e.log_pos
				LIMIT :limit
				""")
			.param("after", after.position())
			.param("userId", userId)
			.param("limit", limit)
			.query((rs, n) -> new Row(rs.getLong("log_pos"), rs.getString("payload")))
			.list();
		List<JsonNode> events = new ArrayList<>(rows.size());
		rows.forEach((row) -> events.add(this.jsonMapper.readTree(row.payload())));
		SyncToken next = (rows.size() == limit) ? new SyncToken(rows.get(rows.size() - 1).position())
				: new SyncToken(head).max(after);
		return new Batch(events, next);
	}

	/**
	 * The position of "now": events not yet in the log come after it.
	 * @return a fresh token
	 */
	@Transactional(readOnly = true)
	public SyncToken now() {
		return new SyncToken(head());
	}

	private long head() {
		return this.jdbc.sql("SELECT coalesce(max(log_pos), 0) FROM outbox").query(Long.class).single();
	}

	/**
	 * Events read by one sync call.
	 *
	 * @param events the events, oldest first
	 * @param next where the next call continues
	 */
	public record Batch(List<JsonNode> events, SyncToken next) {
	}

	private record Row(long position, String payload) {
	}

}
