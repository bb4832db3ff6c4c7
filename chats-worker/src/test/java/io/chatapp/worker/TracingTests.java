package io.chatapp.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumed record continues the trace of the producer span that sent it (the outbox
 * relay's), the worker's database work and its failures belong to that trace, and so do
 * the log records written while handling it.
 */
@WorkerIntegrationTest
class TracingTests {

	@Autowired
	TestEvents events;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	InMemorySpanExporter spans;

	@Autowired
	InMemoryLogRecordExporter logs;

	@Autowired
	JsonMapper jsonMapper;

	private final String breakage = "broken_" + NotificationsTests.shortId().replace('-', '_');

	@AfterEach
	void repairDatabase() {
		ChatsTestDatabase.admin().sql("ALTER TABLE notifications DROP CONSTRAINT IF EXISTS " + this.breakage).update();
	}

	@Test
	void theConsumerSpansAreChildrenOfTheProducerSpanAndTheirStatementsOfThem() throws Exception {
		String traceId = hex(16);
		String producerSpanId = hex(8);
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);

		publish(this.events.messageCreated(chat, alice, 1, "traced", sentAt), traceId, producerSpanId);

		List<SpanData> consumers = await().atMost(Duration.ofSeconds(20))
			.until(() -> inTrace(traceId).stream().filter((span) -> span.getKind() == SpanKind.CONSUMER).toList(),
					(found) -> found.size() >= 2);
		// One per consumer group on chat.events: notifications and activity.
		assertThat(consumers).allSatisfy((span) -> {
			assertThat(span.getParentSpanId()).isEqualTo(producerSpanId);
			assertThat(span.getName()).contains("chat.events");
		});
		SpanData insert = await().atMost(Duration.ofSeconds(10))
			.until(() -> inTrace(traceId).stream()
				.filter((span) -> span.getName().equals("INSERT notifications"))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
		assertThat(consumers).extracting(SpanData::getSpanId).contains(insert.getParentSpanId());
	}

	@Test
	void retriesAndTheDeadLetterLeaveLogRecordsInTheRecordsTrace() throws Exception {
		String traceId = hex(16);
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);
		ChatsTestDatabase.admin()
			.sql("ALTER TABLE notifications ADD CONSTRAINT " + this.breakage + " CHECK (preview NOT LIKE '%"
					+ this.breakage + "%')")
			.update();

		publish(this.events.messageCreated(chat, alice, 1, "fails " + this.breakage, sentAt), traceId, hex(8));

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<LogRecordData> records = this.logs.getFinishedLogRecordItems()
				.stream()
				.filter((record) -> record.getSpanContext().getTraceId().equals(traceId))
				.toList();
			System.out.println("TRACE RECORDS " + records.stream()
				.map((r) -> r.getSeverity() + " " + r.getInstrumentationScopeInfo().getName() + " "
						+ r.getBodyValue().asString())
				.toList());
			assertThat(records).anySatisfy((record) -> {
				assertThat(record.getSeverity().getSeverityNumber())
					.isGreaterThanOrEqualTo(Severity.WARN.getSeverityNumber());
				assertThat(record.getBodyValue().asString()).contains("retry");
			});
			assertThat(records).anySatisfy((record) -> {
				assertThat(record.getSeverity()).isEqualTo(Severity.ERROR);
				assertThat(record.getBodyValue().asString()).contains("Giving up")
					.contains(DeadLetterTests.NOTIFICATIONS_DLT);
				assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.type"))).isNotBlank();
			});
		});
	}

	private List<SpanData> inTrace(String traceId) {
		return this.spans.getFinishedSpanItems().stream().filter((span) -> span.getTraceId().equals(traceId)).toList();
	}

	/** Sends as the outbox relay does: its producer span's context in the record. */
	private void publish(Map<String, Object> event, String traceId, String spanId) throws Exception {
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString());
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
				new ByteArraySerializer())) {
			ProducerRecord<String, byte[]> record = new ProducerRecord<>(Event.CHAT_EVENTS,
					event.get("chatId").toString(), this.jsonMapper.writeValueAsBytes(event));
			record.headers().add("ce_specversion", "1.0".getBytes());
			record.headers().add("traceparent", ("00-" + traceId + "-" + spanId + "-01").getBytes());
			producer.send(record).get(10, TimeUnit.SECONDS);
		}
	}

	private static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 1;
		return HexFormat.of().formatHex(random);
	}

}
