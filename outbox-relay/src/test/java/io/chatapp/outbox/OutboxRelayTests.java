package io.chatapp.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.chatapp.outbox.OutboxTestDatabase.Event;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static io.chatapp.outbox.OutboxTestDatabase.pending;
import static io.chatapp.outbox.OutboxTestDatabase.record;
import static io.chatapp.testsupport.KafkaTopics.header;
import static io.chatapp.testsupport.KafkaTopics.readStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against a real Kafka (embedded KRaft broker) and a real PostgreSQL.
 */
class OutboxRelayTests {

	private static final String ORDERED = "relay.ordered";

	private static final String CRASH = "relay.crash";

	private static final String LEADER = "relay.leader";

	private static final String TRACED = "relay.traced";

	private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private static EmbeddedKafkaKraftBroker kafka;

	private final List<OutboxRelay> relays = new ArrayList<>();

	@BeforeAll
	static void startKafka() {
		kafka = new EmbeddedKafkaKraftBroker(1, 3);
		kafka.afterPropertiesSet();
		// One partition: the whole topic has one order to check.
		kafka.addTopics(new NewTopic(ORDERED, 1, (short) 1), new NewTopic(CRASH, 3, (short) 1),
				new NewTopic(LEADER, 3, (short) 1), new NewTopic(TRACED, 1, (short) 1));
	}

	@AfterAll
	static void stopKafka() {
		kafka.destroy();
	}

	@BeforeEach
	void emptyOutbox() {
		OutboxTestDatabase.clear();
	}

	@AfterEach
	void stopRelays() throws Exception {
		for (OutboxRelay relay : this.relays) {
			relay.destroy();
		}
	}

