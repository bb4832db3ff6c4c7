package io.chatapp.chats.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.chats.sync.SyncToken;
import io.chatapp.chats.users.UserDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * Live delivery and resume checked against the log: while members send, are added and
 * removed through two chats-api instances, every user's client disconnects and reconnects
 * at random (closing cleanly or just dropping the connection), each time to either
 * instance, and resumes the way docs/contract.md says: socket first, then
 * {@code /api/sync} from the newest token it holds. At the end, the events each client
 * collected must be exactly what a fresh {@code /api/sync} from its first token returns
 * (nothing missed), and within every connection frames must come once each, in log order
 * (tokens strictly increasing) and each chat's messages in seq order. The seed is
 * printed; {@code -Dchatapp.live-model.seed} replays its choices.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", LiveDeliveryModelTests.SENDS, LiveDeliveryModelTests.CREATIONS })
@Import(ChatsTestSupport.TestTokens.class)
class LiveDeliveryModelTests {

	static final String SENDS = "chatapp.chats.sends-per-minute=1000000";

	static final String CREATIONS = "chatapp.chats.chat-creations-per-minute=100000";

	private static final int USERS = 4;

	private static final int CYCLES = 200;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@MockitoBean
	UserDirectory users;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	ConfigurableApplicationContext second;

	List<Integer> ports;

	@BeforeEach
	void startSecondInstance() {
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
		this.second = ChatsTestSupport.startInstance("--chatapp.outbox.enabled=false",
				"--management.health.kafka.enabled=false", "--chatapp.chats.live.signals=false", "--" + SENDS,
				"--" + CREATIONS);
		this.ports = List.of(this.port, ChatsTestSupport.port(this.second));
	}

