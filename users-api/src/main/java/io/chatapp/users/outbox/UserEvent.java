package io.chatapp.users.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An event on {@code user.events}, in the contract's one event shape (keyed by user id).
 *
 * @param id stable id; consumers deduplicate on it
 * @param type {@code user.registered}, {@code user.updated} or
 * {@code user.presence_changed}
 * @param userId the user the event is about
 * @param occurredAt when the change committed
 * @param data the event's details
 */
public record UserEvent(UUID id, String type, UUID userId, Instant occurredAt, Map<String, Object> data) {

	public static final String TOPIC = "user.events";

	public static UserEvent of(String type, UUID userId, Instant occurredAt, Map<String, Object> data) {
		return new UserEvent(UUID.randomUUID(), type, userId, occurredAt, data);
	}

}
