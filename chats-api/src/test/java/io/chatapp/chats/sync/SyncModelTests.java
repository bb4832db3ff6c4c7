package io.chatapp.chats.sync;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.chats.users.UserDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * The sync guarantee checked against a model, over HTTP on two chats-api instances
 * sharing one real PostgreSQL: random interleavings of sends (with retries), edits,
 * deletes, reactions, read markers, joins and leaves from several threads, while every
 * user syncs in small batches through either instance.
 *
 * <p>
 * An observer is a member of every chat from its creation and never leaves, so its stream
 * is the reference log. The model replays the membership events of that log and requires,
 * for every user: each event once; per chat, exactly the reference events from each
 * joining event through the matching removal; across chats, the reference order; every
 * acknowledged message present with gapless seqs; no change by someone who was not a
 * member at that point; and a client that took a snapshot mid-run and applied the events
 * after its token ends equal to a fresh fetch.
 *
 * <p>
 * Reproduce a run's operations with {@code -Dchatapp.sync-model.seed=<seed>} (printed at
 * the start); {@code -Dchatapp.sync-model.operations} sets the operations per writer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", SyncModelTests.SENDS, SyncModelTests.CREATIONS,
				SyncModelTests.BATCH })
@Import(ChatsTestSupport.TestTokens.class)
class SyncModelTests {

	static final String SENDS = "chatapp.chats.sends-per-minute=10000000";

	static final String CREATIONS = "chatapp.chats.chat-creations-per-minute=100000";

	/** Small batches, so most calls stop at the limit rather than at the head. */
	static final String BATCH = "chatapp.chats.sync-batch-size=7";

	private static final int WRITERS = 4;

	private static final int CHATS = 4;

	private static final int OTHERS = 7;

	private static final String[] EMOJI = { "👍", "🎉", "👀" };

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@MockitoBean
	UserDirectory users;

	@Autowired
	JdbcClient jdbc;

	final JsonMapper json = JsonMapper.builder().build();

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	final Map<UUID, String> tokens = new ConcurrentHashMap<>();

	ConfigurableApplicationContext second;

	List<String> instances;

	@BeforeEach
	void startSecondInstance() {
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
		// The second instance never adds members (which asks users-api), so it needs no
		// stand-in for the user directory.
		this.second = ChatsTestSupport.startInstance("--chatapp.outbox.enabled=false",
				"--management.health.kafka.enabled=false", "--chatapp.chats.live.signals=false", "--" + SENDS,
				"--" + CREATIONS, "--" + BATCH);
		int secondPort = ChatsTestSupport.port(this.second);
		this.instances = List.of("http://127.0.0.1:" + this.port, "http://127.0.0.1:" + secondPort);
	}

