package io.chatapp.chats.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import javax.sql.DataSource;

import io.chatapp.chats.ChatsProperties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This instance's tail of the event log: it follows the log in position order as the
 * {@link EventSequencer}s of all instances number events, and hands each batch to its
 * {@link Listener}s (the WebSocket sessions) together with the membership intervals that
 * decide who sees what, the same ones {@code /api/sync} uses.
 *
 * <p>
 * It wakes when this instance's sequencer numbered events, when any instance's sequencer
 * notifies the {@value #CHANNEL} channel (PostgreSQL {@code LISTEN}), and every
 * {@code feedInterval} in case a notification was missed. Long-polling syncs wait on it
 * too.
 *
 * <p>
 * Positions are numbered in committed rounds, one after another, so whenever a position
 * is visible every lower one is: reading after the last position delivered never skips
 * one.
 */
@Component
public class EventFeed implements SmartLifecycle {

	/** The channel the sequencer notifies after numbering events. */
	static final String CHANNEL = "chatapp_event_log";

	private static final Logger log = LoggerFactory.getLogger(EventFeed.class);

	private static final int BATCH = 500;

	private final JdbcClient jdbc;

	private final DataSource dataSource;

	private final Duration interval;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final Semaphore wakeUps = new Semaphore(0);

	/** Guards {@link #position} and the hand-over of a batch to the listeners. */
	private final Object delivery = new Object();

	private long position = -1;

	private volatile boolean running;

	private volatile Thread tail;

	private volatile Thread listener;

	EventFeed(JdbcClient jdbc, DataSource dataSource, ChatsProperties properties) {
		this.jdbc = jdbc;
		this.dataSource = dataSource;
		this.interval = properties.live().feedInterval();
	}

	/**
	 * Adds a listener for every batch from now on.
	 * @param listener the listener
	 */
	public void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Runs an action at the feed's current position, while no batch is being handed over:
	 * a subscriber registered by the action receives exactly the events after the
	 * position it was given.
	 * @param <T> the action's result
	 * @param action receives the position of the last event handed over
	 * @return the action's result
	 * @throws IllegalStateException if the feed has not started within 5 seconds
	 */
	public <T> T atPosition(LongFunction<T> action) {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		synchronized (this.delivery) {
			while (this.position < 0) {
				// Not started yet (the database may be away): the first read sets the
				// position.
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException("The event feed has not started");
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.delivery, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted waiting for the event feed", ex);
				}
			}
			return action.apply(this.position);
		}
	}

	/**
	 * Waits until the feed has gone past a position.
	 * @param after the position
	 * @param timeout the longest wait
	 * @return whether the feed is past the position
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitPast(long after, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.delivery) {
			while (this.position <= after) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.delivery, left);
			}
			return true;
		}
	}

	/** Asks for a read now; cheap, never blocks. */
	void wakeUp() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.tail = start("event-feed", this::follow);
		this.listener = start("event-feed-notifications", this::listen);
	}

	private static Thread start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		for (Thread thread : new Thread[] { this.tail, this.listener }) {
			if (thread != null) {
				thread.interrupt();
				try {
					thread.join(Duration.ofSeconds(5).toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		this.tail = null;
		this.listener = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Starts after the sequencer, stops before it. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2046;
	}

	private void follow() {
		boolean failing = false;
		while (this.running) {
			try {
				if (this.position < 0) {
					long head = this.jdbc.sql("SELECT coalesce(max(log_pos), 0) FROM outbox")
						.query(Long.class)
						.single();
					synchronized (this.delivery) {
						this.position = head;
						this.delivery.notifyAll();
					}
				}
				while (readOnce() == BATCH && this.running) {
					// More to read at once.
				}
				if (failing) {
					log.info("Event feed recovered");
					failing = false;
				}
				this.wakeUps.tryAcquire(this.interval.toMillis(), TimeUnit.MILLISECONDS);
				this.wakeUps.drainPermits();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (!failing) {
					log.warn("Event feed failed; retrying: {}", ex.toString());
					failing = true;
				}
				if (!pause(this.interval)) {
					return;
				}
			}
		}
	}

	private int readOnce() {
		long after;
		synchronized (this.delivery) {
			after = this.position;
		}
		List<LoggedEvent> events = this.jdbc.sql("""
				SELECT log_pos, id, chat_id, event_type, payload::text AS payload, created_at, traceparent
				FROM outbox WHERE log_pos > :after ORDER BY log_pos LIMIT :batch
				""")
			.param("after", after)
			.param("batch", BATCH)
			.query((rs, n) -> new LoggedEvent(rs.getLong("log_pos"), rs.getLong("id"),
					rs.getObject("chat_id", UUID.class), rs.getString("event_type"), rs.getString("payload"),
					rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("traceparent")))
			.list();
		if (events.isEmpty()) {
			return 0;
		}
		Map<UUID, List<Membership>> memberships = memberships(events);
		synchronized (this.delivery) {
			for (Listener listener : this.listeners) {
				try {
					listener.onEvents(events, memberships);
				}
				catch (RuntimeException ex) {
					log.error("Event feed listener failed", ex);
				}
			}
			this.position = events.get(events.size() - 1).position();
			this.delivery.notifyAll();
		}
		return events.size();
	}

	/**
	 * Every membership interval of the batch's chats. Read after the events, so each
	 * interval is known up to at least the batch's events (a join or leave is recorded in
	 * the transaction of its event).
	 */
	private Map<UUID, List<Membership>> memberships(List<LoggedEvent> events) {
		Set<UUID> chats = new LinkedHashSet<>();
		events.forEach((event) -> chats.add(event.chatId()));
		Map<UUID, List<Membership>> byChat = new HashMap<>();
		this.jdbc.sql("""
				SELECT chat_id, user_id, joined_event, left_event FROM chat_memberships
				WHERE chat_id = ANY(:chats)
				""").param("chats", chats.toArray(UUID[]::new)).query((rs) -> {
			UUID chat = rs.getObject("chat_id", UUID.class);
			Long left = rs.getObject("left_event", Long.class);
			byChat.computeIfAbsent(chat, (key) -> new ArrayList<>())
				.add(new Membership(rs.getObject("user_id", UUID.class), rs.getLong("joined_event"),
						(left != null) ? left : Long.MAX_VALUE));
		});
		return byChat;
	}

	/**
	 * Holds one connection that listens on {@value #CHANNEL} and wakes the tail for every
	 * notification; reconnects after a failure.
	 */
	private void listen() {
		while (this.running) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + CHANNEL);
				}
				PGConnection notifications = connection.unwrap(PGConnection.class);
				// Anything numbered while not listening.
				wakeUp();
				while (this.running) {
					PGNotification[] received = notifications.getNotifications(1000);
					if (received != null && received.length > 0) {
						wakeUp();
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running || Thread.currentThread().isInterrupted()) {
					return;
				}
				log.debug("Event log notifications unavailable; polling every {} until they are back: {}",
						this.interval, ex.toString());
				if (!pause(Duration.ofSeconds(1))) {
					return;
				}
			}
		}
	}

	private static boolean pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Reads the batches of the log as they are numbered. */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called on the feed's thread for each batch, in log order, while no subscriber
		 * can register ({@link EventFeed#atPosition}). Must not block.
		 * @param events the batch, in position order
		 * @param memberships every membership interval of the batch's chats, by chat
		 */
		void onEvents(List<LoggedEvent> events, Map<UUID, List<Membership>> memberships);

	}

	/**
	 * An event of the log.
	 *
	 * @param position its log position
	 * @param id its id, a point in its chat's commit order
	 * @param chatId its chat
	 * @param type its type
	 * @param payload its JSON, as in {@code /api/sync}
	 * @param recordedAt when the change that made it was written
	 * @param traceparent the trace context of that change, or {@code null}
	 */
	public record LoggedEvent(long position, long id, UUID chatId, String type, String payload, Instant recordedAt,
			String traceparent) {

		/** The sync token right after this event. */
		public String syncToken() {
			return new SyncToken(this.position).encode();
		}

	}

	/**
	 * A user's membership of a chat: they see its events from {@code joinedEvent} through
	 * {@code leftEvent}, both included.
	 *
	 * @param userId the member
	 * @param joinedEvent the event that added them
	 * @param leftEvent the event that removed them, {@link Long#MAX_VALUE} while a member
	 */
	public record Membership(UUID userId, long joinedEvent, long leftEvent) {

		public boolean covers(LoggedEvent event) {
			return event.id() >= this.joinedEvent && event.id() <= this.leftEvent;
		}

	}

}
