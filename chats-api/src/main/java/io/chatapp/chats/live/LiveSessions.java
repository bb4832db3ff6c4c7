package io.chatapp.chats.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.chats.sync.EventFeed;
import io.chatapp.chats.sync.EventFeed.LoggedEvent;
import io.chatapp.chats.sync.EventFeed.Membership;
import io.chatapp.chats.sync.SyncToken;
import io.chatapp.outbox.Traceparent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * The sockets open on this instance, by user, and the delivery of the event log to them.
 *
 * <p>
 * A socket is registered at the feed's current position, while no batch is being handed
 * over, and its {@code ready} frame is queued before anything else: it then gets every
 * event after that position that its user may see (the membership intervals of
 * {@code /api/sync}), in log order, each frame with the token after it.
 * <p>
 * An event that reaches at least one socket here is handed over under a
 * {@code deliver <type>} span, a child of the trace context stored with the event, so a
 * message's trace ends with the instances that pushed it (and how many sockets, and how
 * long after the write). Events written outside a trace get no span.
 */
@Component
class LiveSessions implements EventFeed.Listener, DisposableBean {

	/** Sockets the event was queued for on this instance. */
	static final AttributeKey<Long> SOCKETS = AttributeKey.longKey("chatapp.live.sockets");

	/** Milliseconds from the write of the change to its hand-over to the sockets. */
	static final AttributeKey<Long> WAITED = AttributeKey.longKey("chatapp.live.waited_ms");

	private final EventFeed feed;

	private final JsonMapper json;

	private final Clock clock;

	private final ChatsProperties.Live properties;

	private final PresenceReporter presence;

	private final Tracer tracer;

	private final Set<LiveSession> all = ConcurrentHashMap.newKeySet();

	private final Map<UUID, Set<LiveSession>> byUser = new ConcurrentHashMap<>();

	/** Starts writes; each write is asynchronous, so a few threads serve every socket. */
	private final ExecutorService writer = Executors.newFixedThreadPool(2, daemon("live-writer"));

	/** Closes sockets; a close may wait for a stalled client up to the send timeout. */
	private final ExecutorService closer = Executors.newFixedThreadPool(2, daemon("live-closer"));

	private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(daemon("live-sweeper"));

	LiveSessions(EventFeed feed, JsonMapper json, Clock clock, ChatsProperties properties, PresenceReporter presence,
			ObjectProvider<MeterRegistry> meters, ObjectProvider<OpenTelemetry> openTelemetry) {
		this.feed = feed;
		this.tracer = openTelemetry.getIfAvailable(OpenTelemetry::noop).getTracer("io.chatapp.chats.live");
		this.json = json;
		this.clock = clock;
		this.properties = properties.live();
		this.presence = presence;
		presence.watch(this.byUser::keySet);
		feed.addListener(this);
		this.sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
		meters.ifAvailable((registry) -> {
			Gauge.builder("chatapp.live.sockets", this.all, Set::size)
				.description("WebSocket connections open on this instance")
				.register(registry);
			Gauge.builder("chatapp.live.users", this.byUser, Map::size)
				.description("Users with at least one authenticated socket on this instance")
				.register(registry);
			Gauge.builder("chatapp.live.queued", this, LiveSessions::queued)
				.description("Frames waiting to be written, over all sockets")
				.register(registry);
		});
	}

	private double queued() {
		long queued = 0;
		for (LiveSession session : this.all) {
			queued += session.queued();
		}
		return queued;
	}

	private static ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	LiveSession open(org.springframework.web.socket.WebSocketSession socket) {
		LiveSession session = new LiveSession(socket, this.writer, this.closer, this.properties.queueFrames(),
				this.properties.queueBytes(),
				new InboundRate(this.properties.framesPerSecond(), this.properties.frameBurst()));
		if (this.all.size() >= this.properties.maxSockets()) {
			session.closeLater(LiveCloseCodes.TRY_AGAIN_LATER.withReason("Too many sockets on this instance"));
			return session;
		}
		this.all.add(session);
		return session;
	}

	/**
	 * Makes the socket the user's: {@code ready}, then the events after the feed's
	 * current position.
	 */
	void authenticate(LiveSession session, UUID userId, Instant expiresAt) {
		this.feed.atPosition((position) -> {
			session.authenticated(userId, expiresAt, position);
			Map<String, Object> ready = new LinkedHashMap<>();
			ready.put("type", "ready");
			ready.put("userId", userId);
			ready.put("syncToken", new SyncToken(position).encode());
			ready.put("heartbeatSeconds", this.properties.heartbeat().toSeconds());
			ready.put("idleTimeoutSeconds", this.properties.idleTimeout().toSeconds());
			session.offer(this.json.writeValueAsString(ready), LiveSession.Kind.CONTROL);
			this.byUser.compute(userId, (key, sessions) -> {
				Set<LiveSession> updated = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
				updated.add(session);
				return updated;
			});
			return null;
		});
		this.presence.connected(userId);
		if (!session.isOpen()) {
			// Closed while authenticating: make sure it is not left behind.
			closed(session);
		}
	}

