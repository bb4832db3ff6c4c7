package io.chatapp.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes the rows of the service's {@code outbox} table to Kafka in id order (or, for
 * a sequenced outbox, in log position order), at least once, as CloudEvents 1.0 in binary
 * mode (the payload is the record value, the attributes are {@code ce_*} headers).
 * <p>
 * <b>One publisher at a time.</b> Per-key order only holds if a single process publishes:
 * with {@code FOR UPDATE SKIP LOCKED}, two relays would take different rows of one chat
 * and race each other to the broker, so a later event could land before an earlier one.
 * The relay therefore publishes only while it holds a PostgreSQL session advisory lock
 * (keyed by the schema, so every service elects its own leader) on a connection it keeps
 * for as long as it leads; it polls and marks on that same connection, so losing the
 * connection loses the lock and the leadership together. Other instances stand by and
 * retry. Session locks need a session: behind PgBouncer, use session pooling for this
 * connection.
 * <p>
 * <b>At least once, never lost.</b> A batch is sent, every acknowledgement awaited, then
 * the whole batch is marked published in one update. A crash in between re-publishes the
 * batch with the same event ids, which consumers ignore. Even then the first copy of
 * every event arrives in order, since each publisher sends an in-order prefix of the same
 * sequence.
 * <p>
 * <b>Never stuck, never noisy.</b> Failures (Kafka or database) are logged once per
 * streak, the relay backs off up to {@link OutboxRelayProperties#maxBackoff()}, and a row
 * Kafka keeps refusing holds back the rows after it rather than being skipped out of
 * order.
 * <p>
 * <b>Traced.</b> Each row is sent under a {@code PRODUCER} span, {@code publish <topic>},
 * that is a child of the trace context stored with the row (the request that recorded the
 * event). It starts when the relay picks the row up, ends when Kafka acknowledges it, and
 * says how long the row waited in the outbox ({@value #WAITED_ATTRIBUTE}); its context,
 * not the stored one, goes out as the record's {@code traceparent}, so consumers' spans
 * are its children.
 */
public class OutboxRelay implements SmartLifecycle, DisposableBean {

	/**
	 * Stops after the web server has drained its requests (and starts before it), so the
	 * events of the last requests are still published by this instance.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	/**
	 * Milliseconds from the row's {@code created_at} (its transaction's start) to the
	 * relay picking it up.
	 */
	static final String WAITED_ATTRIBUTE = "chatapp.outbox.waited_ms";

	private static final AttributeKey<Long> WAITED = AttributeKey.longKey(WAITED_ATTRIBUTE);

	private static final String LOCK_KEY = "hashtext('chatapp.outbox-relay'), hashtext(current_schema())";

	private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(" + LOCK_KEY + ")";

	private static final String UNLOCK = "SELECT pg_advisory_unlock(" + LOCK_KEY + ")";

	private static final String SELECT_BATCH = """
			SELECT id, event_id, topic, event_key, event_type, payload::text AS payload,
			       payload ->> 'occurredAt' AS occurred_at, created_at, traceparent
			FROM outbox
			WHERE published_at IS NULL %s
			ORDER BY %s
			LIMIT ?
			""";

	private static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY (?)";

	private static final String COUNT_PENDING = "SELECT count(*) FROM outbox WHERE published_at IS NULL";

	/** A safety net only: the producer's delivery timeout completes every send sooner. */
	private static final Duration ACK_TIMEOUT = Duration.ofMinutes(2);

	private final DataSource dataSource;

	private final ProducerFactory<String, String> producerFactory;

	private final KafkaTemplate<String, String> kafka;

	private final OutboxRelayProperties properties;

	private final Tracer tracer;

	private final byte[] source;

	private final String selectBatch;

	private final Semaphore wakeUps = new Semaphore(0);

	private final AtomicLong published = new AtomicLong();

	private volatile Thread worker;

	private volatile boolean running;

	private volatile boolean leader;

	/** The leader's connection, holding the lock; touched by the worker thread only. */
	private Connection connection;

	private volatile int failures;

	private boolean standingBy;

	/** The span of a send that failed in the last round, if one did. */
	private volatile SpanContext failedSend;

	/**
	 * Creates a relay that owns (and closes) the given producer factory.
	 * @param dataSource the service's datasource, whose search path finds {@code outbox}
	 * @param producerFactory an idempotent, {@code acks=all} producer of string keys and
	 * values
	 * @param properties intervals and batch size
	 * @param source the CloudEvents {@code ce_source} of every event
	 */
	public OutboxRelay(DataSource dataSource, ProducerFactory<String, String> producerFactory,
			OutboxRelayProperties properties, String source) {
		this(dataSource, producerFactory, properties, source, OpenTelemetry.noop());
	}

	/**
	 * Creates a relay that owns (and closes) the given producer factory and traces what
	 * it publishes.
	 * @param dataSource the service's datasource, whose search path finds {@code outbox}
	 * @param producerFactory an idempotent, {@code acks=all} producer of string keys and
	 * values
	 * @param properties intervals and batch size
	 * @param source the CloudEvents {@code ce_source} of every event
	 * @param openTelemetry where the relay's producer spans go
	 */
	public OutboxRelay(DataSource dataSource, ProducerFactory<String, String> producerFactory,
			OutboxRelayProperties properties, String source, OpenTelemetry openTelemetry) {
		this.tracer = openTelemetry.getTracer("io.chatapp.outbox-relay");
		this.dataSource = dataSource;
		this.producerFactory = producerFactory;
		this.kafka = new KafkaTemplate<>(producerFactory);
		// Failures are reported once per streak by the relay, not once per record.
		this.kafka.setProducerListener(new ProducerListener<>() {
		});
		this.properties = properties;
		this.source = bytes(source);
		this.selectBatch = properties.sequenced() ? SELECT_BATCH.formatted("AND log_pos IS NOT NULL", "log_pos")
				: SELECT_BATCH.formatted("", "id");
	}

	/**
	 * Asks the relay to poll now rather than after the poll interval, e.g. right after a
	 * transaction that recorded events has committed. Cheap; never blocks.
	 */
	public void wakeUp() {
		if (this.wakeUps.availablePermits() == 0) {
			this.wakeUps.release();
		}
	}

	/**
	 * Whether this instance currently holds the lock and publishes.
	 * @return {@code true} for the leader
	 */
	public boolean isLeader() {
		return this.leader;
	}

	/**
	 * Events this instance has published and marked since it started.
	 * @return a count, for metrics
	 */
	public long publishedCount() {
		return this.published.get();
	}

	/**
	 * Failed rounds since the last successful one.
	 * @return 0 while all is well
	 */
	int failureStreak() {
		return this.failures;
	}

	/**
	 * Counts the rows not yet published, on a connection of its own.
	 * @return the number of pending events
	 * @throws SQLException if the database cannot be asked
	 */
	public long pendingCount() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(COUNT_PENDING)) {
			result.next();
			return result.getLong(1);
		}
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "outbox-relay");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	@Override
	public synchronized void stop() {
		Thread thread = this.worker;
		if (!this.running || thread == null) {
			return;
		}
		this.running = false;
		thread.interrupt();
		try {
			thread.join(Duration.ofSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			log.warn("Outbox relay did not stop within 10 seconds");
		}
		this.worker = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() throws Exception {
		stop();
		if (this.producerFactory instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

	private void run() {
		while (this.running) {
			try {
				Duration wait = poll();
				recovered();
				if (!wait.isZero()) {
					awaitWakeUp(wait);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Exception ex) {
				if (!this.running) {
					break;
				}
				Duration backoff = failed(ex);
				try {
					Thread.sleep(backoff.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
				}
			}
			if (Thread.interrupted() && !this.running) {
				break;
			}
		}
		resign(true);
	}

	/**
	 * One round: take the lead if free, then publish one batch.
	 * @return how long to wait before the next round
	 */
	private Duration poll() throws Exception {
		if (!lead()) {
			return this.properties.standbyInterval();
		}
		int count = publishBatch(this.connection);
		return (count == this.properties.batchSize()) ? Duration.ZERO : this.properties.pollInterval();
	}

	private boolean lead() throws SQLException {
		if (this.connection != null) {
			return true;
		}
		Connection candidate = this.dataSource.getConnection();
		boolean locked = false;
		try {
			candidate.setAutoCommit(true);
			try (Statement statement = candidate.createStatement();
					ResultSet result = statement.executeQuery(TRY_LOCK)) {
				result.next();
				locked = result.getBoolean(1);
			}
		}
		finally {
			if (!locked) {
				candidate.close();
			}
		}
		if (!locked) {
			if (!this.standingBy) {
				log.info("Another instance is publishing the outbox; standing by");
				this.standingBy = true;
			}
			return false;
		}
		this.connection = candidate;
		this.leader = true;
		this.standingBy = false;
		if (this.failures == 0) {
			log.info("Took the lead: this instance now publishes the outbox");
		}
		return true;
	}

	private int publishBatch(Connection connection) throws Exception {
		List<OutboxRow> rows = unpublished(connection);
		if (rows.isEmpty()) {
			return 0;
		}
		Instant pickedUp = Instant.now();
		List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			acks.add(send(row, pickedUp));
		}
		CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
			.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		markPublished(connection, rows.stream().map(OutboxRow::id).toList());
		this.published.addAndGet(rows.size());
		return rows.size();
	}

	private List<OutboxRow> unpublished(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(this.selectBatch)) {
			statement.setInt(1, this.properties.batchSize());
			try (ResultSet result = statement.executeQuery()) {
				List<OutboxRow> rows = new ArrayList<>();
				while (result.next()) {
					rows.add(new OutboxRow(result.getLong("id"), result.getString("event_id"),
							result.getString("topic"), result.getString("event_key"), result.getString("event_type"),
							result.getString("payload"), eventTime(result),
							result.getObject("created_at", OffsetDateTime.class).toInstant(),
							result.getString("traceparent")));
				}
				return rows;
			}
		}
	}

	/**
	 * Marks a published batch. Package-private so tests can simulate a crash between
	 * publishing and marking.
	 * @param connection the leader's connection
	 * @param ids the ids of the rows just acknowledged by Kafka
	 * @throws SQLException if the update fails
	 */
	void markPublished(Connection connection, List<Long> ids) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(MARK_PUBLISHED)) {
			Array array = connection.createArrayOf("bigint", ids.toArray());
			statement.setArray(1, array);
			statement.executeUpdate();
		}
	}

	/**
	 * Sends one row under its producer span, which ends with Kafka's answer.
	 */
	private CompletableFuture<SendResult<String, String>> send(OutboxRow row, Instant pickedUp) {
		Span span = publishSpan(row, pickedUp);
		CompletableFuture<SendResult<String, String>> ack;
		try (Scope scope = span.makeCurrent()) {
			ack = this.kafka.send(record(row, span.getSpanContext()));
		}
		catch (RuntimeException ex) {
			failedSend(span, ex);
			throw ex;
		}
		return ack.whenComplete((result, failure) -> {
			if (failure != null) {
				failedSend(span, failure);
				return;
			}
			RecordMetadata metadata = result.getRecordMetadata();
			span.setAttribute("messaging.destination.partition.id", Integer.toString(metadata.partition()));
			span.setAttribute("messaging.kafka.offset", metadata.offset());
			span.end();
		});
	}

	private void failedSend(Span span, Throwable failure) {
		span.recordException(failure);
		span.setStatus(StatusCode.ERROR);
		span.end();
		this.failedSend = span.getSpanContext();
	}

	/**
	 * {@code publish <topic>}, a child of the request that recorded the row (a root span
	 * if it was recorded outside a trace), started when the relay picked the row up.
	 */
	private Span publishSpan(OutboxRow row, Instant pickedUp) {
		SpanBuilder builder = this.tracer.spanBuilder("publish " + row.topic())
			.setSpanKind(SpanKind.PRODUCER)
			.setStartTimestamp(pickedUp)
			.setAttribute("messaging.system", "kafka")
			.setAttribute("messaging.operation.type", "send")
			.setAttribute("messaging.destination.name", row.topic())
			.setAttribute("messaging.message.id", row.eventId())
			.setAttribute("messaging.kafka.message.key", row.key())
			.setAttribute("cloudevents.event_type", row.type())
			.setAttribute(WAITED, Math.max(0, Duration.between(row.createdAt(), pickedUp).toMillis()));
		SpanContext parent = Traceparent.parse(row.traceparent());
		if (parent != null) {
			builder.setParent(Context.root().with(Span.wrap(parent)));
		}
		else {
			builder.setNoParent();
		}
		return builder.startSpan();
	}

	private static String traceparent(SpanContext context) {
		return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
	}

	private ProducerRecord<String, String> record(OutboxRow row, SpanContext span) {
		RecordHeaders headers = new RecordHeaders();
		headers.add("ce_specversion", bytes("1.0"));
		headers.add("ce_id", bytes(row.eventId()));
		headers.add("ce_type", bytes(row.type()));
		headers.add("ce_source", this.source);
		headers.add("ce_time", bytes(row.time().toString()));
		headers.add("ce_subject", bytes(row.key()));
		headers.add("content-type", bytes("application/json"));
		// The producer span's context, so consumers continue from the publish; the stored
		// one when the relay does not trace.
		String traceparent = span.isValid() ? traceparent(span) : row.traceparent();
		if (traceparent != null) {
			headers.add("traceparent", bytes(traceparent));
		}
		return new ProducerRecord<>(row.topic(), null, row.key(), row.payload(), headers);
	}

	/** The event's own {@code occurredAt}, or when its row was written if it has none. */
	private static Instant eventTime(ResultSet result) throws SQLException {
		String occurredAt = result.getString("occurred_at");
		if (occurredAt != null) {
			try {
				return OffsetDateTime.parse(occurredAt).toInstant();
			}
			catch (DateTimeParseException ex) {
				// Not RFC 3339: fall back to the row's time rather than send a bad
				// header.
			}
		}
		return result.getObject("created_at", OffsetDateTime.class).toInstant();
	}

	private void awaitWakeUp(Duration wait) throws InterruptedException {
		if (this.wakeUps.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
			this.wakeUps.drainPermits();
		}
	}

	private Duration failed(Exception ex) {
		this.failures++;
		SpanContext send = this.failedSend;
		this.failedSend = null;
		// Logged in the failed send's span (when a send failed), so the record is found
		// from the trace of the event that could not be published.
		try (Scope scope = (send != null) ? Context.root().with(Span.wrap(send)).makeCurrent() : Scope.noop()) {
			if (this.failures == 1) {
				log.warn("Outbox relay failed to publish; retrying with back-off until it succeeds", ex);
			}
			else {
				log.debug("Outbox relay still failing (attempt {})", this.failures, ex);
			}
		}
		if (ex instanceof SQLException) {
			// The connection may be gone, and the lock with it: take the lead afresh.
			resign(false);
		}
		long millis = this.properties.pollInterval().toMillis() << Math.min(this.failures, 16);
		return Duration.ofMillis(Math.min(millis, this.properties.maxBackoff().toMillis()));
	}

	private void recovered() {
		if (this.failures > 0) {
			log.info("Outbox relay recovered after {} failed attempts", this.failures);
			this.failures = 0;
		}
	}

	/**
	 * Releases the lock and gives the connection back, or drops it if unlocking fails.
	 * @param stopping whether the relay is stopping (rather than recovering from a
	 * failure)
	 */
	private void resign(boolean stopping) {
		Connection held = this.connection;
		this.connection = null;
		this.leader = false;
		if (held == null) {
			return;
		}
		try {
			try (Statement statement = held.createStatement()) {
				statement.execute(UNLOCK);
			}
			held.close();
			if (stopping) {
				log.info("Gave up the lead on the outbox");
			}
		}
		catch (SQLException ex) {
			// A pooled connection must not go back to the pool still holding the lock.
			try {
				held.abort(Runnable::run);
				held.close();
			}
			catch (SQLException closeFailed) {
				ex.addSuppressed(closeFailed);
			}
			log.debug("Dropped the outbox lock connection", ex);
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private record OutboxRow(long id, String eventId, String topic, String key, String type, String payload,
			Instant time, Instant createdAt, String traceparent) {
	}

}
