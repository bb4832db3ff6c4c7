package io.chatapp.chats.live;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * One client socket: who it is, what it has been sent, and its own bounded queue of
 * frames to write.
 *
 * <p>
 * Frames are written without blocking (the container's asynchronous send), one at a time,
 * so a slow or stalled client only ever delays itself. When its queue is full, signals
 * ({@code typing}, {@code presence.updated}) are dropped first; an event that still does
 * not fit closes the socket with {@link LiveCloseCodes#RESYNC}, and the client catches up
 * through {@code /api/sync}, so nothing is lost.
 */
final class LiveSession {

	private static final Logger log = LoggerFactory.getLogger(LiveSession.class);

	/** Tomcat's limit on one blocking write (the close frame), so a close never hangs. */
	private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private final WebSocketSession session;

	private final RemoteEndpoint.Async remote;

	private final Executor writer;

	private final Executor closer;

	private final int maxFrames;

	private final int maxBytes;

	private final long openedNanos = System.nanoTime();

	private final ArrayDeque<Frame> queue = new ArrayDeque<>();

	private int queuedBytes;

	private boolean sending;

	private boolean closing;

	private volatile long lastReceivedNanos = System.nanoTime();

	private volatile UUID userId;

	private volatile Instant expiresAt;

	private volatile long startPosition = Long.MAX_VALUE;

	private final InboundRate inbound;

	LiveSession(WebSocketSession session, Executor writer, Executor closer, int maxFrames, int maxBytes,
			InboundRate inbound) {
		this.session = session;
		Session nativeSession = ((NativeWebSocketSession) session).getNativeSession(Session.class);
		nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, 2000L);
		this.remote = nativeSession.getAsyncRemote();
		this.writer = writer;
		this.closer = closer;
		this.maxFrames = maxFrames;
		this.maxBytes = maxBytes;
		this.inbound = inbound;
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	String id() {
		return this.session.getId();
	}

	UUID userId() {
		return this.userId;
	}

	boolean authenticated() {
		return this.userId != null;
	}

	Instant expiresAt() {
		return this.expiresAt;
	}

	long openedNanos() {
		return this.openedNanos;
	}

	long lastReceivedNanos() {
		return this.lastReceivedNanos;
	}

	/** Notes a frame from the client; false when it sends faster than allowed. */
	boolean received() {
		this.lastReceivedNanos = System.nanoTime();
		return this.inbound.tryAcquire();
	}

	/**
	 * Marks the socket as the user's, starting after a log position: it gets the events
	 * after that position.
	 */
	void authenticated(UUID userId, Instant expiresAt, long position) {
		this.startPosition = position;
		this.expiresAt = expiresAt;
		this.userId = userId;
	}

	/** Whether an event at this log position is new to this socket. */
	boolean follows(long position) {
		return position > this.startPosition;
	}

	/**
	 * Queues a frame for writing.
	 * @param text the frame
	 * @param kind what it carries, which decides what gives way when the queue is full
	 * @return false if it was dropped (or the socket is closing)
	 */
	boolean offer(String text, Kind kind) {
		int size = text.length();
		synchronized (this) {
			if (this.closing) {
				return false;
			}
			if (!fits(size)) {
				if (kind == Kind.SIGNAL) {
					return false;
				}
				dropSignals();
				if (!fits(size)) {
					// Events cannot be dropped silently: the client must resync.
					this.queue.clear();
					this.queuedBytes = 0;
					closeLater(LiveCloseCodes.RESYNC);
					return false;
				}
			}
			this.queue.add(new Frame(text, kind));
			this.queuedBytes += size;
			if (this.sending) {
				return true;
			}
			this.sending = true;
		}
		// Never on the caller's thread: it may be the event feed's, and a write may wait
		// briefly behind a control frame (a close, a pong).
		try {
			this.writer.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: every socket is being closed.
			synchronized (this) {
				this.closing = true;
				this.sending = false;
			}
			return false;
		}
		return true;
	}

	private boolean fits(int size) {
		return this.queue.size() < this.maxFrames && this.queuedBytes + size <= this.maxBytes;
	}

	private void dropSignals() {
		for (Iterator<Frame> frames = this.queue.iterator(); frames.hasNext();) {
			Frame frame = frames.next();
			if (frame.kind() == Kind.SIGNAL) {
				frames.remove();
				this.queuedBytes -= frame.text().length();
			}
		}
	}

	/**
	 * Writes queued frames one after another. A write that completes at once continues
	 * the loop here instead of recursing from its completion handler, so a long queue
	 * never deepens the stack.
	 */
	private void drain() {
		while (true) {
			Frame frame;
			synchronized (this) {
				frame = this.queue.poll();
				if (frame == null || this.closing) {
					this.sending = false;
					return;
				}
				this.queuedBytes -= frame.text().length();
			}
			AtomicInteger handOff = new AtomicInteger();
			try {
				this.remote.sendText(frame.text(), (result) -> {
					if (!result.isOK()) {
						failed(result.getException());
						return;
					}
					if (!handOff.compareAndSet(0, 1)) {
						// Completed after sendText returned: carry on from here.
						drain();
					}
				});
			}
			catch (RuntimeException ex) {
				failed(ex);
				return;
			}
			if (handOff.compareAndSet(0, 1)) {
				// Still in flight: its completion handler carries on.
				return;
			}
		}
	}

	private void failed(Throwable ex) {
		synchronized (this) {
			this.sending = false;
			this.queue.clear();
			this.queuedBytes = 0;
		}
		if (this.session.isOpen()) {
			// Frames were lost with the write: the client must resync.
			log.debug("Write to socket {} failed: {}", id(), (ex != null) ? ex.toString() : "unknown");
			closeLater(LiveCloseCodes.RESYNC);
		}
	}

	/**
	 * Closes the socket from another thread: the close frame may wait behind a write to a
	 * stalled client (at most Tomcat's blocking send timeout), and nobody else should.
	 */
	void closeLater(CloseStatus status) {
		synchronized (this) {
			if (this.closing) {
				return;
			}
			this.closing = true;
		}
		this.closer.execute(() -> {
			try {
				this.session.close(status);
			}
			catch (IOException | RuntimeException ex) {
				log.debug("Closing socket {} failed: {}", id(), ex.toString());
			}
		});
	}

	/** Frames waiting to be written (for tests and metrics). */
	synchronized int queued() {
		return this.queue.size();
	}

	/** What a frame carries. */
	enum Kind {

		/** {@code ready}, {@code pong}, {@code error}: never dropped. */
		CONTROL,

		/** An event of the log: never dropped without closing the socket. */
		EVENT,

		/** {@code typing}, {@code presence.updated}: dropped first. */
		SIGNAL

	}

	private record Frame(String text, Kind kind) {
	}

}
