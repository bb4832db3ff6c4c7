package io.chatapp.users;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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

import static io.chatapp.testsupport.KafkaTopics.header;
import static io.chatapp.testsupport.KafkaTopics.readStrings;
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

		// The relay publishes after the request has been answered.
		ConsumerRecord<String, String> record = await().atMost(Duration.ofSeconds(30))
			.until(() -> readStrings(this.kafka.getBrokersAsString(), "user.events", userId),
					(found) -> !found.isEmpty())
			.get(0);

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

}
