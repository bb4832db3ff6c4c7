package io.chatapp.chats.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.chatapp.chats.ChatsProperties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * Typing and presence between instances. They are signals, not history: not in the event
 * log, not in {@code /api/sync}, and lost without harm. Each instance reads
 * {@value #TYPING_TOPIC} and {@code user.events} from their end (no consumer group: every
 * instance gets every record) and passes them to the members with a socket here. Presence
 * comes from users-api, which owns it and publishes {@code user.presence_changed}.
 *
 * <p>
 * With {@code chatapp.chats.live.signals=false} (one instance, no broker) typing goes
 * straight to this instance's sockets and presence changes are not passed on.
 */
@Component
class LiveSignals implements SmartLifecycle {

	static final String TYPING_TOPIC = "chat.typing";

	static final String USER_TOPIC = "user.events";

	private static final Logger log = LoggerFactory.getLogger(LiveSignals.class);

	private final LiveSessions sessions;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final boolean enabled;

	private final ObjectProvider<ProducerFactory<?, ?>> producers;

	private final ObjectProvider<ConsumerFactory<?, ?>> consumers;

	private volatile KafkaTemplate<String, String> typing;

	private volatile Consumer<String, String> consumer;

	private volatile Thread reader;

	private volatile boolean running;

	LiveSignals(LiveSessions sessions, JdbcClient jdbc, JsonMapper json, ChatsProperties properties,
			ObjectProvider<ProducerFactory<?, ?>> producers, ObjectProvider<ConsumerFactory<?, ?>> consumers) {
		this.sessions = sessions;
		this.jdbc = jdbc;
		this.json = json;
		this.enabled = properties.live().signals();
		this.producers = producers;
		this.consumers = consumers;
	}

	/**
	 * Passes a typing signal to the chat's other members, on every instance.
	 * @param chatId the chat
	 * @param event the {@code typing} event
	 */
	void typing(UUID chatId, Map<String, Object> event) {
		KafkaTemplate<String, String> template = this.typing;
		if (template == null) {
			deliverTyping(this.json.valueToTree(event));
			return;
		}
		try {
			template.send(TYPING_TOPIC, chatId.toString(), this.json.writeValueAsString(event));
		}
		catch (RuntimeException ex) {
			// A hint, not history: dropped when the broker cannot take it now.
			log.debug("Typing signal dropped: {}", ex.toString());
		}
	}

	private void deliverTyping(JsonNode event) {
		UUID chatId = UUID.fromString(event.path("chatId").asString());
		UUID userId = UUID.fromString(event.path("userId").asString());
		List<UUID> members = this.jdbc
			.sql("SELECT user_id FROM chat_memberships WHERE chat_id = :chatId AND left_event IS NULL")
			.param("chatId", chatId)
			.query(UUID.class)
			.list();
		this.sessions.signal(members, userId, this.json.treeToValue(event, Map.class));
	}

	/**
	 * A presence change from users-api: to the user's own sockets and those of everyone
	 * sharing a chat with them.
	 */
	private void deliverPresence(JsonNode userEvent) {
		UUID userId = UUID.fromString(userEvent.path("userId").asString());
		List<UUID> recipients = new ArrayList<>(this.jdbc.sql("""
				SELECT DISTINCT other.user_id
				FROM chat_memberships mine
				JOIN chat_memberships other ON other.chat_id = mine.chat_id AND other.left_event IS NULL
				WHERE mine.user_id = :userId AND mine.left_event IS NULL
				""").param("userId", userId).query(UUID.class).list());
		if (!recipients.contains(userId)) {
			recipients.add(userId);
		}
		JsonNode data = userEvent.path("data");
		Map<String, Object> presence = new java.util.LinkedHashMap<>();
		presence.put("status", data.path("status").asString());
		if (data.hasNonNull("lastSeenAt")) {
			presence.put("lastSeenAt", data.path("lastSeenAt").asString());
		}
		this.sessions.signal(recipients, null, Map.of("id", userEvent.path("id").asString(), "type", "presence.updated",
				"userId", userId, "occurredAt", userEvent.path("occurredAt").asString(), "data", presence));
	}

