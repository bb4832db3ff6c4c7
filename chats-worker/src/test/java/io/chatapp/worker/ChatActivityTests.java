package io.chatapp.worker;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WorkerIntegrationTest
class ChatActivityTests {

	@Autowired
	TestEvents events;

	@Autowired
	JdbcClient jdbc;

	@Test
	void lastActivityOnlyMovesForward() {
		UUID alice = UUID.randomUUID();
		Instant t0 = TestEvents.now();
		UUID chat = this.events.chat("group", t0, alice);

		Map<String, Object> older = this.events.messageCreated(chat, alice, 1, "late", t0.minusSeconds(60));
		this.events.publish(Event.CHAT_EVENTS, older);
		await().until(() -> this.jdbc.sql("SELECT count(*) FROM processed_events WHERE consumer = ? AND event_id = ?")
			.params(ActivityListener.GROUP, older.get("id"))
			.query(Long.class)
			.single() == 1);
		assertThat(lastActivityAt(chat)).isEqualTo(t0);

		this.events.publish(Event.CHAT_EVENTS, this.events.messageCreated(chat, alice, 2, "new", t0.plusSeconds(60)));
		await().untilAsserted(() -> assertThat(lastActivityAt(chat)).isEqualTo(t0.plusSeconds(60)));
	}

	private Instant lastActivityAt(UUID chat) {
		return this.jdbc.sql("SELECT last_activity_at FROM chats WHERE id = ?")
			.param(chat)
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
	}

}