	@AfterEach
	void stopSecondInstance() {
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void everyUsersSyncIsExactlyTheEventsCommittedWhileAMemberInCommitOrder() throws Exception {
		long seed = Long.getLong("chatapp.sync-model.seed", new Random().nextLong());
		int operations = Integer.getInteger("chatapp.sync-model.operations", 500);
		System.out.println("SyncModelTests seed: " + seed + " (-Dchatapp.sync-model.seed=" + seed + ")");
		Random random = new Random(seed);

		UUID observer = new UUID(random.nextLong(), random.nextLong());
		List<UUID> others = new ArrayList<>();
		for (int i = 0; i < OTHERS; i++) {
			others.add(new UUID(random.nextLong(), random.nextLong()));
		}
		List<UUID> everyone = new ArrayList<>(others);
		everyone.add(observer);

		// Readers take their first token before anything happens.
		Map<UUID, Reader> readers = new LinkedHashMap<>();
		for (UUID user : everyone) {
			readers.put(user, new Reader(user, freshToken(user)));
		}
		List<UUID> chats = new ArrayList<>();
		for (int c = 0; c < CHATS; c++) {
			List<UUID> members = others.stream().filter((u) -> random.nextBoolean()).toList();
			JsonNode chat = call(0, observer, "POST", "/api/chats",
					Map.of("type", "group", "title", "chat " + c, "memberIds", members))
				.expect(201);
			chats.add(UUID.fromString(chat.get("id").asString()));
		}

		Model model = new Model();
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(WRITERS + readers.size() + 1);
		try {
			List<Future<?>> readerRuns = new ArrayList<>();
			readers.values().forEach((reader) -> readerRuns.add(pool.submit(() -> reader.run(writing))));
			LateClient late = new LateClient(observer, chats);
			Future<?> lateRun = pool.submit(() -> late.run(writing));
			List<Future<?>> writers = new ArrayList<>();
			for (int w = 0; w < WRITERS; w++) {
				Writer writer = new Writer(new Random(seed + 31L * (w + 1)), observer, others, chats, model);
				writers.add(pool.submit(() -> writer.run(operations)));
			}
			for (Future<?> writer : writers) {
				writer.get();
			}
			// Every write has been answered; once each is numbered, readers drain to the
			// head.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.jdbc.sql("SELECT count(*) FROM outbox WHERE log_pos IS NULL")
					.query(Long.class)
					.single() == 0);
			writing.set(false);
			for (Future<?> run : readerRuns) {
				run.get();
			}
			lateRun.get();
			late.assertEqualsFreshFetch();
		}
		finally {
			pool.shutdownNow();
		}

		List<JsonNode> reference = readers.get(observer).events;
		// The reference is what the database committed, not only what the observer was
		// shown: an edit or reaction that reached nobody would otherwise go unnoticed.
		List<String> committed = this.jdbc
			.sql("SELECT event_id::text FROM outbox WHERE chat_id IN (:chats) ORDER BY log_pos")
			.param("chats", chats)
			.query(String.class)
			.list();
		assertThat(reference).extracting((e) -> e.get("id").asString())
			.as("seed %d: the observer's sync is every committed event of its chats, in log order", seed)
			.containsExactlyElementsOf(committed);
		assertThat(model.acknowledged.values().stream().mapToInt(Set::size).sum()).as("messages acknowledged")
			.isGreaterThan(WRITERS * operations / 4);
		Map<String, Integer> positionInReference = new HashMap<>();
		for (int i = 0; i < reference.size(); i++) {
			positionInReference.put(reference.get(i).get("id").asString(), i);
		}
		for (UUID chat : chats) {
			List<JsonNode> log = reference.stream()
				.filter((e) -> e.get("chatId").asString().equals(chat.toString()))
				.toList();
			checkReferenceLog(chat, observer, log, model);
			for (UUID user : others) {
				List<String> expected = visibleTo(user, log);
				List<String> actual = readers.get(user).events.stream()
					.filter((e) -> e.get("chatId").asString().equals(chat.toString()))
					.map((e) -> e.get("id").asString())
					.toList();
				assertThat(actual).as("seed %d: %s's events of chat %s", seed, user, chat)
					.containsExactlyElementsOf(expected);
			}
		}
		for (Reader reader : readers.values()) {
			int previous = -1;
			for (JsonNode event : reader.events) {
				Integer position = positionInReference.get(event.get("id").asString());
				assertThat(position).as("seed %d: every event a user sees is in the log", seed).isNotNull();
				assertThat(position).as("seed %d: %s sees events in log order", seed, reader.user)
					.isGreaterThan(previous);
				previous = position;
			}
		}
	}