	private ApplicationContextRunner service() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class,
					OutboxRelayAutoConfiguration.class))
			.withPropertyValues("spring.application.name=users-api",
					"spring.datasource.url=" + OutboxTestDatabase.start().jdbcUrl(),
					"spring.datasource.username=" + OutboxTestDatabase.ROLE,
					"spring.datasource.password=" + OutboxTestDatabase.PASSWORD,
					"spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString());
	}

	@Test
	void publishesExactlyTheCommittedEventsInIdOrderAsCloudEvents() {
		service().run((context) -> {
			String chatA = UUID.randomUUID().toString();
			String chatB = UUID.randomUUID().toString();
			List<Event> first = record(true,
					List.of(Event.of(ORDERED, chatA, "2026-01-01T12:00:00.123456Z", TRACEPARENT),
							Event.of(ORDERED, chatB, "2026-01-01T13:00:00.5+01:00", null),
							Event.of(ORDERED, chatA, null, null)));
			record(false, List.of(Event.of(ORDERED, chatA), Event.of(ORDERED, chatB)));
			List<Event> second = record(true, List.of(Event.of(ORDERED, chatB), Event.of(ORDERED, chatA)));
			List<Event> committed = Stream.concat(first.stream(), second.stream()).toList();

			await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);
			List<ConsumerRecord<String, String>> records = readStrings(kafka.getBrokersAsString(), ORDERED);

			assertThat(records).extracting((record) -> header(record, "ce_id"))
				.containsExactlyElementsOf(committed.stream().map((event) -> event.id().toString()).toList());
			assertThat(records).extracting(ConsumerRecord::key)
				.containsExactlyElementsOf(committed.stream().map(Event::key).toList());
			for (ConsumerRecord<String, String> record : records) {
				assertThat(record.value()).isEqualTo(storedPayload(header(record, "ce_id")));
				assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
				assertThat(header(record, "ce_type")).isEqualTo("message.created");
				assertThat(header(record, "ce_source")).isEqualTo("/users-api");
				assertThat(header(record, "ce_subject")).isEqualTo(record.key());
				assertThat(header(record, "content-type")).isEqualTo("application/json");
			}
			assertThat(header(records.get(0), "ce_time")).isEqualTo("2026-01-01T12:00:00.123456Z");
			assertThat(header(records.get(0), "traceparent")).isEqualTo(TRACEPARENT);
			assertThat(header(records.get(1), "ce_time")).isEqualTo("2026-01-01T12:00:00.500Z");
			assertThat(records.get(1).headers().lastHeader("traceparent")).isNull();
			// No occurredAt in the payload: the time the row was written.
			assertThat(Instant.parse(header(records.get(2), "ce_time"))).isEqualTo(createdAt(first.get(2).id()));

			assertThat(OutboxTestDatabase.jdbc()
				.sql("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
				.query(Long.class)
				.single()).isEqualTo(committed.size());
			assertThat(context.getBean(OutboxRelay.class).isLeader()).isTrue();
		});
	}

	@Test
	void eachRecordIsSentUnderAProducerSpanThatContinuesTheStoredTraceAndParentsTheConsumers() throws Exception {
		InMemorySpanExporter spans = InMemorySpanExporter.create();
		SdkTracerProvider tracing = SdkTracerProvider.builder()
			.addSpanProcessor(SimpleSpanProcessor.create(spans))
			.build();
		OutboxRelay relay = track(new OutboxRelay(OutboxTestDatabase.dataSource(), producerFactory(), settings(200),
				"/test", OpenTelemetrySdk.builder().setTracerProvider(tracing).build()));
		String chat = UUID.randomUUID().toString();
		List<Event> events = record(true,
				List.of(Event.of(TRACED, chat, null, TRACEPARENT), Event.of(TRACED, chat, null, null)));
		Instant recorded = Instant.now();
		// The relay finds the rows on its first poll, so they wait about this long.
		Thread.sleep(300);
		relay.start();

		await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);
		List<ConsumerRecord<String, String>> records = readStrings(kafka.getBrokersAsString(), TRACED);
		List<SpanData> published = await().atMost(Duration.ofSeconds(5))
			.until(spans::getFinishedSpanItems, (finished) -> finished.size() == 2);

		SpanData traced = span(published, events.get(0));
		assertThat(traced.getName()).isEqualTo("publish " + TRACED);
		assertThat(traced.getKind()).isEqualTo(SpanKind.PRODUCER);
		assertThat(traced.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(traced.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		assertThat(traced.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo(TRACED);
		assertThat(traced.getAttributes().get(AttributeKey.longKey(OutboxRelay.WAITED_ATTRIBUTE)))
			.isGreaterThanOrEqualTo(250L);
		// It starts when the relay picks the row up, not when it was recorded.
		assertThat(Instant.ofEpochSecond(0, traced.getStartEpochNanos())).isAfter(recorded.plusMillis(250));
		SpanData untraced = span(published, events.get(1));
		assertThat(untraced.getParentSpanContext().isValid()).isFalse();
		for (ConsumerRecord<String, String> record : records) {
			SpanData span = published.stream()
				.filter((it) -> it.getAttributes()
					.get(AttributeKey.stringKey("messaging.message.id"))
					.equals(header(record, "ce_id")))
				.findFirst()
				.orElseThrow();
			assertThat(header(record, "traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
					+ span.getSpanContext().getTraceFlags().asHex());
		}
	}

	private static SpanData span(List<SpanData> spans, Event event) {
		return spans.stream()
			.filter((span) -> event.id()
				.toString()
				.equals(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void aStoredTraceparentIsReadOrIgnoredWhenMalformed() {
		assertThat(Traceparent.parse(TRACEPARENT).getSpanId()).isEqualTo("00f067aa0ba902b7");
		assertThat(Traceparent.parse(TRACEPARENT).isRemote()).isTrue();
		assertThat(Traceparent.parse(null)).isNull();
		assertThat(Traceparent.parse("00-not-a-trace")).isNull();
		assertThat(Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
	}

	@Test
	void createsTheOutboxTopics() {
		service().withPropertyValues("chatapp.outbox.topics.[relay.custom].partitions=2").run((context) -> {
			Map<String, Integer> partitions = await().atMost(Duration.ofSeconds(10))
				.until(() -> partitions("chat.events", "user.events", "relay.custom"), (found) -> found.size() == 3);
			assertThat(partitions).containsEntry("chat.events", 12)
				.containsEntry("user.events", 6)
				.containsEntry("relay.custom", 2);
		});
	}

	@Test
	void republishesTheSameEventsWhenTheRelayDiesBetweenPublishingAndMarking() throws Exception {
		List<Event> events = record(true, events(CRASH, 3, 6));
		AtomicInteger markAttempts = new AtomicInteger();
		OutboxRelay dying = track(
				new OutboxRelay(OutboxTestDatabase.dataSource(), producerFactory(), settings(200), "/test") {
					@Override
					void markPublished(Connection connection, List<Long> ids) throws SQLException {
						markAttempts.incrementAndGet();
						throw new SQLException("Simulated crash after publishing, before marking");
					}
				});

		dying.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> markAttempts.get() > 0);
		dying.stop();
		assertThat(pending()).isEqualTo(events.size());

		OutboxRelay next = track(newRelay(200));
		next.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);

		List<ConsumerRecord<String, String>> records = readStrings(kafka.getBrokersAsString(), CRASH);
		Map<String, Long> copies = records.stream()
			.collect(Collectors.groupingBy((record) -> header(record, "ce_id"), Collectors.counting()));
		assertThat(copies).as("every event published by the dying relay, then again by the next one")
			.containsOnlyKeys(events.stream().map((event) -> event.id().toString()).toList())
			.allSatisfy((id, count) -> assertThat(count).isGreaterThanOrEqualTo(2));
		assertFirstCopiesInOrder(records, events);
		assertThat(next.publishedCount()).isEqualTo(events.size());
	}

	@Test
	void onlyTheLeaderPublishesAndAStandbyTakesOverWhenItStops() throws Exception {
		OutboxRelay one = track(newRelay(5));
		OutboxRelay two = track(newRelay(5));
		one.start();
		two.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> one.isLeader() || two.isLeader());
		OutboxRelay leader = one.isLeader() ? one : two;
		OutboxRelay standby = (leader == one) ? two : one;

		List<Event> events = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			events.addAll(record(true, events(LEADER, 4, 5)));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);

		List<ConsumerRecord<String, String>> records = readStrings(kafka.getBrokersAsString(), LEADER);
		assertThat(records).extracting((record) -> header(record, "ce_id"))
			.as("each event published once, by one relay")
			.doesNotHaveDuplicates()
			.hasSize(events.size());
		assertFirstCopiesInOrder(records, events);
		assertThat(standby.isLeader()).isFalse();
		assertThat(standby.publishedCount()).isZero();
		assertThat(leader.publishedCount()).isEqualTo(events.size());

		leader.stop();
		await().atMost(Duration.ofSeconds(10)).until(standby::isLeader);
		List<Event> later = record(true, events(LEADER, 2, 10));
		await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);

		assertThat(readStrings(kafka.getBrokersAsString(), LEADER)).extracting((record) -> header(record, "ce_id"))
			.doesNotHaveDuplicates()
			.hasSize(events.size() + later.size());
		assertThat(standby.publishedCount()).isEqualTo(later.size());
	}

	/**
	 * Per key, the first copy of each event arrives in the order the events were
	 * recorded.
	 */
	private static void assertFirstCopiesInOrder(List<ConsumerRecord<String, String>> records, List<Event> events) {
		Map<String, List<String>> expected = events.stream()
			.collect(Collectors.groupingBy(Event::key, LinkedHashMap::new,
					Collectors.mapping((event) -> event.id().toString(), Collectors.toList())));
		Map<String, List<String>> firstCopies = records.stream()
			.collect(Collectors.groupingBy(ConsumerRecord::key, LinkedHashMap::new, Collectors.mapping(
					(record) -> header(record, "ce_id"),
					Collectors.collectingAndThen(Collectors.toList(), (ids) -> ids.stream().distinct().toList()))));
		assertThat(firstCopies).isEqualTo(expected);
	}

	/** {@code count} events spread round-robin over {@code keys} chats. */
	private static List<Event> events(String topic, int keys, int count) {
		List<String> chats = IntStream.range(0, keys).mapToObj((i) -> UUID.randomUUID().toString()).toList();
		return IntStream.range(0, count).mapToObj((i) -> Event.of(topic, chats.get(i % keys))).toList();
	}

	private OutboxRelay newRelay(int batchSize) {
		return new OutboxRelay(OutboxTestDatabase.dataSource(), producerFactory(), settings(batchSize), "/test");
	}

	private OutboxRelay track(OutboxRelay relay) {
		this.relays.add(relay);
		return relay;
	}

	private static org.springframework.kafka.core.DefaultKafkaProducerFactory<String, String> producerFactory() {
		// Only the broker, as Boot's KafkaProperties would give a relay by default.
		return OutboxRelayAutoConfiguration
			.producerFactory(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()));
	}

	static OutboxRelayProperties settings(int batchSize) {
		return new OutboxRelayProperties(true, Duration.ofMillis(50), batchSize, Duration.ofMillis(500),
				Duration.ofMillis(100), null, null, false);
	}

	private static String storedPayload(String eventId) {
		return OutboxTestDatabase.jdbc()
			.sql("SELECT payload::text FROM outbox WHERE event_id = CAST(? AS uuid)")
			.param(eventId)
			.query(String.class)
			.single();
	}

	private static Instant createdAt(UUID eventId) {
		return OutboxTestDatabase.jdbc()
			.sql("SELECT created_at FROM outbox WHERE event_id = ?")
			.param(eventId)
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
	}

	private static Map<String, Integer> partitions(String... topics) {
		return kafka.doWithAdminFunction((admin) -> {
			try {
				return admin.describeTopics(List.of(topics))
					.allTopicNames()
					.get()
					.values()
					.stream()
					.collect(Collectors.toMap(TopicDescription::name, (topic) -> topic.partitions().size()));
			}
			catch (Exception ex) {
				return Map.of();
			}
		});
	}

}
