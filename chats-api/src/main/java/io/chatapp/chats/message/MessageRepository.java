package io.chatapp.chats.message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Messages and reactions in schema {@code chats}, keyed by (chat_id, seq). */
@Repository
public class MessageRepository {

	private static final String COLUMNS = "chat_id, seq, id, sender_id, client_message_id, content, reply_to_seq, sent_at, edited_at, deleted";

	/**
	 * Up to this many estimated matches, search reads every match from the GIN index
	 * (about as costly as walking 5,000 rows); above it, it walks the newest messages.
	 */
	static final long FEW_MATCHES = 5_000;

	private static final Pattern PLANNED_ROWS = Pattern.compile("rows=(\\d+)");

	private final JdbcClient jdbc;

	private final long fewMatches;

	@Autowired
	MessageRepository(JdbcClient jdbc) {
		this(jdbc, FEW_MATCHES);
	}

	/** With another threshold, so that tests can take either way of searching. */
	MessageRepository(JdbcClient jdbc, long fewMatches) {
		this.jdbc = jdbc;
		this.fewMatches = fewMatches;
	}

	/**
	 * Stores a chat's next message in one statement: the chat's last seq and activity
	 * time move to it, and the sender's read marker too (sending implies having read
	 * everything up to one's own message). The caller holds the chat's lock, so
	 * {@code message.seq()} is the chat's last seq plus one.
	 * @param message the message
	 * @throws org.springframework.dao.DuplicateKeyException when the sender already used
	 * the message's {@code clientMessageId}
	 */
	void insertNext(MessageResponse message) {
		this.jdbc.sql("""
				WITH chat AS (
				  UPDATE chats SET last_seq = :seq, last_activity_at = :sentAt WHERE id = :chatId
				), sender AS (
				  UPDATE chat_members SET read_seq = :seq
				  WHERE chat_id = :chatId AND user_id = :senderId AND read_seq < :seq
				)
				INSERT INTO messages (chat_id, seq, id, sender_id, client_message_id, content, reply_to_seq, sent_at)
				VALUES (:chatId, :seq, :id, :senderId, :clientMessageId, :content, :replyToSeq, :sentAt)
				""")
			.param("chatId", message.chatId())
			.param("seq", message.seq())
			.param("id", message.id())
			.param("senderId", message.senderId())
			.param("clientMessageId", message.clientMessageId())
			.param("content", message.content())
			.param("replyToSeq", message.replyToSeq())
			.param("sentAt", Timestamp.from(message.sentAt()))
			.update();
	}

	Optional<MessageResponse> findByClientMessageId(UUID senderId, String clientMessageId) {
		return this.jdbc
			.sql("SELECT " + COLUMNS
					+ " FROM messages WHERE sender_id = :senderId AND client_message_id = :clientMessageId")
			.param("senderId", senderId)
			.param("clientMessageId", clientMessageId)
			.query(MessageRepository::map)
			.optional()
			.map(this::withReactions);
	}

