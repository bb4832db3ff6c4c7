package io.chatapp.chats.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.fail;

/**
 * A WebSocket client for tests, on the JDK's client: frames are queued as JSON, the close
 * code is kept, and reading can be stopped to play a stalled client (the JDK client reads
 * from the network only as frames are requested).
 */
final class SocketClient implements WebSocket.Listener {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

	final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private volatile boolean stalled;

	private volatile WebSocket socket;

	static SocketClient connect(int port) {
		SocketClient client = new SocketClient();
		client.socket = HTTP.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
			.orTimeout(10, TimeUnit.SECONDS)
			.join();
		return client;
	}

	/** Connects, authenticates and returns the {@code ready} frame. */
	static SocketClient ready(int port, String token) {
		SocketClient client = connect(port);
		client.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
		JsonNode ready = client.next(Duration.ofSeconds(10));
		if (!"ready".equals(ready.path("type").asString())) {
			fail("Expected ready, got " + ready);
		}
		client.ready = ready;
		return client;
	}

	volatile JsonNode ready;

	void send(String text) {
		this.socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
	}

	void sendBinary(byte[] bytes) {
		this.socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
	}

	/** The next frame; fails the test if none comes in time. */
	JsonNode next(Duration timeout) {
		try {
			JsonNode frame = this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (frame == null) {
				fail("No frame within " + timeout + (this.closed.isDone() ? "; closed " + this.closed.join() : ""));
			}
			return frame;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The next frame that matches, skipping others. */
	JsonNode await(Predicate<JsonNode> match, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				fail("No matching frame within " + timeout);
			}
			JsonNode frame = next(Duration.ofNanos(left));
			if (match.test(frame)) {
				return frame;
			}
		}
	}

	/** Waits for the server to close the socket and returns its code. */
	int closeCode(Duration timeout) {
		return this.closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	/** Stops reading: frames pile up on the server's side. */
	void stall() {
		this.stalled = true;
	}

	void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "")
				.orTimeout(5, TimeUnit.SECONDS)
				.exceptionally((ex) -> null);
		}
		this.socket.abort();
	}

	/** Drops the connection without a close frame, as a lost network does. */
	void abort() {
		this.socket.abort();
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		webSocket.request(1);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.frames.add(JSON.readTree(this.partial.toString()));
			this.partial.setLength(0);
		}
		if (!this.stalled) {
			webSocket.request(1);
		}
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(-1);
	}

}
