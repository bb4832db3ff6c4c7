package io.chatapp.worker;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WorkerIntegrationTest
class ProfileReplicaTests {

	@Autowired
	TestEvents events;

	@Autowired
	JdbcClient jdbc;

	@Test
	void replicaFollowsUserEvents() {
		UUID user = UUID.randomUUID();
		Instant t0 = TestEvents.now();

		publish("user.registered", user, t0, profile("erin", "Erin", null));
		await().untilAsserted(() -> assertThat(row(user)).containsEntry("username", "erin")
			.containsEntry("display_name", "Erin")
			.containsEntry("presence", "offline"));

		publish("user.updated", user, t0.plusSeconds(1), profile("erin", "Erin E.", "https://example.com/erin.png"));
		publish("user.presence_changed", user, t0.plusSeconds(2),
				Map.of("status", "online", "previousStatus", "offline"));

		await().untilAsserted(() -> assertThat(row(user)).containsEntry("display_name", "Erin E.")
			.containsEntry("avatar_url", "https://example.com/erin.png")
			.containsEntry("presence", "online"));
	}

	@Test
	void staleEventsAreIgnored() {
		UUID user = UUID.randomUUID();
		Instant t0 = TestEvents.now();
		publish("user.registered", user, t0, profile("frank", "Frank", null));
		publish("user.updated", user, t0.plusSeconds(10), profile("frank", "Frank (new)", null));
		publish("user.presence_changed", user, t0.plusSeconds(10), Map.of("status", "busy"));

		// Older than what the replica holds, as after a retry or a replay.
		Map<String, Object> staleProfile = publish("user.updated", user, t0.plusSeconds(5),
				profile("frank", "Frank (old)", null));
		Map<String, Object> stalePresence = publish("user.presence_changed", user, t0.plusSeconds(5),
				Map.of("status", "offline"));

		awaitProcessed(staleProfile);
		awaitProcessed(stalePresence);
		assertThat(row(user)).containsEntry("display_name", "Frank (new)").containsEntry("presence", "busy");
	}

	@Test
	void presenceThatOvertakesRegistrationIsKept() {
		UUID user = UUID.randomUUID();
		Instant t0 = TestEvents.now();

		publish("user.presence_changed", user, t0.plusSeconds(1), Map.of("status", "online"));
		publish("user.registered", user, t0, profile("gina", "Gina", null));

		await().untilAsserted(() -> assertThat(row(user)).containsEntry("username", "gina")
			.containsEntry("display_name", "Gina")
			.containsEntry("presence", "online"));
	}

	private Map<String, Object> publish(String type, UUID user, Instant at, Map<String, Object> data) {
		Map<String, Object> event = this.events.userEvent(type, user, at, data);
		this.events.publish(Event.USER_EVENTS, event);
		return event;
	}

	private static Map<String, Object> profile(String username, String displayName, String avatarUrl) {
		Map<String, Object> data = new HashMap<>();
		data.put("username", username);
		data.put("displayName", displayName);
		data.put("avatarUrl", avatarUrl);
		data.put("statusMessage", null);
		data.put("createdAt", Instant.now());
		return data;
	}

	private void awaitProcessed(Map<String, Object> event) {
		await().until(() -> this.jdbc.sql("SELECT count(*) FROM processed_events WHERE consumer = ? AND event_id = ?")
			.params(ProfilesListener.GROUP, event.get("id"))
			.query(Long.class)
			.single() == 1);
	}

	private Map<String, Object> row(UUID user) {
		return this.jdbc.sql("SELECT * FROM user_profiles WHERE user_id = ?")
			.param(user)
			.query()
			.listOfRows()
			.stream()
			.findFirst()
			.orElse(Map.of());
	}

}
