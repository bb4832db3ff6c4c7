package io.chatapp.users;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * users-api with its outbox relay on a real Kafka: a registration reaches
 * {@code user.events} as a CloudEvent keyed by the user id, and {@code /health} covers
 * Kafka.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.grpc.server.port=0", "server.address=127.0.0.1",
				// The embedded broker and the clients log every setting at INFO.
				"logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN" })
@EmbeddedKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class UserEventsPublishingTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Autowired
	JdbcClient jdbc;

	@Test
	void registeringAUserPublishesUserRegisteredKeyedByTheUserId() {
		String name = "kafka_" + UUID.randomUUID().toString().substring(0, 8);
		ResponseEntity<Map<String, Object>> registered = http().post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", name, "email", name + "@example.com", "password", "password1"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		String userId = (String) registered.getBody().get("id");
		String eventId = this.jdbc.sql("SELECT event_id::text FROM outbox WHERE event_key = ?")
			.param(userId)
			.query(String.class)
			.single();

		ConsumerRecord<String, String> record = firstRecordWithKey("user.events", userId);

		assertThat(record.value()).contains("\"userId\": \"" + userId + "\"").doesNotContain("password");
		assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
		assertThat(header(record, "ce_id")).isEqualTo(eventId);
		assertThat(header(record, "ce_type")).isEqualTo("user.registered");
		assertThat(header(record, "ce_source")).isEqualTo("/users-api");
		assertThat(header(record, "ce_subject")).isEqualTo(userId);
		assertThat(header(record, "ce_time")).isNotBlank();
		assertThat(header(record, "content-type")).isEqualTo("application/json");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.jdbc.sql("SELECT published_at FROM outbox WHERE event_key = ?")
				.param(userId)
				.query()
				.singleValue()).isNotNull());
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthIncludesKafka() {
		ResponseEntity<Map<String, Object>> health = http().get()
			.uri("/health")
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		Map<String, Object> components = (Map<String, Object>) health.getBody().get("components");
		assertThat((Map<String, Object>) components.get("kafka")).containsEntry("status", "UP");
	}

	private RestClient http() {
		return RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	/** Reads the topic from the start with a plain consumer until the key shows up. */
	private ConsumerRecord<String, String> firstRecordWithKey(String topic, String key) {
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.kafka.getBrokersAsString(),
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new StringDeserializer(), new StringDeserializer())) {
			List<TopicPartition> partitions = await().atMost(Duration.ofSeconds(10))
				.until(() -> consumer.partitionsFor(topic), (found) -> !found.isEmpty())
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			List<ConsumerRecord<String, String>> seen = new ArrayList<>();
			return await().atMost(Duration.ofSeconds(20)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
				return seen.stream().filter((record) -> key.equals(record.key())).findFirst();
			}, Optional::isPresent).get();
		}
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
