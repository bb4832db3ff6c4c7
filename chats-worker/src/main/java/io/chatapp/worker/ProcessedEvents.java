package io.chatapp.worker;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Exactly-once effects on top of at-least-once delivery: a consumer records the event id
 * in the transaction of the change the event caused, so a redelivered event (relay
 * re-publish, rebalance, retry, replay) finds its id and changes nothing.
 */
@Component
class ProcessedEvents {

	private final JdbcClient jdbc;

	ProcessedEvents(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records that {@code consumer} applies the event. Must run in the transaction of the
	 * effect; a concurrent delivery of the same id waits for it and then sees it.
	 * @param consumer the consumer (its group id)
	 * @param eventId the event id
	 * @return true if this is the first delivery, false if the event was already applied
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	boolean firstDelivery(String consumer, UUID eventId) {
		return this.jdbc.sql("""
				INSERT INTO processed_events (consumer, event_id) VALUES (:consumer, :eventId)
				ON CONFLICT DO NOTHING
				""").param("consumer", consumer).param("eventId", eventId).update() == 1;
	}

}