	/**
	 * The reference log of a chat: message seqs 1..last without gap or repeat, every
	 * acknowledged message once, changes only by members, membership as the chat says.
	 */
	private void checkReferenceLog(UUID chat, UUID observer, List<JsonNode> log, Model model) {
		Set<String> members = new HashSet<>();
		long lastSeq = 0;
		Set<String> created = new HashSet<>();
		for (JsonNode event : log) {
			String type = event.get("type").asString();
			String actor = event.path("userId").asString("");
			switch (type) {
				case "chat.created" ->
					event.get("data").get("members").forEach((m) -> members.add(m.get("userId").asString()));
				case "chat.member_added" -> members.add(actor);
				case "chat.member_removed" -> {
					assertThat(members.remove(actor)).as("only a member is removed").isTrue();
				}
				case "message.created" -> {
					assertThat(event.get("seq").asLong()).as("seqs are gapless and in order").isEqualTo(lastSeq + 1);
					lastSeq++;
					assertThat(created.add(event.get("data").get("id").asString())).isTrue();
				}
				default -> {
				}
			}
			if (!type.startsWith("chat.")) {
				assertThat(members).as("%s by a member of chat %s", type, chat).contains(actor);
			}
		}
		assertThat(members).as("the log's membership is the chat's").contains(observer.toString());
		JsonNode now = call(0, observer, "GET", "/api/chats/" + chat, null).expect(200);
		Set<String> current = new TreeSet<>();
		now.get("members").forEach((m) -> current.add(m.get("userId").asString()));
		assertThat(new TreeSet<>(members)).isEqualTo(current);
		assertThat(now.get("lastSeq").asLong()).isEqualTo(lastSeq);
		Set<String> acknowledged = model.acknowledged.getOrDefault(chat, Set.of());
		assertThat(created).as("every acknowledged message of chat %s is in its log", chat).containsAll(acknowledged);
	}

	/**
	 * The model: a user sees a chat's events from their joining through their removal.
	 */
	private static List<String> visibleTo(UUID user, List<JsonNode> log) {
		String id = user.toString();
		List<String> visible = new ArrayList<>();
		boolean member = false;
		for (JsonNode event : log) {
			String type = event.get("type").asString();
			if (type.equals("chat.created")) {
				for (JsonNode m : event.get("data").get("members")) {
					member |= m.get("userId").asString().equals(id);
				}
			}
			else if (type.equals("chat.member_added") && event.get("userId").asString().equals(id)) {
				member = true;
			}
			if (member) {
				visible.add(event.get("id").asString());
			}
			if (type.equals("chat.member_removed") && event.get("userId").asString().equals(id)) {
				member = false;
			}
		}
		return visible;
	}

	private String freshToken(UUID user) {
		return call(0, user, "GET", "/api/sync", null).expect(200).get("nextToken").asString();
	}

	/** What the writers were told: acknowledged message ids per chat. */
	static final class Model {

		final Map<UUID, Set<String>> acknowledged = new ConcurrentHashMap<>();

		void sent(UUID chat, String messageId) {
			this.acknowledged.computeIfAbsent(chat, (c) -> ConcurrentHashMap.newKeySet()).add(messageId);
		}

	}

	/** One thread of random operations; the server decides what is allowed. */
	final class Writer {

		final Random random;

		final UUID owner;

		final List<UUID> others;

		final List<UUID> chats;

		final Model model;

		/** Messages this writer got acknowledged: chat, seq, sender. */
		final List<Object[]> sent = new ArrayList<>();

		Writer(Random random, UUID owner, List<UUID> others, List<UUID> chats, Model model) {
			this.random = random;
			this.owner = owner;
			this.others = others;
			this.chats = chats;
			this.model = model;
		}