	@AfterEach
	void stopSecondInstance() {
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void everyClientEndsWithExactlyTheLogsEventsWhateverItsReconnects() throws Exception {
		long seed = Long.getLong("chatapp.live-model.seed", new Random().nextLong());
		System.out.println("LiveDeliveryModelTests seed: " + seed + " (-Dchatapp.live-model.seed=" + seed + ")");
		Random random = new Random(seed);
		List<UUID> users = new ArrayList<>();
		for (int i = 0; i < USERS; i++) {
			users.add(new UUID(random.nextLong(), random.nextLong()));
		}
		List<Client> clients = new ArrayList<>();
		for (UUID user : users) {
			clients.add(new Client(user, new Random(random.nextLong()), freshToken(user)));
		}
		// A group of all, a direct chat, and a group whose last member comes and goes.
		String all = createChat(users.get(0), "group", users.subList(1, USERS));
		String direct = createChat(users.get(0), "direct", List.of(users.get(1)));
		String small = createChat(users.get(1), "group", List.of(users.get(2)));
		List<String> chatsOfAll = List.of(all);

		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger cycles = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(USERS + 2);
		try {
			List<Future<?>> running = new ArrayList<>();
			Random writerRandom = new Random(random.nextLong());
			running.add(pool.submit(() -> {
				int n = 0;
				while (writing.get()) {
					UUID sender = users.get(writerRandom.nextInt(USERS));
					String chat = chatsOfAll.get(0);
					if (writerRandom.nextInt(4) == 0 && (sender.equals(users.get(0)) || sender.equals(users.get(1)))) {
						chat = direct;
					}
					send(writerRandom.nextInt(2), sender, chat, "m" + n++);
					if (n % 15 == 0) {
						// Membership changes ask users-api, which only the first instance
						// stands in for.
						boolean add = n % 30 == 0;
						request(0, users.get(1), add ? "POST" : "DELETE",
								add ? "/api/chats/" + small + "/members"
										: "/api/chats/" + small + "/members/" + users.get(3),
								add ? "{\"userIds\":[\"" + users.get(3) + "\"]}" : null);
					}
					if (n % 7 == 0) {
						send(writerRandom.nextInt(2), users.get(1), small, "s" + n);
					}
				}
				return null;
			}));
			for (Client client : clients) {
				running.add(pool.submit(() -> {
					while (cycles.get() < CYCLES) {
						client.session(cycles);
					}
					return null;
				}));
			}
			for (int i = 1; i < running.size(); i++) {
				running.get(i).get(3, TimeUnit.MINUTES);
			}
			writing.set(false);
			running.get(0).get(1, TimeUnit.MINUTES);
			// One last connection each, after the writes: every client catches up.
			for (Client client : clients) {
				client.finish();
			}
		}
		finally {
			writing.set(false);
			pool.shutdownNow();
		}

		for (Client client : clients) {
			List<String> expected = allEvents(client.user, client.firstToken);
			assertThat(expected).as("events for %s", client.user).isNotEmpty();
			assertThat(client.collected)
				.as("what %s's client collected, over %d connections", client.user, client.connections)
				.containsExactlyInAnyOrderElementsOf(new LinkedHashSet<>(expected));
			assertThat(client.collected).hasSameSizeAs(new HashSet<>(expected));
		}
		assertThat(cycles.get()).isGreaterThanOrEqualTo(CYCLES);
	}

	/** One user's client: a connection, a catch-up, some live frames, a disconnect. */
	final class Client {

		final UUID user;

		final Random random;

		final String firstToken;

		final Set<String> collected = ConcurrentHashMap.newKeySet();

		long position;

		int connections;

		Client(UUID user, Random random, String firstToken) {
			this.user = user;
			this.random = random;
			this.firstToken = firstToken;
			this.position = SyncToken.decode(firstToken).position();
		}

		void session(AtomicInteger cycles) throws Exception {
			SocketClient socket = connect();
			try {
				long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20 + this.random.nextInt(250));
				Connection connection = new Connection();
				while (System.nanoTime() < until) {
					JsonNode frame = socket.frames.poll(10, TimeUnit.MILLISECONDS);
					if (frame != null) {
						connection.apply(frame);
					}
				}
			}
			finally {
				if (this.random.nextBoolean()) {
					socket.close();
				}
				else {
					socket.abort();
				}
			}
			cycles.incrementAndGet();
		}

		void finish() throws Exception {
			SocketClient socket = connect();
			// Nothing is written any more: the catch-up got everything.
			socket.close();
		}

		/** Socket first, then sync from the newest token held. */
		private SocketClient connect() throws Exception {
			int instance = LiveDeliveryModelTests.this.ports.get(this.random.nextInt(2));
			SocketClient socket = SocketClient.ready(instance, ChatsTestSupport.token(this.user));
			this.connections++;
			String since = new SyncToken(this.position).encode();
			while (true) {
				JsonNode page = SocketClient.JSON
					.readTree(request(this.random.nextInt(2), this.user, "GET", "/api/sync?since=" + since, null));
				for (JsonNode event : page.path("events")) {
					this.collected.add(event.path("id").asString());
				}
				since = page.path("nextToken").asString();
				this.position = Math.max(this.position, SyncToken.decode(since).position());
				if (page.path("events").isEmpty()) {
					return socket;
				}
			}
		}

		/** The frames of one connection: each once, in log order, seqs in order. */
		final class Connection {

			final Set<String> ids = new HashSet<>();

			final Map<String, Long> lastSeq = new HashMap<>();

			long lastPosition = -1;

			void apply(JsonNode frame) {
				if (!"event".equals(frame.path("type").asString())) {
					return;
				}
				JsonNode event = frame.path("event");
				String id = event.path("id").asString();
				long position = SyncToken.decode(frame.path("syncToken").asString()).position();
				assertThat(this.ids.add(id)).as("event %s twice on one connection", id).isTrue();
				assertThat(position).as("log order on one connection").isGreaterThan(this.lastPosition);
				this.lastPosition = position;
				if ("message.created".equals(event.path("type").asString())) {
					String chat = event.path("chatId").asString();
					long seq = event.path("seq").asLong();
					Long previous = this.lastSeq.put(chat, seq);
					assertThat(previous == null || seq > previous).as("seq order in %s", chat).isTrue();
				}
				Client.this.collected.add(id);
				Client.this.position = Math.max(Client.this.position, position);
			}

		}

	}

	private List<String> allEvents(UUID user, String since) throws Exception {
		List<String> ids = new ArrayList<>();
		String token = since;
		while (true) {
			JsonNode page = SocketClient.JSON.readTree(request(0, user, "GET", "/api/sync?since=" + token, null));
			page.path("events").forEach((event) -> ids.add(event.path("id").asString()));
			token = page.path("nextToken").asString();
			if (page.path("events").isEmpty()) {
				return ids;
			}
		}
	}

	private String freshToken(UUID user) throws Exception {
		return SocketClient.JSON.readTree(request(0, user, "GET", "/api/sync", null)).path("nextToken").asString();
	}

	private String createChat(UUID owner, String type, List<UUID> members) throws Exception {
		StringBuilder ids = new StringBuilder();
		members.forEach((member) -> ids.append(ids.isEmpty() ? "" : ",").append('"').append(member).append('"'));
		String title = "group".equals(type) ? ",\"title\":\"t\"" : "";
		return SocketClient.JSON
			.readTree(request(0, owner, "POST", "/api/chats",
					"{\"type\":\"" + type + "\"" + title + ",\"memberIds\":[" + ids + "]}"))
			.path("id")
			.asString();
	}

	private void send(int instance, UUID sender, String chat, String content) throws Exception {
		request(instance, sender, "POST", "/api/chats/" + chat + "/messages", "{\"content\":\"" + content + "\"}");
	}

	private String request(int instance, UUID user, String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.ports.get(instance) + path))
			.timeout(Duration.ofSeconds(20))
			.header("Authorization", "Bearer " + ChatsTestSupport.token(user));
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isLessThan(500);
		return response.body();
	}

}
