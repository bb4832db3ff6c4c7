package io.chatapp.chats;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Repository tests' access to the migrated test database as {@code chats_app}, with
 * helpers that write chats, members and messages directly, in bulk where a test needs
 * many.
 */
public final class ChatsDatabase {

	private final JdbcClient jdbc;

	public ChatsDatabase() {
		EmbeddedPostgresServer server = ChatsTestSupport.database();
		DataSource dataSource = new DriverManagerDataSource(server.jdbcUrl(), "chats_app", "chats_app_test");
		this.jdbc = JdbcClient.create(dataSource);
	}

	public JdbcClient jdbc() {
		return this.jdbc;
	}

	/** A new group chat with the given members, all with read marker 0. */
	public UUID chat(UUID... members) {
		UUID id = UUID.randomUUID();
		Timestamp now = Timestamp.from(Instant.now());
		this.jdbc.sql("""
				INSERT INTO chats (id, type, title, created_by, created_at, last_activity_at)
				VALUES (:id, 'group', 'test', :by, :now, :now)
				""").param("id", id).param("by", members[0]).param("now", now).update();
		for (UUID member : members) {
			this.jdbc
				.sql("""
						INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:chatId, :userId, 'member', :now)
						""")
				.param("chatId", id)
				.param("userId", member)
				.param("now", now)
				.update();
		}
		return id;
	}

	/**
	 * Appends {@code count} messages with the same content to a chat, one second apart,
	 * the last one sent at {@code lastSentAt}.
	 * @return the seq of the last one
	 */
	public long messages(UUID chatId, UUID senderId, int count, String content, Instant lastSentAt) {
		return this.jdbc
			.sql("""
					WITH next AS (UPDATE chats SET last_seq = last_seq + :count WHERE id = :chatId RETURNING last_seq)
					INSERT INTO messages (chat_id, seq, id, sender_id, content, sent_at)
					SELECT CAST(:chatId AS uuid), next.last_seq - :count + n, gen_random_uuid(), CAST(:senderId AS uuid), CAST(:content AS text),
					       CAST(:lastSentAt AS timestamptz) - make_interval(secs => :count - n)
					FROM next, generate_series(1, CAST(:count AS int)) n
					RETURNING seq
					""")
			.param("chatId", chatId)
			.param("senderId", senderId)
			.param("count", count)
			.param("content", content)
			.param("lastSentAt", Timestamp.from(lastSentAt))
			.query(Long.class)
			.list()
			.stream()
			.mapToLong(Long::longValue)
			.max()
			.orElseThrow();
	}

	/** One message, sent at the given time; returns its seq. */
	public long message(UUID chatId, UUID senderId, String content, Instant sentAt) {
		return messages(chatId, senderId, 1, content, sentAt);
	}

	public void delete(UUID chatId, long seq) {
		this.jdbc.sql("UPDATE messages SET content = '', deleted = true WHERE chat_id = :chatId AND seq = :seq")
			.param("chatId", chatId)
			.param("seq", seq)
			.update();
	}

	public void read(UUID chatId, UUID userId, long seq) {
		this.jdbc.sql("UPDATE chat_members SET read_seq = :seq WHERE chat_id = :chatId AND user_id = :userId")
			.param("chatId", chatId)
			.param("userId", userId)
			.param("seq", seq)
			.update();
	}

	public void leave(UUID chatId, UUID userId) {
		this.jdbc.sql("DELETE FROM chat_members WHERE chat_id = :chatId AND user_id = :userId")
			.param("chatId", chatId)
			.param("userId", userId)
			.update();
	}

}
