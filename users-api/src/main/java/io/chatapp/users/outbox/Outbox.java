package io.chatapp.users.outbox;

import io.chatapp.outbox.Traceparent;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records events in the transaction of the change they describe (the transactional
 * outbox): an event exists if and only if its change committed. A relay publishes
 * recorded events to Kafka in order.
 */
@Component
public class Outbox {

	private final JdbcClient jdbc;

	private final JsonMapper jsonMapper;

	Outbox(JdbcClient jdbc, JsonMapper jsonMapper) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Records a user event. Must run inside the caller's transaction, never on its own.
	 * @param event the event to publish once the transaction commits
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void record(UserEvent event) {
		this.jdbc.sql("""
				INSERT INTO outbox (event_id, topic, event_key, event_type, payload, traceparent)
				VALUES (:eventId, :topic, :key, :type, CAST(:payload AS jsonb), :traceparent)
				""")
			.param("eventId", event.id())
			.param("topic", UserEvent.TOPIC)
			.param("key", event.userId().toString())
			.param("type", event.type())
			.param("payload", this.jsonMapper.writeValueAsString(event))
			.param("traceparent", Traceparent.current())
			.update();
	}

}
