package io.chatapp.worker;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event as consumed from Kafka, in the contract's one event shape (see
 * {@code docs/events.md}). A value that does not parse into it is not retried: it goes
 * straight to the dead-letter topic.
 *
 * @param id stable id; each consumer applies an id once
 * @param type event type, such as {@code message.created}
 * @param chatId the chat, for chat-scoped events
 * @param userId the user the event is about
 * @param seq the message seq, when one applies
 * @param occurredAt when the change happened
 * @param data the event's details, read per type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Event(UUID id, String type, UUID chatId, UUID userId, Long seq, Instant occurredAt, JsonNode data) {

	static final String CHAT_EVENTS = "chat.events";

	static final String USER_EVENTS = "user.events";

	Event {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(occurredAt, "occurredAt");
	}

	boolean is(String type) {
		return this.type.equals(type);
	}

	UUID requireChatId() {
		if (this.chatId == null) {
			throw new InvalidEventException(this, "no chatId");
		}
		return this.chatId;
	}

	UUID requireUserId() {
		if (this.userId == null) {
			throw new InvalidEventException(this, "no userId");
		}
		return this.userId;
	}

	/**
	 * Reads the event's details.
	 * @param <T> the details' type
	 * @param jsonMapper the JSON mapper
	 * @param type what the details of this event type hold
	 * @return the details
	 * @throws InvalidEventException if the event has none
	 * @throws tools.jackson.core.JacksonException if they do not fit the type
	 */
	<T> T data(JsonMapper jsonMapper, Class<T> type) {
		if (this.data == null || this.data.isNull()) {
			throw new InvalidEventException(this, "no data");
		}
		return jsonMapper.treeToValue(this.data, type);
	}

}
