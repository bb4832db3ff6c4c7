package io.chatapp.worker;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes events as chats-api's and users-api's relays do, and seeds the rows that
 * chats-api would own (chats, members).
 */
class TestEvents {

	private final KafkaTemplate<String, byte[]> kafka;

	private final JsonMapper jsonMapper;

	private final JdbcClient jdbc;

	TestEvents(KafkaTemplate<String, byte[]> kafka, JsonMapper jsonMapper, JdbcClient jdbc) {
		this.kafka = kafka;
		this.jsonMapper = jsonMapper;
		this.jdbc = jdbc;
	}

	static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	UUID chat(String type, Instant lastActivityAt, UUID creator, UUID... others) {
		UUID chatId = UUID.randomUUID();
		OffsetDateTime at = lastActivityAt.atOffset(ZoneOffset.UTC);
		this.jdbc.sql("INSERT INTO chats (id, type, created_by, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?)")
			.params(chatId, type, creator, at, at)
			.update();
		addMember(chatId, creator);
		for (UUID other : others) {
			addMember(chatId, other);
		}
		return chatId;
	}

	private void addMember(UUID chatId, UUID userId) {
		this.jdbc.sql("INSERT INTO chat_members (chat_id, user_id, role, joined_at) VALUES (?, ?, 'member', now())")
			.params(chatId, userId)
			.update();
	}

	void profile(UUID userId, String username, String presence) {
		this.jdbc.sql("INSERT INTO user_profiles (user_id, username, display_name, presence) VALUES (?, ?, ?, ?)")
			.params(userId, username, username, presence)
			.update();
	}

	/**
	 * A {@code message.created} event as chats-api records it.
	 */
	Map<String, Object> messageCreated(UUID chatId, UUID senderId, long seq, String content, Instant sentAt) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("id", UUID.randomUUID());
		message.put("chatId", chatId);
		message.put("seq", seq);
		message.put("senderId", senderId);
		message.put("content", content);
		message.put("clientMessageId", null);
		message.put("replyToSeq", null);
		message.put("sentAt", sentAt);
		message.put("editedAt", null);
		message.put("deleted", false);
		message.put("reactions", Map.of());
		return event("message.created", chatId, senderId, seq, sentAt, message);
	}

	Map<String, Object> userEvent(String type, UUID userId, Instant occurredAt, Map<String, Object> data) {
		return event(type, null, userId, null, occurredAt, data);
	}

	private static Map<String, Object> event(String type, UUID chatId, UUID userId, Long seq, Instant occurredAt,
			Map<String, Object> data) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", UUID.randomUUID());
		event.put("type", type);
		if (chatId != null) {
			event.put("chatId", chatId);
		}
		event.put("userId", userId);
		if (seq != null) {
			event.put("seq", seq);
		}
		event.put("occurredAt", occurredAt);
		event.put("data", data);
		return event;
	}

	void publish(String topic, Map<String, Object> event) {
		Object key = (event.get("chatId") != null) ? event.get("chatId") : event.get("userId");
		publish(topic, key.toString(), this.jsonMapper.writeValueAsBytes(event));
	}

	void publish(String topic, String key, byte[] value) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
		record.headers().add("ce_specversion", "1.0".getBytes());
		try {
			this.kafka.send(record).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not publish to " + topic, ex);
		}
	}

}
