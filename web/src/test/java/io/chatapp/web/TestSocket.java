package io.chatapp.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client as a browser would hold one, on a real socket: collects whole text
 * messages and the close code it received.
 */
final class TestSocket implements WebSocket.Listener {

	private static final HttpClient client = HttpClient.newHttpClient();

	final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

	final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	WebSocket socket;

	static TestSocket connect(int port, String origin) throws Exception {
		TestSocket listener = new TestSocket();
		WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		if (origin != null) {
			builder.header("Origin", origin);
		}
		listener.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener)
			.get(10, TimeUnit.SECONDS);
		return listener;
	}

	void send(String text) throws Exception {
		this.socket.sendText(text, true).get(5, TimeUnit.SECONDS);
	}

	String next() throws InterruptedException {
		return this.messages.poll(10, TimeUnit.SECONDS);
	}

	int awaitClose() throws Exception {
		return this.closeCode.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		webSocket.request(1);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.messages.add(this.partial.toString());
			this.partial.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closeCode.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closeCode.completeExceptionally(error);
	}

}
