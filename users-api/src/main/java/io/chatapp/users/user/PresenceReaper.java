package io.chatapp.users.user;

import java.time.Duration;

import io.chatapp.users.UsersProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Ends expired connection leases every {@code chatapp.users.presence-reaper-interval}: a
 * chats-api instance that died stops renewing, and its users go offline once their leases
 * expire. Every users-api instance runs one; they share the work, since each skips the
 * users another one holds (see {@link ConnectionPresence#reap()}).
 */
@Component
class PresenceReaper implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PresenceReaper.class);

	private final ConnectionPresence presence;

	private final Duration interval;

	private volatile boolean running;

	private volatile Thread worker;

	PresenceReaper(ConnectionPresence presence, UsersProperties properties) {
		this.presence = presence;
		this.interval = properties.presenceReaperInterval();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "presence-reaper");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		Thread thread = this.worker;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(Duration.ofSeconds(10).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.worker = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the outbox relay, which publishes the events of the last round. A
	 * round cut short rolls back, and its leases are reaped by another instance.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2047;
	}

	private void run() {
		boolean failing = false;
		while (this.running) {
			try {
				Thread.sleep(this.interval.toMillis());
				int reaped;
				do {
					reaped = this.presence.reap();
				}
				while (reaped > 0 && this.running);
				if (failing) {
					log.info("Presence reaper recovered");
					failing = false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					break;
				}
				if (!failing) {
					log.warn("Presence reaper failed; retrying: {}", ex.toString());
					failing = true;
				}
			}
		}
	}

}
