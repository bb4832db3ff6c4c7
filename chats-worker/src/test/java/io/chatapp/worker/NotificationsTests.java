package io.chatapp.worker;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WorkerIntegrationTest
class NotificationsTests {

	@Autowired
	TestEvents events;

	@Autowired
	JdbcClient jdbc;

	@Test
	void directMessageToOfflineMemberNotifiesThemOnceEvenWhenRedelivered() {
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		this.events.profile(bob, "bob-" + shortId(), "away");
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);
		Map<String, Object> message = this.events.messageCreated(chat, alice, 1, "Lunch at noon?", sentAt);

		this.events.publish(Event.CHAT_EVENTS, message);

		await().untilAsserted(() -> assertThat(notifications(bob)).hasSize(1));
		Map<String, Object> notification = notifications(bob).get(0);
		assertThat(notification).containsEntry("kind", "direct_message")
			.containsEntry("chat_id", chat)
			.containsEntry("seq", 1L)
			.containsEntry("from_user_id", alice)
			.containsEntry("preview", "Lunch at noon?")
			.containsEntry("read", false);
		assertThat(notifications(alice)).isEmpty();

		// The same event again (a relay re-publish), then a new message as a marker: once
		// the marker is notified, the repeat has been consumed too.
		this.events.publish(Event.CHAT_EVENTS, message);
		this.events.publish(Event.CHAT_EVENTS, this.events.messageCreated(chat, alice, 2, "Or later?", sentAt));

		await().untilAsserted(
				() -> assertThat(notifications(bob)).extracting((n) -> n.get("seq")).containsExactlyInAnyOrder(1L, 2L));
	}

	@Test
	void directMessageToOnlineMemberMakesNone() {
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		this.events.profile(bob, "bob-" + shortId(), "online");
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);
		Map<String, Object> message = this.events.messageCreated(chat, alice, 1, "Hi", sentAt);

		this.events.publish(Event.CHAT_EVENTS, message);

		awaitProcessed(message);
		assertThat(notifications(bob)).isEmpty();
	}

	@Test
	void mentionNotifiesOfflineMembersOnly() {
		String id = shortId();
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		UUID carol = UUID.randomUUID();
		UUID dave = UUID.randomUUID();
		this.events.profile(alice, "alice-" + id, "online");
		this.events.profile(bob, "bob-" + id, "online");
		this.events.profile(carol, "carol-" + id, "offline");
		// Not a member of the chat.
		this.events.profile(dave, "dave-" + id, "offline");
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("group", sentAt, alice, bob, carol);
		String content = "@Bob-%s and @CAROL-%s, see what @dave-%s said. Thanks @alice-%s".formatted(id, id, id, id);
		Map<String, Object> message = this.events.messageCreated(chat, alice, 7, content, sentAt);

		this.events.publish(Event.CHAT_EVENTS, message);

		await().untilAsserted(() -> assertThat(notifications(carol)).hasSize(1));
		assertThat(notifications(carol).get(0)).containsEntry("kind", "mention")
			.containsEntry("seq", 7L)
			.containsEntry("preview", content);
		// Online, not a member, the sender: nobody else.
		assertThat(notifications(bob)).isEmpty();
		assertThat(notifications(dave)).isEmpty();
		assertThat(notifications(alice)).isEmpty();
	}

	@Test
	void mentionOfOnlineMemberMakesNone() {
		String id = shortId();
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		this.events.profile(bob, "bob-" + id, "online");
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("group", sentAt, alice, bob);
		Map<String, Object> message = this.events.messageCreated(chat, alice, 1, "ping @bob-" + id, sentAt);

		this.events.publish(Event.CHAT_EVENTS, message);

		awaitProcessed(message);
		assertThat(notifications(bob)).isEmpty();
	}

	private void awaitProcessed(Map<String, Object> event) {
		await().until(() -> this.jdbc.sql("SELECT count(*) FROM processed_events WHERE consumer = ? AND event_id = ?")
			.params(NotificationsListener.GROUP, event.get("id"))
			.query(Long.class)
			.single() == 1);
	}

	private List<Map<String, Object>> notifications(UUID userId) {
		return this.jdbc.sql("SELECT * FROM notifications WHERE user_id = ? ORDER BY seq")
			.param(userId)
			.query()
			.listOfRows();
	}

	static String shortId() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
