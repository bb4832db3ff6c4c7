package io.chatapp.chats.message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.chatapp.chats.ChatsDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full-text search against the real PostgreSQL: newest matches first, in the caller's
 * chats only.
 */
class MessageSearchTests {

	private final ChatsDatabase database = new ChatsDatabase();

	private final MessageRepository fromIndex = new MessageRepository(this.database.jdbc(), Long.MAX_VALUE);

	private final MessageRepository byWalking = new MessageRepository(this.database.jdbc(), -1);

	private final UUID me = UUID.randomUUID();

	private final UUID friend = UUID.randomUUID();

	private final String word = "kumquat" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");

	private final Instant now = Instant.now();

	@Test
	void newestMatchesComeFirstAcrossChats() {
		UUID first = this.database.chat(this.me, this.friend);
		UUID second = this.database.chat(this.me, this.friend);
		long a = this.database.message(first, this.friend, "an old " + this.word, this.now.minusSeconds(300));
		long b = this.database.message(second, this.friend, this.word + " in between", this.now.minusSeconds(200));
		this.database.message(first, this.friend, "no match here", this.now.minusSeconds(150));
		long c = this.database.message(first, this.me, "the newest " + this.word, this.now.minusSeconds(100));
		long d = this.database.message(second, this.friend, "a " + this.word + " " + this.word + " " + this.word,
				this.now.minusSeconds(250));

		assertThat(search(null, 20)).extracting((m) -> m.chatId() + "/" + m.seq())
			.containsExactly(first + "/" + c, second + "/" + b, second + "/" + d, first + "/" + a);
	}

	@Test
	void limitKeepsTheNewestMatches() {
		UUID big = this.database.chat(this.me, this.friend);
		UUID small = this.database.chat(this.me, this.friend);
		long last = this.database.messages(big, this.friend, 300, "common " + this.word, this.now.minusSeconds(10));
		this.database.messages(small, this.friend, 3, this.word, this.now.minusSeconds(2000));
		long newestOfSmall = this.database.message(small, this.friend, this.word, this.now);

		List<MessageResponse> found = search(null, 5);

		assertThat(found).extracting(MessageResponse::chatId).containsExactly(small, big, big, big, big);
		assertThat(found.subList(1, 5)).extracting(MessageResponse::seq)
			.containsExactly(last, last - 1, last - 2, last - 3);
		assertThat(found.get(0).seq()).isEqualTo(newestOfSmall);
	}

	@Test
	void rareWordsAreFoundDeepInABigChat() {
		UUID big = this.database.chat(this.me, this.friend);
		long old = this.database.message(big, this.friend, "long ago a " + this.word, this.now.minusSeconds(100_000));
		this.database.messages(big, this.friend, 5_000, "chatter without the word", this.now);

		assertThat(search(null, 20)).extracting(MessageResponse::seq).containsExactly(old);
		assertThat(search(big, 20)).extracting(MessageResponse::seq).containsExactly(old);
	}

	@Test
	void onlyChatsTheCallerIsInAreSearched() {
		UUID mine = this.database.chat(this.me, this.friend);
		UUID theirs = this.database.chat(this.friend);
		UUID left = this.database.chat(this.me, this.friend);
		long found = this.database.message(mine, this.friend, this.word, this.now.minusSeconds(3));
		this.database.message(theirs, this.friend, this.word, this.now.minusSeconds(2));
		this.database.message(left, this.friend, this.word, this.now.minusSeconds(1));
		this.database.leave(left, this.me);

		assertThat(search(null, 20)).extracting((m) -> m.chatId() + "/" + m.seq()).containsExactly(mine + "/" + found);
	}

	@Test
	void deletedMessagesAreNotFound() {
		UUID chat = this.database.chat(this.me, this.friend);
		long kept = this.database.message(chat, this.friend, this.word + " stays", this.now.minusSeconds(2));
		long gone = this.database.message(chat, this.friend, this.word + " goes", this.now.minusSeconds(1));
		this.database.delete(chat, gone);

		assertThat(search(null, 20)).extracting(MessageResponse::seq).containsExactly(kept);
	}

	@Test
	void chatIdNarrowsTheSearchToThatChat() {
		UUID one = this.database.chat(this.me, this.friend);
		UUID two = this.database.chat(this.me, this.friend);
		long older = this.database.message(one, this.friend, this.word, this.now.minusSeconds(30));
		this.database.message(two, this.friend, this.word, this.now.minusSeconds(20));
		long newer = this.database.message(one, this.friend, "again " + this.word, this.now.minusSeconds(10));

		assertThat(search(one, 20)).extracting((m) -> m.chatId() + "/" + m.seq())
			.containsExactly(one + "/" + newer, one + "/" + older);
		assertThat(search(one, 1)).extracting(MessageResponse::seq).containsExactly(newer);
	}

	private List<MessageResponse> search(UUID chatId, int limit) {
		List<MessageResponse> indexed = this.fromIndex.search(this.me, this.word, chatId, limit);
		List<MessageResponse> walked = this.byWalking.search(this.me, this.word, chatId, limit);
		assertThat(walked).as("walking the chats finds what the index finds").isEqualTo(indexed);
		return indexed;
	}

}
