package io.chatapp.chats.chat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Chats and their members in schema {@code chats}. */
@Repository
public class ChatRepository {

	private static final String CHAT_COLUMNS = "c.id, c.type, c.title, c.created_at, c.created_by, c.last_seq, c.last_activity_at";

	/**
	 * Unread counts stop here: a chat with this many unread messages or more reports this
	 * number (a client shows "999+").
	 */
	static final int UNREAD_CAP = 1000;

	private final JdbcClient jdbc;

	ChatRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insertChat(Chat chat, String directKey) {
		this.jdbc.sql("""
				INSERT INTO chats (id, type, title, created_by, created_at, direct_key, last_activity_at)
				VALUES (:id, :type, :title, :createdBy, :createdAt, :directKey, :createdAt)
				""")
			.param("id", chat.id())
			.param("type", chat.type())
			.param("title", chat.title())
			.param("createdBy", chat.createdBy())
			.param("createdAt", Timestamp.from(chat.createdAt()))
			.param("directKey", directKey)
			.update();
	}

	boolean insertMember(UUID chatId, UUID userId, String role, Instant joinedAt) {
		return this.jdbc.sql("""
				INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:chatId, :userId, :role, :joinedAt)
				ON CONFLICT DO NOTHING
				""")
			.param("chatId", chatId)
			.param("userId", userId)
			.param("role", role)
			.param("joinedAt", Timestamp.from(joinedAt))
			.update() == 1;
	}

	Optional<UUID> findDirect(String directKey) {
		return this.jdbc.sql("SELECT id FROM chats WHERE direct_key = :key")
			.param("key", directKey)
			.query(UUID.class)
			.optional();
	}

	/**
	 * The caller's role in a chat.
	 * @param chatId the chat
	 * @param userId the caller
	 * @return owner, admin or member; empty when not a member (or no such chat)
	 */
	public Optional<String> role(UUID chatId, UUID userId) {
		return this.jdbc.sql("SELECT role FROM chat_members WHERE chat_id = :chatId AND user_id = :userId")
			.param("chatId", chatId)
			.param("userId", userId)
			.query(String.class)
			.optional();
	}

	/**
	 * Locks a chat's row for the rest of the transaction: every change to a chat takes
	 * this lock first, which orders the chat's changes, seqs and events.
	 * @param chatId the chat
	 * @return the chat as locked
	 */
	public Optional<Chat> lock(UUID chatId) {
		return this.jdbc.sql("SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = :id FOR UPDATE")
			.param("id", chatId)
			.query(ChatRepository::mapChat)
			.optional();
	}

	Optional<Chat> find(UUID chatId) {
		return this.jdbc.sql("SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.id = :id")
			.param("id", chatId)
			.query(ChatRepository::mapChat)
			.optional();
	}

	/**
	 * A page of the user's chats, most recent activity first, after a keyset cursor.
	 * @param userId the member
	 * @param after the cursor position, or null for the first page
	 * @param limit the page size
	 * @return the chats with the user's read marker
	 */
	List<MemberChat> pageFor(UUID userId, ChatCursor after, int limit) {
		String keyset = (after != null) ? "AND (c.last_activity_at, c.id) < (:activity, :afterId)" : "";
		JdbcClient.StatementSpec spec = this.jdbc.sql("""
				SELECT %s, m.read_seq FROM chat_members m JOIN chats c ON c.id = m.chat_id
				WHERE m.user_id = :userId %s
				ORDER BY c.last_activity_at DESC, c.id DESC
				LIMIT :limit
				""".formatted(CHAT_COLUMNS, keyset)).param("userId", userId).param("limit", limit);
		if (after != null) {
			spec = spec.param("activity", Timestamp.from(after.lastActivityAt())).param("afterId", after.chatId());
		}
		return spec.query((rs, n) -> new MemberChat(mapChat(rs, n), rs.getLong("read_seq"))).list();
	}