	@Override
	@SuppressWarnings("unchecked")
	public synchronized void start() {
		this.running = true;
		if (!this.enabled) {
			return;
		}
		ProducerFactory<String, String> producerFactory = (ProducerFactory<String, String>) this.producers
			.getIfAvailable();
		ConsumerFactory<String, String> consumerFactory = (ConsumerFactory<String, String>) this.consumers
			.getIfAvailable();
		if (producerFactory == null || consumerFactory == null) {
			log.warn("No Kafka configured: typing stays on this instance and presence changes are not passed on");
			return;
		}
		// Fire and forget, and never hold a socket's thread long when the broker is away.
		this.typing = new KafkaTemplate<>(producerFactory,
				Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
						ProducerConfig.MAX_BLOCK_MS_CONFIG, 500, ProducerConfig.LINGER_MS_CONFIG, 0,
						ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
						4000));
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		this.consumer = consumerFactory.createConsumer(null, "chats-api-signals", null, overrides);
		Thread thread = new Thread(this::read, "live-signals");
		thread.setDaemon(true);
		this.reader = thread;
		thread.start();
	}

	private void read() {
		Consumer<String, String> kafka = this.consumer;
		try {
			while (this.running) {
				try {
					assign(kafka);
					while (this.running) {
						for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofSeconds(1))) {
							handle(record);
						}
					}
				}
				catch (WakeupException | InterruptException ex) {
					return;
				}
				catch (RuntimeException ex) {
					// Signals are lost without harm; start again from the end.
					log.warn("Reading live signals failed; starting again: {}", ex.toString());
					Thread.sleep(1000);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			kafka.close(Duration.ofSeconds(2));
		}
	}

	/**
	 * Every partition of both topics, from their end; waits for topics another service
	 * creates ({@code user.events}).
	 */
	private void assign(Consumer<String, String> kafka) {
		List<TopicPartition> partitions = new ArrayList<>();
		for (String topic : List.of(TYPING_TOPIC, USER_TOPIC)) {
			List<PartitionInfo> infos = List.of();
			while (this.running && infos.isEmpty()) {
				try {
					infos = kafka.partitionsFor(topic, Duration.ofSeconds(5));
				}
				catch (org.apache.kafka.common.errors.TimeoutException ex) {
					infos = List.of();
				}
				if (infos == null) {
					infos = List.of();
				}
				if (infos.isEmpty()) {
					try {
						Thread.sleep(1000);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
			infos.forEach((info) -> partitions.add(new TopicPartition(info.topic(), info.partition())));
		}
		kafka.assign(partitions);
		kafka.seekToEnd(partitions);
		// seekToEnd is lazy: resolve it now, so nothing sent from here on is skipped.
		partitions.forEach(kafka::position);
	}

	private void handle(ConsumerRecord<String, String> record) {
		try {
			JsonNode event = this.json.readTree(record.value());
			if (TYPING_TOPIC.equals(record.topic())) {
				deliverTyping(event);
			}
			else if ("user.presence_changed".equals(event.path("type").asString())) {
				deliverPresence(event);
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			log.debug("Unreadable signal skipped ({}:{}): {}", record.topic(), record.offset(), ex.toString());
		}
		catch (RuntimeException ex) {
			log.warn("Signal not delivered ({}:{}): {}", record.topic(), record.offset(), ex.toString());
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		Consumer<String, String> kafka = this.consumer;
		if (kafka != null) {
			kafka.wakeup();
		}
		Thread thread = this.reader;
		if (thread != null) {
			try {
				thread.join(3000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		KafkaTemplate<String, String> template = this.typing;
		if (template != null) {
			template.destroy();
		}
		this.typing = null;
		this.consumer = null;
		this.reader = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
