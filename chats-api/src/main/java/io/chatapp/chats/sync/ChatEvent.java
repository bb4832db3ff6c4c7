package io.chatapp.chats.sync;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An event in the contract's one shape (Kafka value, {@code /api/sync}, WebSocket); see
 * docs/events.md for the catalogue.
 *
 * @param id stable id; consumers deduplicate on it
 * @param type event type, such as {@code message.created}
 * @param chatId the chat, for chat-scoped events
 * @param userId the user the event is about (sender, reader, added member, ...)
 * @param seq the message seq or read seq, when one applies
 * @param occurredAt when the change happened
 * @param data the event's details
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatEvent(UUID id, String type, UUID chatId, UUID userId, Long seq, Instant occurredAt,
		Map<String, Object> data) {

	public static final String TOPIC = "chat.events";

	public static ChatEvent of(String type, UUID chatId, UUID userId, Long seq, Instant occurredAt,
			Map<String, Object> data) {
		return new ChatEvent(UUID.randomUUID(), type, chatId, userId, seq, occurredAt, data);
	}

}
