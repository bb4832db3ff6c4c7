package io.chatapp.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One device of a chat member that only reads: it holds a {@code /ws} socket on one
 * chats-api instance and, when the socket drops, does what docs/contract.md asks of a
 * client. It reconnects (to the next instance first, then round the list, backing off),
 * waits for {@code ready}, calls {@code /api/sync?since=<the last token it holds>} until
 * no events come back, and only then takes positions from socket frames again. Events are
 * applied idempotently by id, as the contract says a client must.
 *
 * <p>
 * It records every {@code message.created} it receives and how: the first receipt of a
 * message counts as delivered, a repeat on the same connection is a <em>socket
 * duplicate</em> (the server sent one event twice on one socket: a defect), and a repeat
 * across connections or between a socket and a resume sync is a <em>resume overlap</em>
 * (allowed: the client drops it by id). Per connection, a chat's messages must arrive in
 * seq order.
 */
final class SocketClient implements AutoCloseable {

	private final ChatClient.User user;

	private final List<String> instances;

	private final HttpClient http;

	private final Thread thread;

	/** Guards {@link #token}, {@link #received} and {@link #current}. */
	private final Object lock = new Object();

	/** The position up to which this device has seen every event. */
	private String token;

	/** Message id to the connection numbers that brought it (0 = a resume sync). */
	private final Map<String, List<Integer>> received = new HashMap<>();

	private final Map<String, Long> lastSeqOnConnection = new ConcurrentHashMap<>();

	private final AtomicLong socketDuplicates = new AtomicLong();

	private final AtomicLong resumeOverlaps = new AtomicLong();

	private final AtomicLong orderViolations = new AtomicLong();

	private final AtomicLong syncedEvents = new AtomicLong();

	private final List<String> connections = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Void> firstReady = new CompletableFuture<>();

	private Connection current;

	private volatile boolean closed;

	/**
	 * @param user the member
	 * @param instances base URLs of the chats-api instances
	 * @param first the instance it connects to first
	 */
	SocketClient(ChatClient.User user, List<String> instances, int first) {
		this.user = user;
		this.instances = List.copyOf(instances);
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
		this.thread = new Thread(() -> run(first), "socket-" + user.username() + "-" + first);
		this.thread.setDaemon(true);
	}

	ChatClient.User user() {
		return this.user;
	}

	/**
	 * Connects and waits for the first {@code ready}.
	 * @param timeout the longest wait
	 */
	void connect(Duration timeout) {
		this.thread.start();
		try {
			this.firstReady.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(this.user.username() + " got no ready within " + timeout, ex);
		}
	}

	/**
	 * Whether the message reached this device (by socket or resume sync).
	 * @param messageId the message id
	 * @return true once received
	 */
	boolean hasReceived(String messageId) {
		synchronized (this.lock) {
			return this.received.containsKey(messageId);
		}
	}

	long socketDuplicates() {
		return this.socketDuplicates.get();
	}

	long resumeOverlaps() {
		return this.resumeOverlaps.get();
	}

	long orderViolations() {
		return this.orderViolations.get();
	}

	/** Message events that came through resume syncs (first receipts only). */
	long syncedEvents() {
		return this.syncedEvents.get();
	}

	/** Every connection it held (and was ready on), by instance. */
	List<String> connections() {
		return List.copyOf(this.connections);
	}

	int reconnects() {
		return Math.max(0, this.connections.size() - 1);
	}

	@Override
	public void close() {
		this.closed = true;
		Connection connection;
		synchronized (this.lock) {
			connection = this.current;
		}
		if (connection != null) {
			connection.abort();
		}
		this.thread.interrupt();
	}

	private void run(int first) {
		int next = first;
		int number = 0;
		Duration backoff = Duration.ofMillis(250);
		while (!this.closed) {
			int instance = next;
			String base = this.instances.get(instance);
			number++;
			Connection connection = new Connection(number);
			try {
				connection.open(base);
				synchronized (this.lock) {
					this.current = connection;
				}
				if (!this.firstReady.isDone()) {
					synchronized (this.lock) {
						this.token = connection.readyToken;
					}
					connection.startPositions();
					this.firstReady.complete(null);
				}
				else {
					resume(base, connection);
				}
				this.connections.add("chats-api instance " + (instance + 1));
				backoff = Duration.ofMillis(250);
				connection.ended.get();
				// An instance that went away: the other one first.
				next = (instance + 1) % this.instances.size();
			}
			catch (Exception ex) {
				connection.abort();
				if (this.closed || Thread.currentThread().isInterrupted()) {
					return;
				}
				next = (instance + 1) % this.instances.size();
				try {
					Thread.sleep(backoff.toMillis());
				}
				catch (InterruptedException interrupted) {
					return;
				}
				backoff = (backoff.toMillis() >= 2000) ? Duration.ofSeconds(2) : backoff.multipliedBy(2);
			}
		}
	}