		void run(int operations) {
			for (int i = 0; i < operations; i++) {
				UUID chat = this.chats.get(this.random.nextInt(this.chats.size()));
				int instance = this.random.nextInt(2);
				int action = this.random.nextInt(100);
				UUID user = this.random.nextInt(4) == 0 ? this.owner
						: this.others.get(this.random.nextInt(this.others.size()));
				if (action < 45 || this.sent.isEmpty()) {
					send(instance, chat, user);
				}
				else if (action < 55) {
					Object[] message = pick();
					call(instance, (UUID) message[2], "PATCH", "/api/chats/" + message[0] + "/messages/" + message[1],
							Map.of("content", "edited " + this.random.nextInt()))
						.expect(200, 404, 409);
				}
				else if (action < 60) {
					Object[] message = pick();
					UUID by = this.random.nextBoolean() ? (UUID) message[2] : this.owner;
					call(instance, by, "DELETE", "/api/chats/" + message[0] + "/messages/" + message[1], null)
						.expect(204, 404);
				}
				else if (action < 70) {
					Object[] message = pick();
					String emoji = EMOJI[this.random.nextInt(EMOJI.length)];
					call(instance, user, this.random.nextBoolean() ? "PUT" : "DELETE",
							"/api/chats/" + message[0] + "/messages/" + message[1] + "/reactions/" + emoji, null)
						.expect(204, 404, 409);
				}
				else if (action < 78) {
					Object[] message = pick();
					call(instance, user, "POST", "/api/chats/" + message[0] + "/read", Map.of("seq", message[1]))
						.expect(200, 404);
				}
				else if (action < 89) {
					// Adding asks users-api about the ids: only the first instance has a
					// stand-in for it.
					UUID member = this.others.get(this.random.nextInt(this.others.size()));
					call(0, this.owner, "POST", "/api/chats/" + chat + "/members", Map.of("userIds", List.of(member)))
						.expect(200);
				}
				else {
					UUID member = this.others.get(this.random.nextInt(this.others.size()));
					UUID by = this.random.nextBoolean() ? member : this.owner;
					call(instance, by, "DELETE", "/api/chats/" + chat + "/members/" + member, null).expect(204, 404);
				}
			}
		}

		private void send(int instance, UUID chat, UUID sender) {
			String clientMessageId = "m-" + this.random.nextLong();
			Map<String, Object> body = Map.of("content", "hello " + this.random.nextInt(), "clientMessageId",
					clientMessageId);
			Response first = call(instance, sender, "POST", "/api/chats/" + chat + "/messages", body);
			first.expect(201, 404);
			if (first.status() != 201) {
				return;
			}
			String id = first.body().get("id").asString();
			this.model.sent(chat, id);
			this.sent.add(new Object[] { chat, first.body().get("seq").asLong(), sender });
			if (this.random.nextInt(5) == 0) {
				// A retry, possibly through the other instance, returns the original.
				Response retry = call(1 - instance, sender, "POST", "/api/chats/" + chat + "/messages", body);
				retry.expect(200, 404);
				if (retry.status() == 200) {
					assertThat(retry.body().get("id").asString()).isEqualTo(id);
				}
			}
		}

		private Object[] pick() {
			return this.sent.get(this.random.nextInt(this.sent.size()));
		}

	}

	/** A user's client: syncs in small batches through either instance until the end. */
	final class Reader {

		final UUID user;

		final List<JsonNode> events = new ArrayList<>();

		final Set<String> ids = new HashSet<>();

		String token;

		Reader(UUID user, String token) {
			this.user = user;
			this.token = token;
		}

		void run(AtomicBoolean writing) {
			Random random = new Random(this.user.getLeastSignificantBits());
			while (true) {
				boolean last = !writing.get();
				int received;
				do {
					received = syncOnce(random.nextInt(2));
				}
				while (last && received > 0);
				if (last) {
					return;
				}
			}
		}

		int syncOnce(int instance) {
			JsonNode page = call(instance, this.user, "GET", "/api/sync?timeout=50&since=" + this.token, null)
				.expect(200);
			String next = page.get("nextToken").asString();
			assertThat(SyncToken.decode(next).compareTo(SyncToken.decode(this.token)))
				.as("a token never moves backwards")
				.isGreaterThanOrEqualTo(0);
			this.token = next;
			for (JsonNode event : page.get("events")) {
				assertThat(this.ids.add(event.get("id").asString())).as("%s gets each event once", this.user).isTrue();
				this.events.add(event);
			}
			return page.get("events").size();
		}

	}

	/**
	 * A client that comes along mid-run: takes a token, then a snapshot of every chat,
	 * then applies the events after the token.
	 */
	final class LateClient {