	void closed(LiveSession session) {
		this.all.remove(session);
		UUID userId = session.userId();
		if (userId == null) {
			return;
		}
		boolean last = this.byUser.computeIfPresent(userId, (key, sessions) -> {
			sessions.remove(session);
			return sessions.isEmpty() ? null : sessions;
		}) == null;
		if (last) {
			this.presence.disconnected(userId);
		}
	}

	/** Sockets open on this instance, authenticated or not. */
	int size() {
		return this.all.size();
	}

	/** The user's sockets on this instance. */
	int count(UUID userId) {
		Set<LiveSession> sessions = this.byUser.get(userId);
		return (sessions != null) ? sessions.size() : 0;
	}

	@Override
	public void onEvents(List<LoggedEvent> events, Map<UUID, List<Membership>> memberships) {
		if (this.byUser.isEmpty()) {
			return;
		}
		for (LoggedEvent event : events) {
			String frame = null;
			Span span = null;
			int sockets = 0;
			for (Membership membership : memberships.getOrDefault(event.chatId(), List.of())) {
				if (!membership.covers(event)) {
					continue;
				}
				Set<LiveSession> sessions = this.byUser.get(membership.userId());
				if (sessions == null) {
					continue;
				}
				for (LiveSession session : sessions) {
					if (session.follows(event.position())) {
						if (frame == null) {
							frame = "{\"type\":\"event\",\"event\":" + event.payload() + ",\"syncToken\":\""
									+ event.syncToken() + "\"}";
							span = deliverySpan(event);
						}
						session.offer(frame, LiveSession.Kind.EVENT);
						sockets++;
					}
				}
			}
			if (span != null) {
				span.setAttribute(SOCKETS, sockets);
				span.end();
			}
		}
	}

	/**
	 * {@code deliver <type>}, a child of the event's stored trace context; a span that
	 * records nothing if the event has none.
	 */
	private Span deliverySpan(LoggedEvent event) {
		SpanContext parent = Traceparent.parse(event.traceparent());
		if (parent == null) {
			return Span.getInvalid();
		}
		Instant now = this.clock.instant();
		return this.tracer.spanBuilder("deliver " + event.type())
			.setSpanKind(SpanKind.PRODUCER)
			.setParent(Context.root().with(Span.wrap(parent)))
			.setAttribute("messaging.system", "websocket")
			.setAttribute("messaging.operation.type", "send")
			.setAttribute("chatapp.chat.id", event.chatId().toString())
			.setAttribute("chatapp.log_pos", event.position())
			.setAttribute(WAITED, Math.max(0, Duration.between(event.recordedAt(), now).toMillis()))
			.startSpan();
	}

	/**
	 * Sends a signal ({@code typing}, {@code presence.updated}) to the sockets of some
	 * users.
	 * @param users the recipients (those without a socket here are skipped)
	 * @param except a user who does not get it, or {@code null}
	 * @param event the signal's event
	 */
	void signal(Collection<UUID> users, UUID except, Map<String, Object> event) {
		String frame = null;
		for (UUID user : users) {
			if (user.equals(except)) {
				continue;
			}
			Set<LiveSession> sessions = this.byUser.get(user);
			if (sessions == null) {
				continue;
			}
			if (frame == null) {
				frame = this.json.writeValueAsString(Map.of("type", "event", "event", event));
			}
			for (LiveSession session : sessions) {
				session.offer(frame, LiveSession.Kind.SIGNAL);
			}
		}
	}

	/**
	 * Closes sockets that never authenticated, whose token expired, or that went silent.
	 */
	void sweep() {
		long now = System.nanoTime();
		Instant wallClock = this.clock.instant();
		for (LiveSession session : this.all) {
			if (!session.authenticated()) {
				if (now - session.openedNanos() > this.properties.authTimeout().toNanos()) {
					session.closeLater(LiveCloseCodes.UNAUTHORIZED.withReason("No auth frame in time"));
				}
			}
			else if (session.expiresAt() != null && !wallClock.isBefore(session.expiresAt())) {
				session.closeLater(LiveCloseCodes.UNAUTHORIZED.withReason("Token expired"));
			}
			else if (now - session.lastReceivedNanos() > this.properties.idleTimeout().toNanos()) {
				session.closeLater(LiveCloseCodes.IDLE);
			}
		}
	}

	/** Tells every client this instance is going away, so they reconnect elsewhere. */
	@Override
	public void destroy() {
		this.sweeper.shutdownNow();
		for (LiveSession session : this.all) {
			session.closeLater(CloseStatus.GOING_AWAY);
		}
		this.closer.shutdown();
		try {
			this.closer.awaitTermination(3, TimeUnit.SECONDS);
			this.writer.shutdownNow();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