	/**
	 * The contract's resume: the socket is open and ready, now sync from the last token
	 * held until nothing is left; only then may socket frames move the token.
	 */
	private void resume(String base, Connection connection) throws IOException, InterruptedException {
		String since;
		synchronized (this.lock) {
			since = this.token;
		}
		while (true) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create(base + "/api/sync?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Bearer " + this.user.token())
				.GET()
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("sync -> " + response.statusCode() + " " + response.body());
			}
			JsonNode page = ChatClient.parse(response.body());
			for (JsonNode event : page.path("events")) {
				accept(event, 0);
			}
			since = page.get("nextToken").asText();
			if (page.path("events").isEmpty()) {
				break;
			}
		}
		synchronized (this.lock) {
			this.token = since;
		}
		connection.startPositions();
	}

	private void accept(JsonNode event, int connection) {
		if (!event.path("type").asText().equals("message.created")) {
			return;
		}
		String messageId = event.path("data").path("id").asText();
		synchronized (this.lock) {
			List<Integer> receipts = this.received.computeIfAbsent(messageId, (id) -> new CopyOnWriteArrayList<>());
			if (connection != 0 && receipts.contains(connection)) {
				this.socketDuplicates.incrementAndGet();
			}
			else if (!receipts.isEmpty()) {
				this.resumeOverlaps.incrementAndGet();
			}
			else if (connection == 0) {
				this.syncedEvents.incrementAndGet();
			}
			receipts.add(connection);
		}
		if (connection != 0) {
			long seq = event.path("seq").asLong();
			Long previous = this.lastSeqOnConnection.put(connection + "/" + event.path("chatId").asText(), seq);
			if (previous != null && seq <= previous) {
				this.orderViolations.incrementAndGet();
			}
		}
	}

	/**
	 * One socket: open, authenticate, then frames until it ends.
	 */
	private final class Connection implements WebSocket.Listener {

		private final int number;

		private final CompletableFuture<String> ready = new CompletableFuture<>();

		private final CompletableFuture<String> ended = new CompletableFuture<>();

		private final StringBuilder partial = new StringBuilder();

		private volatile boolean positions;

		private volatile WebSocket socket;

		private volatile Thread pinger;

		private String readyToken;

		Connection(int number) {
			this.number = number;
		}

		void open(String base) throws Exception {
			URI uri = URI.create(base.replaceFirst("^http", "ws") + "/ws");
			this.socket = SocketClient.this.http.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(3))
				.buildAsync(uri, this)
				.get(5, TimeUnit.SECONDS);
			this.socket.sendText("{\"type\":\"auth\",\"token\":\"" + SocketClient.this.user.token() + "\"}", true)
				.get(5, TimeUnit.SECONDS);
			this.readyToken = this.ready.get(10, TimeUnit.SECONDS);
			// The server closes a socket that says nothing for 60 s.
			this.pinger = new Thread(this::ping, "ping-" + SocketClient.this.user.username() + "-" + this.number);
			this.pinger.setDaemon(true);
			this.pinger.start();
		}

		/** From now on, each event frame's token is a position this device holds. */
		void startPositions() {
			this.positions = true;
		}

		void abort() {
			WebSocket open = this.socket;
			if (open != null) {
				open.abort();
			}
			this.ended.complete("closed by the client");
			Thread ping = this.pinger;
			if (ping != null) {
				ping.interrupt();
			}
		}

		private void ping() {
			while (!this.ended.isDone()) {
				try {
					Thread.sleep(20_000);
					this.socket.sendText("{\"type\":\"ping\"}", true);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				JsonNode frame = ChatClient.parse(this.partial.toString());
				this.partial.setLength(0);
				String type = frame.path("type").asText();
				if (type.equals("ready")) {
					this.ready.complete(frame.path("syncToken").asText());
				}
				else if (type.equals("event") && frame.hasNonNull("syncToken")) {
					accept(frame.get("event"), this.number);
					if (this.positions) {
						synchronized (SocketClient.this.lock) {
							SocketClient.this.token = frame.get("syncToken").asText();
						}
					}
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.ended.complete("closed " + statusCode + " " + reason);
			this.ready.completeExceptionally(new IOException("closed " + statusCode));
			stopPinging();
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.ended.complete(error.getClass().getSimpleName());
			this.ready.completeExceptionally(error);
			stopPinging();
		}

		private void stopPinging() {
			Thread ping = this.pinger;
			if (ping != null) {
				ping.interrupt();
			}
		}

	}

}