	long readSeq(UUID chatId, UUID userId) {
		return this.jdbc.sql("SELECT read_seq FROM chat_members WHERE chat_id = :chatId AND user_id = :userId")
			.param("chatId", chatId)
			.param("userId", userId)
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	Map<UUID, List<ChatResponses.Member>> members(Collection<UUID> chatIds) {
		Map<UUID, List<ChatResponses.Member>> members = new LinkedHashMap<>();
		chatIds.forEach((id) -> members.put(id, new ArrayList<>()));
		if (chatIds.isEmpty()) {
			return members;
		}
		this.jdbc.sql("""
				SELECT chat_id, user_id, role, joined_at FROM chat_members WHERE chat_id = ANY(:ids)
				ORDER BY joined_at, user_id
				""").param("ids", chatIds.toArray(UUID[]::new)).query((rs) -> {
			members.get(rs.getObject("chat_id", UUID.class))
				.add(new ChatResponses.Member(rs.getObject("user_id", UUID.class), rs.getString("role"),
						rs.getTimestamp("joined_at").toInstant()));
		});
		return members;
	}

	/**
	 * Unread messages per chat: from others, not deleted, after the user's read marker;
	 * counted exactly up to {@link #UNREAD_CAP}, which stands for "that many or more".
	 * Each chat reads at most that many rows through the (chat_id, seq) primary key from
	 * the marker on, so a deep backlog costs no more than a shallow one; all chats of a
	 * page are counted in one query.
	 * @param userId the reader
	 * @param chatIds the chats
	 * @return counts by chat (absent means zero)
	 */
	Map<UUID, Long> unreadCounts(UUID userId, Collection<UUID> chatIds) {
		Map<UUID, Long> counts = new LinkedHashMap<>();
		if (chatIds.isEmpty()) {
			return counts;
		}
		this.jdbc
			.sql("""
					SELECT m.chat_id, unread.n
					FROM chat_members m
					CROSS JOIN LATERAL (
					  SELECT count(*) AS n FROM (
					    SELECT 1 FROM messages msg
					    WHERE msg.chat_id = m.chat_id AND msg.seq > m.read_seq AND msg.sender_id <> :userId AND NOT msg.deleted
					    LIMIT :cap) capped) unread
					WHERE m.user_id = :userId AND m.chat_id = ANY(:ids) AND unread.n > 0
					""")
			.param("userId", userId)
			.param("ids", chatIds.toArray(UUID[]::new))
			.param("cap", UNREAD_CAP)
			.query((rs) -> {
				counts.put(rs.getObject("chat_id", UUID.class), rs.getLong("n"));
			});
		return counts;
	}

	int memberCount(UUID chatId) {
		return this.jdbc.sql("SELECT count(*) FROM chat_members WHERE chat_id = :chatId")
			.param("chatId", chatId)
			.query(Integer.class)
			.single();
	}

	/**
	 * Makes the longest-standing admin, else the longest-standing member, the owner.
	 * @param chatId the chat, locked by the caller
	 * @return the new owner, empty when nobody is left
	 */
	Optional<UUID> promoteSuccessor(UUID chatId) {
		return this.jdbc.sql("""
				UPDATE chat_members SET role = 'owner'
				WHERE (chat_id, user_id) = (
				  SELECT chat_id, user_id FROM chat_members WHERE chat_id = :chatId
				  ORDER BY role = 'admin' DESC, joined_at, user_id LIMIT 1)
				RETURNING user_id
				""").param("chatId", chatId).query(UUID.class).optional();
	}

	int removeMember(UUID chatId, UUID userId) {
		return this.jdbc.sql("DELETE FROM chat_members WHERE chat_id = :chatId AND user_id = :userId")
			.param("chatId", chatId)
			.param("userId", userId)
			.update();
	}

	/**
	 * Moves a read marker forward (never backwards).
	 * @param chatId the chat
	 * @param userId the reader
	 * @param seq the seq read up to
	 * @return true if the marker moved
	 */
	public boolean advanceReadSeq(UUID chatId, UUID userId, long seq) {
		return this.jdbc.sql("""
				UPDATE chat_members SET read_seq = :seq
				WHERE chat_id = :chatId AND user_id = :userId AND read_seq < :seq
				""").param("chatId", chatId).param("userId", userId).param("seq", seq).update() == 1;
	}

	static Chat mapChat(ResultSet rs, int row) throws SQLException {
		return new Chat(rs.getObject("id", UUID.class), rs.getString("type"), rs.getString("title"),
				rs.getTimestamp("created_at").toInstant(), rs.getObject("created_by", UUID.class),
				rs.getLong("last_seq"), rs.getTimestamp("last_activity_at").toInstant());
	}

	/**
	 * A chat as stored.
	 *
	 * @param id chat id
	 * @param type direct or group
	 * @param title group title
	 * @param createdAt creation time
	 * @param createdBy creator
	 * @param lastSeq newest message seq
	 * @param lastActivityAt last message or change
	 */
	public record Chat(UUID id, String type, String title, Instant createdAt, UUID createdBy, long lastSeq,
			Instant lastActivityAt) {

		public boolean isDirect() {
			return "direct".equals(this.type);
		}

	}

	record MemberChat(Chat chat, long readSeq) {
	}

}
