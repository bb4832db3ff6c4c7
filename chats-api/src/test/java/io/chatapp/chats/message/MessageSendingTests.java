package io.chatapp.chats.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Sending against the real PostgreSQL: gapless seqs under concurrency, idempotent
 * retries.
 */
@SpringBootTest(properties = { "chatapp.chats.sends-per-minute=100000" })
@Import(ChatsTestSupport.TestTokens.class)
class MessageSendingTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@Autowired
	MessageService service;

	@Autowired
	JdbcClient jdbc;

	UUID chatId;

	UUID alice;

	UUID bob;

	@BeforeEach
	void chat() {
		this.chatId = UUID.randomUUID();
		this.alice = UUID.randomUUID();
		this.bob = UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO chats (id, type, title, created_by, created_at, last_activity_at)
				VALUES (:id, 'group', 'load', :alice, now(), now())""")
			.param("id", this.chatId)
			.param("alice", this.alice)
			.update();
		for (UUID member : List.of(this.alice, this.bob)) {
			this.jdbc
				.sql("INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:c, :u, 'member', now())")
				.param("c", this.chatId)
				.param("u", member)
				.update();
		}
	}

	@Test
	void eightThreadsSendingFiveHundredEachGetSeqsOneToFourThousandWithoutGapOrDuplicate() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<Long>>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				UUID sender = (t % 2 == 0) ? this.alice : this.bob;
				int thread = t;
				futures.add(pool.submit(() -> {
					List<Long> seqs = new ArrayList<>();
					for (int i = 0; i < 500; i++) {
						seqs.add(this.service
							.send(this.chatId, sender,
									new MessageRequests.Send("message " + thread + "-" + i, null, null))
							.message()
							.seq());
					}
					return seqs;
				}));
			}
			List<Long> all = new ArrayList<>();
			for (Future<List<Long>> future : futures) {
				List<Long> seqs = future.get();
				assertThat(seqs).as("one thread's seqs increase").isSorted();
				all.addAll(seqs);
			}
			Collections.sort(all);
			List<Long> expected = new ArrayList<>();
			for (long seq = 1; seq <= 4000; seq++) {
				expected.add(seq);
			}
			assertThat(all).isEqualTo(expected);
		}
		finally {
			pool.shutdownNow();
		}
		List<Long> stored = this.jdbc.sql("SELECT seq FROM messages WHERE chat_id = :c ORDER BY seq")
			.param("c", this.chatId)
			.query(Long.class)
			.list();
		assertThat(stored).hasSize(4000).first().isEqualTo(1L);
		assertThat(stored.get(3999)).isEqualTo(4000L);
		Long events = this.jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = :c AND event_type = 'message.created'")
			.param("c", this.chatId)
			.query(Long.class)
			.single();
		assertThat(events).isEqualTo(4000L);
	}

	@Test
	void aRetriedSendReturnsTheOriginalAndRecordsNothingNew() {
		MessageService.Sent first = this.service.send(this.chatId, this.alice,
				new MessageRequests.Send("hello", "client-1-" + this.chatId, null));
		MessageService.Sent retry = this.service.send(this.chatId, this.alice,
				new MessageRequests.Send("hello again?", "client-1-" + this.chatId, null));
		assertThat(first.created()).isTrue();
		assertThat(retry.created()).isFalse();
		assertThat(retry.message()).isEqualTo(first.message());
		assertThat(messageCount()).isEqualTo(1);
	}

	@Test
	void concurrentRetriesOfOneSendCreateOneMessage() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			String clientId = "same-" + UUID.randomUUID();
			List<Future<MessageService.Sent>> futures = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				futures.add(pool.submit(() -> this.service.send(this.chatId, this.bob,
						new MessageRequests.Send("only once", clientId, null))));
			}
			List<MessageService.Sent> results = new ArrayList<>();
			for (Future<MessageService.Sent> future : futures) {
				results.add(future.get());
			}
			assertThat(results).filteredOn(MessageService.Sent::created).hasSize(1);
			assertThat(results).extracting((sent) -> sent.message().id()).containsOnly(results.get(0).message().id());
			assertThat(messageCount()).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aClientMessageIdReusedInAnotherChatIsAConflict() {
		this.service.send(this.chatId, this.alice, new MessageRequests.Send("hi", "reused-" + this.chatId, null));
		UUID other = UUID.randomUUID();
		this.jdbc
			.sql("""
					INSERT INTO chats (id, type, created_by, created_at, last_activity_at) VALUES (:id, 'group', :a, now(), now());
					INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:id, :a, 'owner', now());
					""")
			.param("id", other)
			.param("a", this.alice)
			.update();
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.service.send(other, this.alice,
					new MessageRequests.Send("hi", "reused-" + this.chatId, null)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.CONFLICT));
	}

	@Test
	void nonMembersCannotSendAndSeeA404() {
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.service.send(this.chatId, UUID.randomUUID(),
					new MessageRequests.Send("intruder", null, null)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND));
		assertThat(messageCount()).isZero();
	}

	@Test
	void replyToAFutureSeqIsRejectedWithoutTakingASeq() {
		this.service.send(this.chatId, this.alice, new MessageRequests.Send("one", null, null));
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.service.send(this.chatId, this.alice, new MessageRequests.Send("two", null, 5L)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
		assertThat(
				this.service.send(this.chatId, this.alice, new MessageRequests.Send("two", null, 1L)).message().seq())
			.isEqualTo(2);
	}

	private long messageCount() {
		return this.jdbc.sql("SELECT count(*) FROM messages WHERE chat_id = :c")
			.param("c", this.chatId)
			.query(Long.class)
			.single();
	}

}
