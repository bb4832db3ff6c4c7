package io.chatapp.chats.live;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.chatapp.chats.ChatsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws}: the contract's handshake ({@code auth}, then {@code ready}), then
 * {@code ping} and {@code typing} from the client while {@link LiveSessions} pushes
 * events. A frame the server cannot use gets an {@code error} frame and the socket stays
 * open; the limits close it with a documented code ({@link LiveCloseCodes}). Nothing a
 * client sends reaches the log as a server error.
 */
@Component
class ChatSocketHandler extends TextWebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);

	private static final String SESSION = LiveSession.class.getName();

	private static final String PONG = "{\"type\":\"pong\"}";

	private final LiveSessions sessions;

	private final LiveSignals signals;

	private final JwtDecoder tokens;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Clock clock;

	private final ChatsProperties.Live properties;

	/** When each user last passed on typing in each chat. */
	private final Map<String, Long> typingPassedAt = new ConcurrentHashMap<>();

	ChatSocketHandler(LiveSessions sessions, LiveSignals signals, JwtDecoder tokens, JdbcClient jdbc, JsonMapper json,
			Clock clock, ChatsProperties properties) {
		this.sessions = sessions;
		this.signals = signals;
		this.tokens = tokens;
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
		this.properties = properties.live();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession socket) {
		socket.getAttributes().put(SESSION, this.sessions.open(socket));
	}

	@Override
	protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
		LiveSession session = session(socket);
		if (session == null) {
			return;
		}
		try {
			handle(session, message);
		}
		catch (RuntimeException ex) {
			// A server fault, not the client's: one line, and the client reconnects.
			log.error("Socket {} frame not handled", socket.getId(), ex);
			session.closeLater(CloseStatus.SERVER_ERROR);
		}
	}

	private void handle(LiveSession session, TextMessage message) {
		if (!session.received()) {
			session.closeLater(LiveCloseCodes.TOO_MANY_FRAMES);
			return;
		}
		JsonNode frame;
		try {
			frame = this.json.readTree(message.getPayload());
		}
		catch (JacksonException ex) {
			frame = null;
		}
		if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
			refuse(session, "bad_frame", "A frame is a JSON object with a string \"type\"");
			return;
		}
		String type = frame.path("type").asString();
		if (!session.authenticated()) {
			if ("auth".equals(type)) {
				authenticate(session, frame);
			}
			else {
				session.closeLater(LiveCloseCodes.UNAUTHORIZED.withReason("Send auth first"));
			}
			return;
		}
		switch (type) {
			case "ping" -> session.offer(PONG, LiveSession.Kind.CONTROL);
			case "typing" -> typing(session, frame);
			case "auth" -> refuse(session, "already_authenticated", "This socket is already authenticated");
			default -> refuse(session, "unknown_type", "Unknown frame type; expected ping or typing");
		}
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
		LiveSession session = session(socket);
		if (session == null) {
			return;
		}
		if (!session.received()) {
			session.closeLater(LiveCloseCodes.TOO_MANY_FRAMES);
			return;
		}
		refuse(session, "bad_frame", "Frames are JSON text, not binary");
	}

	private void authenticate(LiveSession session, JsonNode frame) {
		JsonNode token = frame.path("token");
		if (!token.isString() || token.asString().isEmpty() || token.asString().length() > 8192) {
			session.closeLater(LiveCloseCodes.UNAUTHORIZED.withReason("Missing or invalid token"));
			return;
		}
		Jwt jwt;
		UUID userId;
		try {
			jwt = this.tokens.decode(token.asString());
			userId = UUID.fromString(jwt.getSubject());
		}
		catch (BadJwtException | IllegalArgumentException | NullPointerException ex) {
			session.closeLater(LiveCloseCodes.UNAUTHORIZED.withReason("Invalid token"));
			return;
		}
		catch (JwtException ex) {
			// Not the token's fault: its keys could not be fetched.
			log.warn("Could not verify a socket's token: {}", ex.toString());
			session.closeLater(LiveCloseCodes.TRY_AGAIN_LATER);
			return;
		}
		try {
			this.sessions.authenticate(session, userId, jwt.getExpiresAt());
		}
		catch (IllegalStateException ex) {
			// The event feed is not running (the database is away): nothing to stream.
			log.warn("Socket not started: {}", ex.getMessage());
			session.closeLater(LiveCloseCodes.TRY_AGAIN_LATER);
		}
	}

	private void typing(LiveSession session, JsonNode frame) {
		UUID chatId;
		try {
			chatId = UUID.fromString(frame.path("chatId").asString(""));
		}
		catch (IllegalArgumentException ex) {
			refuse(session, "bad_frame", "\"chatId\" must be a chat id");
			return;
		}
		UUID userId = session.userId();
		try {
			boolean member = this.jdbc.sql("""
					SELECT EXISTS (SELECT 1 FROM chat_memberships
					               WHERE chat_id = :chatId AND user_id = :userId AND left_event IS NULL)
					""").param("chatId", chatId).param("userId", userId).query(Boolean.class).single();
			if (!member) {
				refuse(session, "not_found", "No such chat");
				return;
			}
		}
		catch (DataAccessException ex) {
			refuse(session, "unavailable", "Try again shortly");
			return;
		}
		if (!passTyping(userId, chatId)) {
			return;
		}
		Instant now = this.clock.instant();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", UUID.randomUUID());
		event.put("type", "typing");
		event.put("chatId", chatId);
		event.put("userId", userId);
		event.put("occurredAt", now.toString());
		event.put("data", Map.of("expiresAt", now.plus(this.properties.typingTtl()).toString()));
		this.signals.typing(chatId, event);
	}

	/** At most one typing per user and chat per interval; the rest are dropped. */
	private boolean passTyping(UUID userId, UUID chatId) {
		long now = System.nanoTime();
		long interval = this.properties.typingInterval().toNanos();
		if (this.typingPassedAt.size() > 100_000) {
			this.typingPassedAt.values().removeIf((at) -> now - at > interval);
		}
		boolean[] passed = { false };
		this.typingPassedAt.compute(userId + "/" + chatId, (key, at) -> {
			if (at != null && now - at < interval) {
				return at;
			}
			passed[0] = true;
			return now;
		});
		return passed[0];
	}

	private void refuse(LiveSession session, String code, String message) {
		session.offer(this.json.writeValueAsString(Map.of("type", "error", "code", code, "message", message)),
				LiveSession.Kind.CONTROL);
	}

	@Override
	public void handleTransportError(WebSocketSession socket, Throwable exception) {
		// A client that went away mid-write, a frame over the size limit: the container
		// closes the socket; nothing for the server log beyond a debug line.
		log.debug("Socket {} transport error: {}", socket.getId(), exception.toString());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
		LiveSession session = session(socket);
		if (session != null) {
			this.sessions.closed(session);
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return false;
	}

	private static LiveSession session(WebSocketSession socket) {
		return (LiveSession) socket.getAttributes().get(SESSION);
	}

}