		final Reader reader;

		final List<UUID> chats;

		final Map<String, String> state = new TreeMap<>();

		LateClient(UUID user, List<UUID> chats) {
			this.reader = new Reader(user, null);
			this.chats = chats;
		}

		void run(AtomicBoolean writing) {
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.reader.token = freshToken(this.reader.user);
			this.state.putAll(fetch());
			int applied = 0;
			while (true) {
				boolean last = !writing.get();
				int before = this.reader.events.size();
				this.reader.syncOnce(applied % 2);
				for (JsonNode event : this.reader.events.subList(before, this.reader.events.size())) {
					apply(event);
				}
				applied++;
				if (last && this.reader.events.size() == before) {
					return;
				}
			}
		}

		void assertEqualsFreshFetch() {
			assertThat(this.state).as("snapshot plus the events after its token equals a fresh fetch")
				.isEqualTo(fetch());
		}

		private Map<String, String> fetch() {
			Map<String, String> messages = new TreeMap<>();
			for (UUID chat : this.chats) {
				long after = 0;
				while (true) {
					JsonNode page = call(0, this.reader.user, "GET",
							"/api/chats/" + chat + "/messages?limit=200&after=" + after, null)
						.expect(200);
					for (JsonNode message : page.get("items")) {
						Set<String> reactions = new TreeSet<>();
						message.get("reactions").properties().forEach((entry) -> {
							for (JsonNode by : entry.getValue()) {
								reactions.add(entry.getKey() + ":" + by.asString());
							}
						});
						after = message.get("seq").asLong();
						messages.put(chat + "/" + after, message.get("content").asString() + "|"
								+ message.get("deleted").asBoolean() + "|" + String.join(",", reactions));
					}
					if (!page.get("hasMore").asBoolean()) {
						break;
					}
				}
			}
			return messages;
		}

		private void apply(JsonNode event) {
			String type = event.get("type").asString();
			if (!type.startsWith("message.") && !type.startsWith("reaction.")) {
				return;
			}
			String key = event.get("chatId").asString() + "/" + event.get("seq").asLong();
			JsonNode data = event.get("data");
			switch (type) {
				case "message.created" -> this.state.put(key, data.get("content").asString() + "|false|");
				case "message.edited" -> this.state.computeIfPresent(key, (k, v) -> {
					String[] parts = v.split("\\|", -1);
					return data.get("content").asString() + "|" + parts[1] + "|" + parts[2];
				});
				// Deleting a message drops its text and reactions.
				case "message.deleted" -> this.state.computeIfPresent(key, (k, v) -> "|true|");
				default -> this.state.computeIfPresent(key, (k, v) -> {
					String[] parts = v.split("\\|", -1);
					Set<String> reactions = new LinkedHashSet<>();
					if (!parts[2].isEmpty()) {
						reactions.addAll(List.of(parts[2].split(",")));
					}
					String reaction = data.get("emoji").asString() + ":" + event.get("userId").asString();
					if (type.equals("reaction.added")) {
						reactions.add(reaction);
					}
					else {
						reactions.remove(reaction);
					}
					return parts[0] + "|" + parts[1] + "|" + String.join(",", new TreeSet<>(reactions));
				});
			}
		}

	}

	private Response call(int instance, UUID user, String method, String path, Object body) {
		String token = this.tokens.computeIfAbsent(user, ChatsTestSupport::token);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.instances.get(instance) + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + token);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode parsed = response.body().isEmpty() ? null : this.json.readTree(response.body());
			return new Response(method + " " + path, response.statusCode(), parsed);
		}
		catch (Exception ex) {
			throw new IllegalStateException(method + " " + path, ex);
		}
	}

	record Response(String request, int status, JsonNode body) {

		JsonNode expect(int... statuses) {
			for (int expected : statuses) {
				if (this.status == expected) {
					return this.body;
				}
			}
			throw new AssertionError(this.request + " answered " + this.status + ": " + this.body);
		}

	}

}
