package io.chatapp.worker;

import java.time.ZoneOffset;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bookkeeping on chats: {@code last_activity_at}, which orders a user's chat list, is the
 * time of the chat's newest message. chats-api sets it when it stores a message; the
 * worker makes sure it holds for every message that went through Kafka. It only ever
 * moves forward, so applying events late, twice or out of order is harmless.
 */
@Service
class ChatActivity {

	private final JdbcClient jdbc;

	private final ProcessedEvents processedEvents;

	ChatActivity(JdbcClient jdbc, ProcessedEvents processedEvents) {
		this.jdbc = jdbc;
		this.processedEvents = processedEvents;
	}

	@Transactional
	void messageCreated(Event event) {
		UUID chatId = event.requireChatId();
		if (!this.processedEvents.firstDelivery(ActivityListener.GROUP, event.id())) {
			return;
		}
		this.jdbc.sql("""
				UPDATE chats SET last_activity_at = :occurredAt
				WHERE id = :chatId AND last_activity_at < :occurredAt
				""").param("chatId", chatId).param("occurredAt", event.occurredAt().atOffset(ZoneOffset.UTC)).update();
	}

}
