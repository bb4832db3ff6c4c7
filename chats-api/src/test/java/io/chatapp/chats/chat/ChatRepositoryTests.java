package io.chatapp.chats.chat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.chats.ChatsDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Chat reads against the real PostgreSQL. */
class ChatRepositoryTests {

	private final ChatsDatabase database = new ChatsDatabase();

	private final ChatRepository chats = new ChatRepository(this.database.jdbc());

	private final UUID reader = UUID.randomUUID();

	private final UUID other = UUID.randomUUID();

	@Test
	void unreadCountStopsAtTheCap() {
		UUID chat = this.database.chat(this.reader, this.other);
		this.database.messages(chat, this.other, ChatRepository.UNREAD_CAP + 500, "hello", Instant.now());

		assertThat(this.chats.unreadCounts(this.reader, List.of(chat))).containsEntry(chat,
				(long) ChatRepository.UNREAD_CAP);
	}

	@Test
	void unreadCountIsExactJustBelowAndAtTheCap() {
		UUID below = this.database.chat(this.reader, this.other);
		this.database.messages(below, this.other, ChatRepository.UNREAD_CAP - 1, "hello", Instant.now());
		UUID at = this.database.chat(this.reader, this.other);
		this.database.messages(at, this.other, ChatRepository.UNREAD_CAP, "hello", Instant.now());

		assertThat(this.chats.unreadCounts(this.reader, List.of(below, at)))
			.containsEntry(below, (long) ChatRepository.UNREAD_CAP - 1)
			.containsEntry(at, (long) ChatRepository.UNREAD_CAP);
	}

	@Test
	void unreadCountsOthersLiveMessagesAfterTheReadMarkerOnly() {
		UUID chat = this.database.chat(this.reader, this.other);
		Instant now = Instant.now();
		long read = this.database.messages(chat, this.other, 5, "read already", now.minusSeconds(100));
		this.database.read(chat, this.reader, read);
		this.database.messages(chat, this.other, 4, "unread", now.minusSeconds(50));
		this.database.messages(chat, this.reader, 3, "my own", now.minusSeconds(40));
		long deleted = this.database.message(chat, this.other, "deleted", now.minusSeconds(30));
		this.database.delete(chat, deleted);
		this.database.messages(chat, this.other, 2, "unread too", now);

		assertThat(this.chats.unreadCounts(this.reader, List.of(chat))).containsEntry(chat, 6L);
		assertThat(this.chats.unreadCounts(this.other, List.of(chat))).as("the other member has read nothing")
			.containsEntry(chat, 3L);
	}

	@Test
	void unreadCountsOfSeveralChatsComeTogetherAndFullyReadChatsAreAbsent() {
		UUID busy = this.database.chat(this.reader, this.other);
		this.database.messages(busy, this.other, 7, "hello", Instant.now());
		UUID quiet = this.database.chat(this.reader, this.other);
		long last = this.database.messages(quiet, this.other, 3, "hello", Instant.now());
		this.database.read(quiet, this.reader, last);
		UUID empty = this.database.chat(this.reader, this.other);
		UUID notMine = this.database.chat(this.other);
		this.database.messages(notMine, this.other, 2, "hello", Instant.now());

		assertThat(this.chats.unreadCounts(this.reader, List.of(busy, quiet, empty, notMine)))
			.containsExactlyInAnyOrderEntriesOf(Map.of(busy, 7L));
	}

}
