package io.chatapp.chats.sync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.chats.message.MessageRequests;
import io.chatapp.chats.message.MessageService;
import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.testsupport.EmbeddedPostgresServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Sync correctness on the real database: a late commit is never skipped, and a client
 * that builds state from a stale snapshot plus sync events ends equal to a fresh fetch
 * while other threads write concurrently (the Zulip test).
 */
@SpringBootTest(properties = { "chatapp.chats.sends-per-minute=100000" })
@Import(ChatsTestSupport.TestTokens.class)
class SyncTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@Autowired
	EventLog events;

	@Autowired
	MessageService messages;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EventSequencer sequencer;

	@Autowired
	TransactionTemplate transactions;

	UUID reader;

	List<UUID> chats;

	@BeforeEach
	void chats() {
		this.reader = UUID.randomUUID();
		this.chats = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			UUID chat = UUID.randomUUID();
			this.jdbc
				.sql("""
						INSERT INTO chats (id, type, created_by, created_at, last_activity_at) VALUES (:id, 'group', :u, now(), now());
						INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:id, :u, 'owner', now());
						INSERT INTO chat_memberships (chat_id, user_id, joined_event) VALUES (:id, :u, 0);
						""")
				.param("id", chat)
				.param("u", this.reader)
				.update();
			this.chats.add(chat);
		}
	}

	@Test
	void aTransactionThatCommitsLateIsNotSkipped() throws Exception {
		SyncToken start = this.events.now();
		EmbeddedPostgresServer server = ChatsTestSupport.database();
		UUID lateEvent = UUID.randomUUID();
		List<String> seen = new ArrayList<>();
		SyncToken token = start;
		try (Connection late = DriverManager.getConnection(server.jdbcUrl(), "chats_app", "chats_app_test")) {
			late.setAutoCommit(false);
			try (PreparedStatement insert = late.prepareStatement("""
					INSERT INTO outbox (event_id, topic, event_key, event_type, chat_id, payload)
					VALUES (?, 'chat.events', ?, 'chat.updated', ?, CAST(? AS jsonb))""")) {
				insert.setObject(1, lateEvent);
				insert.setString(2, this.chats.get(0).toString());
				insert.setObject(3, this.chats.get(0));
				insert.setString(4, "{\"id\":\"" + lateEvent + "\",\"type\":\"chat.updated\"}");
				insert.executeUpdate();
			}
			// A later transaction commits first, and is read while the first one runs.
			this.messages.send(this.chats.get(1), this.reader, new MessageRequests.Send("early", null, null));
			this.sequencer.sequence();
			EventLog.Batch whileOpen = this.events.read(this.reader, token, 100);
			whileOpen.events().forEach((event) -> seen.add(event.get("type").asString()));
			token = whileOpen.next();
			late.commit();
		}
		this.sequencer.sequence();
		EventLog.Batch afterCommit = this.events.read(this.reader, token, 100);
		afterCommit.events().forEach((event) -> seen.add(event.get("type").asString()));
		assertThat(seen).containsExactlyInAnyOrder("chat.updated", "message.created");
		assertThat(this.events.read(this.reader, afterCommit.next(), 100).events()).isEmpty();
	}

	@Test
	void aMessageWhoseTransactionStartedBeforeAJoinButCommittedAfterItReachesTheNewMember() throws Exception {
		UUID chat = this.chats.get(0);
		UUID newcomer = UUID.randomUUID();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch joined = new CountDownLatch(1);
		ExecutorService sender = Executors.newSingleThreadExecutor();
		try {
			// The send's transaction takes its transaction id before the join's does, and
			// commits after it: transaction ids do not follow commit order.
			Future<?> send = sender.submit(() -> this.transactions.executeWithoutResult((status) -> {
				this.jdbc.sql("SELECT pg_current_xact_id()").query().singleRow();
				started.countDown();
				awaitLatch(joined);
				this.messages.send(chat, this.reader, new MessageRequests.Send("after the join", null, null));
			}));
			awaitLatch(started);
			this.transactions.executeWithoutResult((status) -> {
				this.jdbc.sql("SELECT id FROM chats WHERE id = :id FOR UPDATE").param("id", chat).query().singleRow();
				this.jdbc.sql(
						"INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:c, :u, 'member', now())")
					.param("c", chat)
					.param("u", newcomer)
					.update();
				this.events.recordJoin(ChatEvent.of("chat.member_added", chat, newcomer, null, Instant.now(),
						Map.of("userId", newcomer)), List.of(newcomer));
			});
			joined.countDown();
			send.get();
		}
		finally {
			sender.shutdownNow();
		}
		this.sequencer.sequence();
		assertThat(this.events.read(newcomer, new SyncToken(0), 100).events())
			.extracting((event) -> event.get("type").asString())
			.containsExactly("chat.member_added", "message.created");
	}

	@Test
	void aMemberAddedLaterDoesNotSeeTheChatsEarlierEvents() {
		UUID chat = this.chats.get(0);
		this.messages.send(chat, this.reader, new MessageRequests.Send("secret", null, null));
		this.messages.delete(chat, 1, this.reader);
		UUID newcomer = UUID.randomUUID();
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc
				.sql("INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (:c, :u, 'member', now())")
				.param("c", chat)
				.param("u", newcomer)
				.update();
			this.events.recordJoin(
					ChatEvent.of("chat.member_added", chat, newcomer, null, Instant.now(), Map.of("userId", newcomer)),
					List.of(newcomer));
		});
		this.messages.send(chat, this.reader, new MessageRequests.Send("welcome", null, null));
		this.sequencer.sequence();

		EventLog.Batch fromTheStart = this.events.read(newcomer, new SyncToken(0), 100);
		assertThat(fromTheStart.events()).extracting((event) -> event.get("data").path("content").asString(""))
			.containsExactly("", "welcome");
	}

	@Test
	void eventsAnInstanceCommittedButNeverNumberedAreNumberedByAnother() {
		// As if the instance that committed it stopped before its sequencer ran: no local
		// commit asks for a round here, the periodic one must find it.
		UUID orphan = UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO outbox (event_id, topic, event_key, event_type, chat_id, payload)
				VALUES (:id, 'chat.events', :chat, 'chat.updated', CAST(:chat AS uuid), CAST(:payload AS jsonb))
				""")
			.param("id", orphan)
			.param("chat", this.chats.get(2).toString())
			.param("payload", "{\"id\":\"" + orphan + "\",\"type\":\"chat.updated\"}")
			.update();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jdbc.sql("SELECT log_pos IS NOT NULL FROM outbox WHERE event_id = :id")
				.param("id", orphan)
				.query(Boolean.class)
				.single());
	}

	@Test
	void aPositionAheadOfTheLogIs400() {
		SyncToken ahead = new SyncToken(this.events.now().position() + 1_000_000);
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.events.read(this.reader, ahead, 10));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void staleSnapshotPlusSyncEventsEqualsAFreshFetchUnderConcurrentWrites() throws Exception {
		// Some history before the client connects.
		for (UUID chat : this.chats) {
			for (int i = 0; i < 5; i++) {
				this.messages.send(chat, this.reader, new MessageRequests.Send("old " + i, null, null));
			}
		}
		ExecutorService writers = Executors.newFixedThreadPool(4);
		List<Future<?>> running = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			running.add(writers.submit(() -> write(60)));
		}
		// The client registers (token), then takes its snapshot while writes go on, then
		// syncs.
		SyncToken token = this.events.now();
		Map<String, String> client = snapshot();
		Set<UUID> seen = new java.util.HashSet<>();
		boolean writing = true;
		while (true) {
			if (!writing) {
				// Every write has committed: number the last ones before the final read.
				this.sequencer.sequence();
			}
			EventLog.Batch batch = this.events.read(this.reader, token, 37);
			for (JsonNode event : batch.events()) {
				assertThat(seen.add(UUID.fromString(event.get("id").asString()))).as("no event is repeated").isTrue();
				apply(client, event);
			}
			assertThat(batch.next().compareTo(token)).as("tokens never move backwards").isGreaterThanOrEqualTo(0);
			token = batch.next();
			if (!writing && batch.events().isEmpty()) {
				break;
			}
			writing = running.stream().anyMatch((future) -> !future.isDone());
		}
		for (Future<?> future : running) {
			future.get();
		}
		writers.shutdown();
		assertThat(client).isEqualTo(snapshot());
		assertThat(client).hasSizeGreaterThan(15 + 4 * 60 / 2);
	}

	private void write(int operations) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < operations; i++) {
			UUID chat = this.chats.get(random.nextInt(this.chats.size()));
			long last = this.jdbc.sql("SELECT last_seq FROM chats WHERE id = :id")
				.param("id", chat)
				.query(Long.class)
				.single();
			int action = random.nextInt(10);
			try {
				writeOne(chat, last, action, random);
			}
			catch (ProblemException ex) {
				// Editing or reacting to a message another writer deleted: expected, skip
				// it.
			}
		}
	}

	private void writeOne(UUID chat, long last, int action, ThreadLocalRandom random) {
		if (action < 6 || last == 0) {
			this.messages.send(chat, this.reader, new MessageRequests.Send("msg " + random.nextInt(), null, null));
		}
		else if (action < 8) {
			this.messages.edit(chat, 1 + random.nextLong(last), this.reader, "edited " + random.nextInt());
		}
		else if (action < 9) {
			this.messages.react(chat, 1 + random.nextLong(last), this.reader, "👍", random.nextBoolean());
		}
		else {
			this.messages.delete(chat, 1 + random.nextLong(last), this.reader);
		}
	}

	/** The client's view: one entry per message, "content|deleted|reactions". */
	private Map<String, String> snapshot() {
		Map<String, String> state = new HashMap<>();
		this.jdbc.sql("""
				SELECT m.chat_id, m.seq, m.content, m.deleted,
				       coalesce((SELECT string_agg(r.emoji, ',' ORDER BY r.emoji) FROM reactions r
				                 WHERE r.chat_id = m.chat_id AND r.seq = m.seq), '') AS reactions
				FROM messages m WHERE m.chat_id = ANY(:chats)""")
			.param("chats", this.chats.toArray(UUID[]::new))
			.query((rs) -> {
				state.put(rs.getString("chat_id") + "/" + rs.getLong("seq"),
						rs.getString("content") + "|" + rs.getBoolean("deleted") + "|" + rs.getString("reactions"));
			});
		return state;
	}

	private static void apply(Map<String, String> state, JsonNode event) {
		String key = event.get("chatId").asString() + "/" + event.get("seq").asLong();
		String type = event.get("type").asString();
		JsonNode data = event.get("data");
		switch (type) {
			case "message.created" -> state.put(key, data.get("content").asString() + "|false|");
			case "message.edited" ->
				state.computeIfPresent(key, (k, v) -> replace(v, 0, data.get("content").asString()));
			case "message.deleted" -> state.computeIfPresent(key, (k, v) -> "|true|");
			case "reaction.added", "reaction.removed" -> state.computeIfPresent(key, (k, v) -> {
				Set<String> emoji = new TreeSet<>();
				String current = v.split("\\|", -1)[2];
				if (!current.isEmpty()) {
					emoji.addAll(List.of(current.split(",")));
				}
				if (type.equals("reaction.added")) {
					emoji.add(data.get("emoji").asString());
				}
				else {
					emoji.remove(data.get("emoji").asString());
				}
				return replace(v, 2, String.join(",", emoji));
			});
			default -> {
			}
		}
	}

	private static String replace(String value, int index, String part) {
		String[] parts = value.split("\\|", -1);
		parts[index] = part;
		return String.join("|", parts);
	}

}
