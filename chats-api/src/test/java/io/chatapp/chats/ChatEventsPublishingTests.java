package io.chatapp.chats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.chatapp.chats.users.UserDirectory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static io.chatapp.testsupport.KafkaTopics.header;
import static io.chatapp.testsupport.KafkaTopics.readStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * chats-api with its outbox relay on a real Kafka broker: a chat's events can be read
 * from {@code chat.events} with an ordinary Kafka client, keyed by chat id, in the chat's
 * order, as CloudEvents that continue the request's trace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN" })
@EmbeddedKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@Import(ChatsTestSupport.TestTokens.class)
class ChatEventsPublishingTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.registerWithRelay(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@MockitoBean
	UserDirectory users;

	@Test
	@SuppressWarnings("unchecked")
	void aChatsEventsArePublishedInOrderKeyedByTheChat() {
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
		UUID alice = UUID.randomUUID();
		RestClient http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultHeader("Authorization", "Bearer " + ChatsTestSupport.token(alice))
			.build();
		Map<String, Object> chat = http.post()
			.uri("/api/chats")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("type", "group", "title", "kafka", "memberIds", List.of(UUID.randomUUID())))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		String chatId = (String) chat.get("id");
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		for (int i = 1; i <= 3; i++) {
			http.post()
				.uri("/api/chats/" + chatId + "/messages")
				.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("content", "message " + i))
				.retrieve()
				.toBodilessEntity();
		}

		List<ConsumerRecord<String, String>> records = await().atMost(Duration.ofSeconds(20))
			.until(() -> readStrings(this.kafka.getBrokersAsString(), "chat.events", chatId),
					(found) -> found.size() >= 4);

		assertThat(records).extracting((record) -> header(record, "ce_type"))
			.containsExactly("chat.created", "message.created", "message.created", "message.created");
		assertThat(records.get(3).value()).contains("\"seq\": 3").contains("message 3");
		ConsumerRecord<String, String> sent = records.get(1);
		assertThat(header(sent, "ce_source")).isEqualTo("/chats-api");
		assertThat(header(sent, "ce_subject")).isEqualTo(chatId);
		assertThat(header(sent, "ce_specversion")).isEqualTo("1.0");
		assertThat(header(sent, "traceparent")).as("the event continues the request's trace").contains(traceId);
	}

}
