package io.chatapp.chats.sync;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.outbox.OutboxRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives committed events their log position, the order {@code /api/sync} reads and the
 * relay publishes in.
 *
 * <p>
 * Each round is one transaction under a database-wide advisory lock, so rounds of all
 * instances run one after another and each sees everything the previous ones committed. A
 * round numbers the committed events that have no position yet after the highest position
 * given so far, in id order. An event that commits after a round started is numbered by a
 * later round, above everything numbered before: positions once read are never followed
 * by an earlier one. Within a chat, ids follow commit order and an event can be committed
 * only once the chat's earlier events are, so the numbering keeps every chat's order.
 *
 * <p>
 * A round runs right after a local commit that recorded events, and every
 * {@code sequencerInterval} in case another instance stopped before numbering its own.
 */
@Component
class EventSequencer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventSequencer.class);

	private static final int BATCH = 1000;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ObjectProvider<OutboxRelay> relay;

	private final ObjectProvider<EventFeed> feed;

	private final Duration interval;

	private final Semaphore wakeUps = new Semaphore(0);

	private volatile boolean running;

	private volatile Thread worker;

	EventSequencer(JdbcClient jdbc, TransactionTemplate transactions, ObjectProvider<OutboxRelay> relay,
			ObjectProvider<EventFeed> feed, ChatsProperties properties) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.relay = relay;
		this.feed = feed;
		this.interval = properties.sequencerInterval();
	}

	/** Asks for a round now; cheap, never blocks. */
	void wakeUp() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	/**
	 * Numbers one batch of committed events.
	 * @return how many events got a position
	 */
	int sequence() {
		Integer count = this.transactions.execute((status) -> {
			this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('chatapp.event-log'), hashtext(current_schema()))")
				.query()
				.singleRow();
			// A new statement, so a new snapshot: it sees every earlier round.
			int numbered = this.jdbc.sql("""
					WITH head AS (SELECT coalesce(max(log_pos), 0) AS pos FROM outbox),
					     pending AS (
					       SELECT id, row_number() OVER (ORDER BY id) AS n
					       FROM outbox WHERE log_pos IS NULL ORDER BY id LIMIT :batch
					     )
					UPDATE outbox o SET log_pos = head.pos + pending.n
					FROM head, pending
					WHERE o.id = pending.id
					""").param("batch", BATCH).update();
			if (numbered > 0) {
				// Delivered on commit to every instance's event feed.
				this.jdbc.sql("SELECT pg_notify(:channel, '')").param("channel", EventFeed.CHANNEL).query().singleRow();
			}
			return numbered;
		});
		return (count != null) ? count : 0;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "event-sequencer");
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
	 * Stops just before the outbox relay. Events this instance committed but did not
	 * number yet are numbered by any other instance, or by this one when it starts again.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2047;
	}

	private void run() {
		boolean failing = false;
		while (this.running) {
			try {
				this.wakeUps.tryAcquire(this.interval.toMillis(), TimeUnit.MILLISECONDS);
				this.wakeUps.drainPermits();
				int count;
				do {
					count = sequence();
					if (count > 0) {
						this.feed.ifAvailable(EventFeed::wakeUp);
						this.relay.ifAvailable(OutboxRelay::wakeUp);
					}
				}
				while (count == BATCH && this.running);
				if (failing) {
					log.info("Event sequencer recovered");
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
					log.warn("Event sequencer failed; retrying: {}", ex.toString());
					failing = true;
				}
				try {
					Thread.sleep(this.interval.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
	}

}