	Optional<MessageResponse> find(UUID chatId, long seq) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE chat_id = :chatId AND seq = :seq")
			.param("chatId", chatId)
			.param("seq", seq)
			.query(MessageRepository::map)
			.optional()
			.map(this::withReactions);
	}

	/**
	 * One page of history by keyset on the primary key (chat_id, seq): the same cost at
	 * any depth.
	 * @param chatId the chat
	 * @param before newest first, below this seq (null: from the newest)
	 * @param after oldest first, above this seq (null: not set)
	 * @param limit page size; one more row is read to tell whether there is more
	 * @return the messages, and whether more exist in that direction
	 */
	MessagePage page(UUID chatId, Long before, Long after, int limit) {
		String sql;
		JdbcClient.StatementSpec spec;
		if (after != null) {
			sql = "SELECT " + COLUMNS
					+ " FROM messages WHERE chat_id = :chatId AND seq > :after ORDER BY seq ASC LIMIT :limit";
			spec = this.jdbc.sql(sql).param("after", after);
		}
		else if (before != null) {
			sql = "SELECT " + COLUMNS
					+ " FROM messages WHERE chat_id = :chatId AND seq < :before ORDER BY seq DESC LIMIT :limit";
			spec = this.jdbc.sql(sql).param("before", before);
		}
		else {
			sql = "SELECT " + COLUMNS + " FROM messages WHERE chat_id = :chatId ORDER BY seq DESC LIMIT :limit";
			spec = this.jdbc.sql(sql);
		}
		List<MessageResponse> rows = new ArrayList<>(
				spec.param("chatId", chatId).param("limit", limit + 1).query(MessageRepository::map).list());
		boolean hasMore = rows.size() > limit;
		if (hasMore) {
			rows.remove(rows.size() - 1);
		}
		return new MessagePage(withReactions(rows), hasMore);
	}

	/**
	 * The newest message of each chat.
	 * @param lastSeqs chat id to its last seq
	 * @return chat id to message (chats without messages are absent)
	 */
	public Map<UUID, MessageResponse> lastMessages(Map<UUID, Long> lastSeqs) {
		Map<UUID, MessageResponse> result = new LinkedHashMap<>();
		List<UUID> chats = new ArrayList<>();
		List<Long> seqs = new ArrayList<>();
		lastSeqs.forEach((chatId, seq) -> {
			if (seq > 0) {
				chats.add(chatId);
				seqs.add(seq);
			}
		});
		if (chats.isEmpty()) {
			return result;
		}
		List<MessageResponse> last = this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM messages
				WHERE (chat_id, seq) IN (SELECT * FROM unnest(CAST(:chats AS uuid[]), CAST(:seqs AS bigint[])))
				""")
			.param("chats", chats.toArray(UUID[]::new))
			.param("seqs", seqs.toArray(Long[]::new))
			.query(MessageRepository::map)
			.list();
		withReactions(last).forEach((message) -> result.put(message.chatId(), message));
		return result;
	}

	int updateContent(UUID chatId, long seq, String content, Instant editedAt) {
		return this.jdbc.sql("""
				UPDATE messages SET content = :content, edited_at = :editedAt
				WHERE chat_id = :chatId AND seq = :seq AND NOT deleted
				""")
			.param("chatId", chatId)
			.param("seq", seq)
			.param("content", content)
			.param("editedAt", Timestamp.from(editedAt))
			.update();
	}

	int markDeleted(UUID chatId, long seq) {
		this.jdbc.sql("DELETE FROM reactions WHERE chat_id = :chatId AND seq = :seq")
			.param("chatId", chatId)
			.param("seq", seq)
			.update();
		return this.jdbc.sql("""
				UPDATE messages SET content = '', deleted = true WHERE chat_id = :chatId AND seq = :seq AND NOT deleted
				""").param("chatId", chatId).param("seq", seq).update();
	}

	boolean addReaction(UUID chatId, long seq, String emoji, UUID userId, Instant at) {
		return this.jdbc
			.sql("""
					INSERT INTO reactions (chat_id, seq, emoji, user_id, created_at) VALUES (:chatId, :seq, :emoji, :userId, :at)
					ON CONFLICT DO NOTHING
					""")
			.param("chatId", chatId)
			.param("seq", seq)
			.param("emoji", emoji)
			.param("userId", userId)
			.param("at", Timestamp.from(at))
			.update() == 1;
	}

	boolean removeReaction(UUID chatId, long seq, String emoji, UUID userId) {
		return this.jdbc.sql("""
				DELETE FROM reactions WHERE chat_id = :chatId AND seq = :seq AND emoji = :emoji AND user_id = :userId
				""")
			.param("chatId", chatId)
			.param("seq", seq)
			.param("emoji", emoji)
			.param("userId", userId)
			.update() == 1;
	}

	/**
	 * Full-text search over the messages of the user's chats, newest first. A search
	 * takes one of two ways, by PostgreSQL's estimate of how many messages match (from
	 * the statistics of the search column, without running the search):
	 * <ul>
	 * <li>few matches: every match, read through the GIN index, then those in the user's
	 * chats, sorted. Its cost grows with the number of matches, so it is kept for rare
	 * words;</li>
	 * <li>many matches: each chat walked backwards through the (chat_id, seq) primary key
	 * until {@code limit} matches, then the newest of those across chats. A common word
	 * stops after a few rows; a rare one would read the whole chat.</li>
	 * </ul>
	 * PostgreSQL cannot make this choice itself: it plans a query once for all the user's
	 * chats from average chat sizes, and chat sizes are skewed. For the same reason the
	 * walk is fenced ({@code OFFSET 0} keeps the word's condition out of the scan), or
	 * the planner intersects the GIN index with a bitmap of every message of each chat, a
	 * million entries for a big one.
	 * @param userId the searcher
	 * @param query words, in web-search syntax
	 * @param chatId only this chat, or null for all the user's chats
	 * @param limit the most results
	 * @return matching messages, newest first
	 */
	List<MessageResponse> search(UUID userId, String query, UUID chatId, int limit) {
		String chatFilter = (chatId != null) ? "AND cm.chat_id = :chatId" : "";
		String sql = (estimatedMatches(query) <= this.fewMatches) ? """
				WITH hits AS MATERIALIZED (
				  SELECT chat_id, seq, sent_at FROM messages
				  WHERE search_vector @@ websearch_to_tsquery('simple', :query) AND NOT deleted),
				newest AS (
				  SELECT h.chat_id, h.seq, h.sent_at FROM hits h
				  JOIN chat_members cm ON cm.chat_id = h.chat_id AND cm.user_id = :userId %2$s
				  ORDER BY h.sent_at DESC, h.chat_id, h.seq DESC
				  LIMIT :limit)
				SELECT %1$s FROM newest n JOIN messages m ON m.chat_id = n.chat_id AND m.seq = n.seq
				ORDER BY n.sent_at DESC, n.chat_id, n.seq DESC
				""".formatted(prefixed(), chatFilter) : """
				SELECT %1$s FROM chat_members cm
				CROSS JOIN LATERAL (
				  SELECT recent.* FROM (
				    SELECT %1$s, m.search_vector FROM messages m
				    WHERE m.chat_id = cm.chat_id AND NOT m.deleted
				    ORDER BY m.seq DESC
				    OFFSET 0) recent
				  WHERE recent.search_vector @@ websearch_to_tsquery('simple', :query)
				  LIMIT :limit) m
				WHERE cm.user_id = :userId %2$s
				ORDER BY m.sent_at DESC, m.chat_id, m.seq DESC
				LIMIT :limit
				""".formatted(prefixed(), chatFilter);
		JdbcClient.StatementSpec spec = this.jdbc.sql(sql)
			.param("userId", userId)
			.param("query", query)
			.param("limit", limit);
		if (chatId != null) {
			spec = spec.param("chatId", chatId);
		}
		return withReactions(spec.query(MessageRepository::map).list());
	}

	/**
	 * How many messages PostgreSQL expects to match, over all chats: the row estimate of
	 * a plan, which costs a fraction of a millisecond.
	 */
	private long estimatedMatches(String query) {
		String top = this.jdbc
			.sql("EXPLAIN SELECT 1 FROM messages WHERE search_vector @@ websearch_to_tsquery('simple', :query)")
			.param("query", query)
			.query(String.class)
			.list()
			.get(0);
		Matcher rows = PLANNED_ROWS.matcher(top);
		return rows.find() ? Long.parseLong(rows.group(1)) : Long.MAX_VALUE;
	}

	private static String prefixed() {
		return "m." + COLUMNS.replace(", ", ", m.");
	}

	private MessageResponse withReactions(MessageResponse message) {
		return withReactions(List.of(message)).get(0);
	}

	/**
	 * Adds each message's reactions, read in one query for all of them.
	 * @param messages messages of any chats
	 * @return the same messages, in the same order, with their reactions
	 */
	private List<MessageResponse> withReactions(List<MessageResponse> messages) {
		if (messages.isEmpty()) {
			return messages;
		}
		Map<String, Map<String, List<UUID>>> byMessage = new LinkedHashMap<>();
		this.jdbc.sql("""
				SELECT chat_id, seq, emoji, user_id FROM reactions
				WHERE (chat_id, seq) IN (SELECT * FROM unnest(CAST(:chats AS uuid[]), CAST(:seqs AS bigint[])))
				ORDER BY created_at, user_id
				""")
			.param("chats", messages.stream().map(MessageResponse::chatId).toArray(UUID[]::new))
			.param("seqs", messages.stream().map(MessageResponse::seq).toArray(Long[]::new))
			.query((rs) -> {
				byMessage
					.computeIfAbsent(key(rs.getObject("chat_id", UUID.class), rs.getLong("seq")),
							(k) -> new TreeMap<>())
					.computeIfAbsent(rs.getString("emoji"), (e) -> new ArrayList<>())
					.add(rs.getObject("user_id", UUID.class));
			});
		return messages.stream()
			.map((m) -> m.withReactions(byMessage.getOrDefault(key(m.chatId(), m.seq()), Map.of())))
			.toList();
	}

	private static String key(UUID chatId, long seq) {
		return chatId + "/" + seq;
	}

	static MessageResponse map(ResultSet rs, int row) throws SQLException {
		long replyTo = rs.getLong("reply_to_seq");
		Long replyToSeq = rs.wasNull() ? null : replyTo;
		Timestamp editedAt = rs.getTimestamp("edited_at");
		return new MessageResponse(rs.getObject("id", UUID.class), rs.getObject("chat_id", UUID.class),
				rs.getLong("seq"), rs.getObject("sender_id", UUID.class), rs.getString("content"),
				rs.getString("client_message_id"), replyToSeq, rs.getTimestamp("sent_at").toInstant(),
				(editedAt != null) ? editedAt.toInstant() : null, rs.getBoolean("deleted"), Map.of());
	}

	/**
	 * A page of history.
	 *
	 * @param items the messages
	 * @param hasMore whether more exist in the same direction
	 */
	record MessagePage(List<MessageResponse> items, boolean hasMore) {
	}

}
