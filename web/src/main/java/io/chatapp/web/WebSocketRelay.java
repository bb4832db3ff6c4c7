package io.chatapp.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Relays each browser WebSocket on {@code /ws} to a socket of its own on one chats-api
 * instance, chosen by the same load balancer as the HTTP routes. Frames pass both ways
 * unchanged, one message at a time: the next frame is read from a side only once the
 * previous one was handed to the other side, so a slow reader slows its writer instead of
 * filling a buffer here. Close codes pass both ways unchanged (4401, 4408, 4409, 4429,
 * 1009 reach the browser as chats-api sent them).
 *
 * <p>
 * Spring Cloud Gateway's server-webmvc flavour proxies HTTP only; see the module README.
 */
final class WebSocketRelay extends AbstractWebSocketHandler implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);

	/** RFC 6455: the peer went away (a client should reconnect). */
	static final CloseStatus UPSTREAM_LOST = new CloseStatus(1001, "chats-api connection lost");

	/** RFC 6455 1013: try again later. */
	static final CloseStatus UPSTREAM_UNAVAILABLE = new CloseStatus(1013, "chats-api unavailable");

	private static final CloseStatus TOO_MANY_SOCKETS = new CloseStatus(1013, "too many connections");

	private static final CloseStatus FRAME_TOO_LARGE = new CloseStatus(1009, "frame too large");

	private static final long SEND_TIMEOUT_SECONDS = 30;

	private final LoadBalancerClient loadBalancer;

	private final WebProperties properties;

	private final HttpClient client;

	private final Executor browserWriters;

	private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();

	WebSocketRelay(LoadBalancerClient loadBalancer, WebProperties properties, HttpClient client,
			Executor browserWriters) {
		this.loadBalancer = loadBalancer;
		this.properties = properties;
		this.client = client;
		this.browserWriters = browserWriters;
	}

	int openSockets() {
		return this.upstreams.size();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession browser) throws Exception {
		if (this.upstreams.size() >= this.properties.maxSockets()) {
			browser.close(TOO_MANY_SOCKETS);
			return;
		}
		// Connected before the browser's first frame is read: nothing waits in between.
		// A second instance is tried when the first cannot be reached.
		int attempts = Math.min(3, Math.max(1, this.properties.chatsApiUrls().size()));
		for (int attempt = 0; attempt < attempts; attempt++) {
			ServiceInstance instance = this.loadBalancer.choose(ChatsApiInstances.SERVICE_ID);
			if (instance == null) {
				break;
			}
			URI target = socketUri(instance);
			Upstream upstream = new Upstream(browser);
			try {
				WebSocket socket = this.client.newWebSocketBuilder()
					.connectTimeout(this.properties.connectTimeout())
					.header("X-Forwarded-For", remoteAddress(browser))
					.buildAsync(target, upstream)
					.get(this.properties.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
				upstream.socket = socket;
				this.upstreams.put(browser.getId(), upstream);
				return;
			}
			catch (ExecutionException | TimeoutException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				log.warn("WebSocket to {} failed: {}", target, cause.toString());
			}
		}
		browser.close(UPSTREAM_UNAVAILABLE);
	}

	@Override
	protected void handleTextMessage(WebSocketSession browser, TextMessage message) {
		forward(browser, message, (socket) -> socket.sendText(message.getPayload(), true));
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession browser, BinaryMessage message) {
		forward(browser, message, (socket) -> socket.sendBinary(message.getPayload(), true));
	}

	/**
	 * Hands a browser frame to chats-api and returns only once it was written: Tomcat
	 * reads the browser's next frame after this returns.
	 */
	private void forward(WebSocketSession browser, WebSocketMessage<?> message,
			java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) {
		Upstream upstream = this.upstreams.get(browser.getId());
		if (upstream == null || upstream.socket.isOutputClosed()) {
			return;
		}
		try {
			send.apply(upstream.socket).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			upstream.lost();
		}
		catch (ExecutionException | TimeoutException ex) {
			log.warn("Frame to chats-api failed: {}", ex.toString());
			upstream.lost();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession browser, Throwable exception) {
		log.debug("Browser socket {} failed: {}", browser.getId(), exception.toString());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession browser, CloseStatus status) {
		Upstream upstream = this.upstreams.remove(browser.getId());
		if (upstream != null) {
			upstream.browserClosed(status);
		}
	}

	@Override
	public void destroy() {
		List.copyOf(this.upstreams.values()).forEach(Upstream::shutdown);
	}

	private static URI socketUri(ServiceInstance instance) {
		return URI.create(
				(instance.isSecure() ? "wss" : "ws") + "://" + instance.getHost() + ":" + instance.getPort() + "/ws");
	}

	private static String remoteAddress(WebSocketSession browser) {
		return (browser.getRemoteAddress() != null) ? browser.getRemoteAddress().getAddress().getHostAddress()
				: "unknown";
	}

	/**
	 * A close code the browser sent, as chats-api may receive it: the codes a WebSocket
	 * client may not send (1005 no code, 1006 dropped, and the server-only ones) become
	 * 1000 or 1001.
	 */
	static int toUpstream(int code) {
		if (code == 1000 || code == 1001 || code == 1008 || code == 1011 || (code >= 3000 && code <= 4999)) {
			return code;
		}
		return (code == 1005) ? 1000 : 1001;
	}

	/**
	 * A close code chats-api sent, as the browser may receive it: all pass unchanged but
	 * those that cannot be sent in a close frame (1005 no code, 1006 dropped, 1015).
	 */
	static CloseStatus toBrowser(int code, String reason) {
		if (code == 1005) {
			return CloseStatus.NORMAL;
		}
		if (code == 1006 || code == 1015 || code < 1000 || code > 4999) {
			return UPSTREAM_LOST;
		}
		return new CloseStatus(code, reason);
	}

	/**
	 * One browser socket's connection to chats-api; receives chats-api's frames and
	 * writes them to the browser one message at a time.
	 */
	private final class Upstream implements WebSocket.Listener {

		private final WebSocketSession browser;

		private volatile WebSocket socket;

		private volatile boolean closed;

		private StringBuilder text = new StringBuilder();

		private ByteArrayOutputStream binary = new ByteArrayOutputStream();

		Upstream(WebSocketSession browser) {
			this.browser = browser;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			this.socket = webSocket;
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (this.text.length() + data.length() > WebSocketRelay.this.properties.maxServerFrameSize().toBytes()) {
				tooLarge(webSocket);
				return null;
			}
			this.text.append(data);
			if (!last) {
				webSocket.request(1);
				return null;
			}
			TextMessage message = new TextMessage(this.text.toString());
			this.text = new StringBuilder();
			writeToBrowser(webSocket, message);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			if (this.binary.size() + data.remaining() > WebSocketRelay.this.properties.maxServerFrameSize().toBytes()) {
				tooLarge(webSocket);
				return null;
			}
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.binary.writeBytes(bytes);
			if (!last) {
				webSocket.request(1);
				return null;
			}
			BinaryMessage message = new BinaryMessage(this.binary.toByteArray());
			this.binary = new ByteArrayOutputStream();
			writeToBrowser(webSocket, message);
			return null;
		}

		/**
		 * Writes on a thread of its own (Tomcat's send blocks while the browser reads
		 * slowly), then asks chats-api's socket for the next message.
		 */
		private void writeToBrowser(WebSocket webSocket, WebSocketMessage<?> message) {
			CompletableFuture.runAsync(() -> {
				if (!this.browser.isOpen()) {
					return;
				}
				try {
					this.browser.sendMessage(message);
				}
				catch (IOException | RuntimeException ex) {
					log.debug("Frame to browser {} failed: {}", this.browser.getId(), ex.toString());
					lost();
				}
			}, WebSocketRelay.this.browserWriters).whenComplete((ignored, ex) -> webSocket.request(1));
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed = true;
			closeBrowser(toBrowser(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			log.debug("chats-api socket for browser {} failed: {}", this.browser.getId(), error.toString());
			this.closed = true;
			closeBrowser(UPSTREAM_LOST);
		}

		private void tooLarge(WebSocket webSocket) {
			this.closed = true;
			webSocket.abort();
			closeBrowser(FRAME_TOO_LARGE);
		}

		/** The browser closed: chats-api gets its close code. */
		void browserClosed(CloseStatus status) {
			WebSocket webSocket = this.socket;
			if (this.closed || webSocket == null) {
				return;
			}
			this.closed = true;
			String reason = (status.getReason() != null) ? status.getReason() : "";
			webSocket.sendClose(toUpstream(status.getCode()), reason)
				.orTimeout(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.whenComplete((ignored, ex) -> {
					if (ex != null) {
						webSocket.abort();
					}
				});
			// Our side is closed; chats-api's answering close is read (and dropped).
			webSocket.request(Long.MAX_VALUE);
		}

		/** This process stops: both sides are told it is going away (1001). */
		void shutdown() {
			WebSocket webSocket = this.socket;
			if (!this.closed && webSocket != null) {
				this.closed = true;
				webSocket.sendClose(CloseStatus.GOING_AWAY.getCode(), "web stopping");
			}
			closeBrowser(CloseStatus.GOING_AWAY.withReason("web stopping"));
		}

		/**
		 * Either side failed: the browser gets 1001 (reconnect), chats-api is cut off.
		 */
		void lost() {
			this.closed = true;
			WebSocket webSocket = this.socket;
			if (webSocket != null) {
				webSocket.abort();
			}
			closeBrowser(UPSTREAM_LOST);
		}

		private void closeBrowser(CloseStatus status) {
			WebSocketRelay.this.upstreams.remove(this.browser.getId(), this);
			if (!this.browser.isOpen()) {
				return;
			}
			try {
				this.browser.close(status);
			}
			catch (IOException | RuntimeException ex) {
				log.debug("Closing browser {} failed: {}", this.browser.getId(), ex.toString());
			}
		}

	}

}
