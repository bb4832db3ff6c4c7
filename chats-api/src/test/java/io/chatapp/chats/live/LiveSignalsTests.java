package io.chatapp.chats.live;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.chats.users.UserDirectory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * Typing and presence between two chats-api instances over a real Kafka broker: a
 * member's typing reaches the others wherever their sockets are, and a presence change
 * published by users-api reaches the user and everyone sharing a chat with them, and
 * nobody else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN",
				"spring.grpc.client.channel.users.target=static://127.0.0.1:1" })
@EmbeddedKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers", topics = LiveSignals.USER_TOPIC)
@Import(ChatsTestSupport.TestTokens.class)
class LiveSignalsTests {

	/**
	 * Generous: on a loaded machine the consumers may take a while to reach the topics.
	 */
	private static final Duration WAIT = Duration.ofSeconds(90);

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.registerWithRelay(registry);
		// No outbox relay: an instance that outlives this class in the test JVM's context
		// cache would keep the relay's leadership and publish to this class's broker
		// after it is gone.
		registry.add("chatapp.outbox.enabled", () -> "false");
	}

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@MockitoBean
	UserDirectory users;

	ConfigurableApplicationContext second;

	int secondPort;

	final UUID alice = UUID.randomUUID();

	final UUID bob = UUID.randomUUID();

	final UUID carol = UUID.randomUUID();

	@BeforeEach
	void startSecondInstance() {
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
		this.second = startInstance();
		this.secondPort = ChatsTestSupport.port(this.second);
	}

	private ConfigurableApplicationContext startInstance() {
		return ChatsTestSupport.startInstance("--spring.kafka.bootstrap-servers=" + this.kafka.getBrokersAsString(),
				"--spring.grpc.client.channel.users.target=static://127.0.0.1:1",
				"--logging.level.org.apache.kafka=WARN", "--chatapp.outbox.enabled=false");
	}

	@AfterEach
	void stopSecondInstance() {
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void typingOnOneInstanceReachesMembersOnTheOther() {
		String chat = group(this.alice, this.bob);
		SocketClient aliceSocket = SocketClient.ready(this.port, ChatsTestSupport.token(this.alice));
		SocketClient bobSocket = SocketClient.ready(this.secondPort, ChatsTestSupport.token(this.bob));
		try {
			// Until both instances read the topic (they start at its end), a signal may
			// go by unseen; typing is repeated as a client does while the user types.
			await().atMost(WAIT).pollInterval(Duration.ofMillis(2100)).until(() -> {
				aliceSocket.send("{\"type\":\"typing\",\"chatId\":\"" + chat + "\"}");
				JsonNode frame = bobSocket.frames.poll(2, java.util.concurrent.TimeUnit.SECONDS);
				return frame != null && "typing".equals(frame.path("event").path("type").asString())
						&& this.alice.toString().equals(frame.path("event").path("userId").asString());
			});
		}
		finally {
			aliceSocket.close();
			bobSocket.close();
		}
	}

	@Test
	void aPresenceChangeReachesTheUserAndEveryoneSharingAChatWithThemOnly() {
		group(this.alice, this.bob);
		// Two instances started as the AppHost starts them, each its own application
		// (the test's own context serves the REST calls).
		ConfigurableApplicationContext third = startInstance();
		int thirdPort = ChatsTestSupport.port(third);
		SocketClient bobOnFirst = SocketClient.ready(thirdPort, ChatsTestSupport.token(this.bob));
		SocketClient bobOnSecond = SocketClient.ready(this.secondPort, ChatsTestSupport.token(this.bob));
		SocketClient aliceSocket = SocketClient.ready(this.secondPort, ChatsTestSupport.token(this.alice));
		SocketClient carolSocket = SocketClient.ready(thirdPort, ChatsTestSupport.token(this.carol));
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.kafka.getBrokersAsString()),
				new StringSerializer(), new StringSerializer())) {
			try {
				await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
					String event = "{\"id\":\"" + UUID.randomUUID()
							+ "\",\"type\":\"user.presence_changed\",\"userId\":\"" + this.alice
							+ "\",\"occurredAt\":\"" + Instant.now() + "\",\"data\":{\"status\":\"online\","
							+ "\"previousStatus\":\"offline\",\"lastSeenAt\":\"" + Instant.now() + "\"}}";
					producer.send(new ProducerRecord<>(LiveSignals.USER_TOPIC, this.alice.toString(), event)).get();
					return bobOnFirst.frames.stream().anyMatch(this::alicePresence)
							&& bobOnSecond.frames.stream().anyMatch(this::alicePresence)
							&& aliceSocket.frames.stream().anyMatch(this::alicePresence);
				});
			}
			catch (ConditionTimeoutException ex) {
				throw new AssertionError(
						"No presence.updated for alice everywhere: bob on the first instance got " + bobOnFirst.frames
								+ ", bob on the second " + bobOnSecond.frames + ", alice " + aliceSocket.frames,
						ex);
			}
			JsonNode frame = bobOnFirst.frames.stream().filter(this::alicePresence).findFirst().orElseThrow();
			assertThat(frame.path("event").path("data").path("status").asString()).isEqualTo("online");
			assertThat(frame.has("syncToken")).as("a signal, not in the log").isFalse();
			assertThat(carolSocket.frames).as("carol shares no chat with alice").noneMatch(this::alicePresence);
		}
		finally {
			List.of(bobOnFirst, bobOnSecond, aliceSocket, carolSocket).forEach(SocketClient::close);
			third.close();
		}
	}

	private boolean alicePresence(JsonNode frame) {
		return "presence.updated".equals(frame.path("event").path("type").asString())
				&& this.alice.toString().equals(frame.path("event").path("userId").asString());
	}

	private String group(UUID owner, UUID member) {
		Map<String, Object> chat = RestClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/api/chats")
			.header("Authorization", "Bearer " + ChatsTestSupport.token(owner))
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("type", "group", "title", "signals", "memberIds", List.of(member)))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		return (String) chat.get("id");
	}

}
