package io.chatapp.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.testsupport.KafkaTopics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WorkerIntegrationTest
class DeadLetterTests {

	static final String NOTIFICATIONS_DLT = "chat.events.chats-worker-notifications.dlt";

	static final String ACTIVITY_DLT = "chat.events.chats-worker-activity.dlt";

	static final String PROFILES_DLT = "user.events.chats-worker-profiles.dlt";

	static final String NOTIFICATIONS_FIRST_RETRY = "chat.events.chats-worker-notifications.retry-0";

	@Autowired
	TestEvents events;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final String breakage = "broken_" + NotificationsTests.shortId().replace('-', '_');

	@AfterEach
	void repairDatabase() {
		ChatsTestDatabase.admin().sql("ALTER TABLE notifications DROP CONSTRAINT IF EXISTS " + this.breakage).update();
	}

	@Test
	void failingHandlerIsRetriedThenDeadLettered() {
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt.minusSeconds(60), alice, bob);
		String content = breakNotificationsContaining("cannot be stored");
		Map<String, Object> message = this.events.messageCreated(chat, alice, 1, content, sentAt);

		this.events.publish(Event.CHAT_EVENTS, message);

		ConsumerRecord<String, byte[]> deadLetter = awaitOne(NOTIFICATIONS_DLT, chat);
		byte[] published = records(Event.CHAT_EVENTS, chat.toString()).get(0).value();
		assertThat(deadLetter.value()).isEqualTo(published);
		assertThat(KafkaTopics.header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(Event.CHAT_EVENTS);
		assertThat(KafkaTopics.header(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN)).isNotBlank();
		assertThat(KafkaTopics.header(deadLetter, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)).isNotBlank();
		assertThat(KafkaTopics.header(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains(this.breakage)
			.hasSizeLessThanOrEqualTo(KafkaConfiguration.MAX_EXCEPTION_MESSAGE);
		// No stack trace: it is in the log, and would make every dead letter kilobytes
		// larger.
		assertThat(deadLetter.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).isNull();
		assertThat(KafkaTopics.header(deadLetter, "ce_specversion")).isEqualTo("1.0");
		// It went through both retry topics (three attempts) before it was dead-lettered.
		assertThat(records(NOTIFICATIONS_FIRST_RETRY, chat.toString())).hasSize(1);
		assertThat(records("chat.events.chats-worker-notifications.retry-1", chat.toString())).hasSize(1);
		assertThat(notificationCount(bob)).isZero();
		// Another group on the same topic is not affected.
		await().untilAsserted(() -> assertThat(lastActivityAt(chat)).isEqualTo(sentAt));
		assertThat(records(ACTIVITY_DLT, chat.toString())).isEmpty();
	}

	@Test
	void deadLetterExceptionHeadersNameTheClassesAndCutTheMessage() {
		Headers headers = new RecordHeaders();
		Exception failure = new IllegalStateException("wrapper", new IllegalArgumentException("x".repeat(5000)));
		KafkaConfiguration.addExceptionHeaders(headers, failure, false, KafkaConfiguration.DEAD_LETTER_HEADERS);

		assertThat(value(headers, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(IllegalStateException.class.getName());
		assertThat(value(headers, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN))
			.isEqualTo(IllegalArgumentException.class.getName());
		assertThat(value(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).hasSize(KafkaConfiguration.MAX_EXCEPTION_MESSAGE)
			.startsWith("xxx")
			.endsWith("\u2026");
		assertThat(headers.lastHeader(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).isNull();
	}

	private static String value(Headers headers, String name) {
		return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	@Test
	void unreadableRecordIsDeadLetteredAtOnceAndLaterRecordsGoOn() {
		String poisonKey = UUID.randomUUID().toString();
		byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
		this.events.publish(Event.CHAT_EVENTS, poisonKey, poison);
		this.events.publish(Event.USER_EVENTS, poisonKey, poison);
		// Valid JSON, but not an event (no id, type or occurredAt).
		String notAnEventKey = UUID.randomUUID().toString();
		this.events.publish(Event.CHAT_EVENTS, notAnEventKey, "{\"hello\":1}".getBytes(StandardCharsets.UTF_8));

		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);
		this.events.publish(Event.CHAT_EVENTS, this.events.messageCreated(chat, alice, 1, "still there?", sentAt));

		await().untilAsserted(() -> assertThat(notificationCount(bob)).isEqualTo(1));
		assertThat(awaitOne(NOTIFICATIONS_DLT, poisonKey).value()).isEqualTo(poison);
		assertThat(awaitOne(ACTIVITY_DLT, poisonKey).value()).isEqualTo(poison);
		assertThat(awaitOne(PROFILES_DLT, poisonKey).value()).isEqualTo(poison);
		awaitOne(NOTIFICATIONS_DLT, notAnEventKey);
		// Dead-lettered without a retry.
		assertThat(records(NOTIFICATIONS_FIRST_RETRY, poisonKey)).isEmpty();
		assertThat(records(NOTIFICATIONS_FIRST_RETRY, notAnEventKey)).isEmpty();
	}

	@Test
	void replayCommandPutsDeadLettersBackIntoTheirTopic() {
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		Instant sentAt = TestEvents.now();
		UUID chat = this.events.chat("direct", sentAt, alice, bob);
		String content = breakNotificationsContaining("replay me");
		this.events.publish(Event.CHAT_EVENTS, this.events.messageCreated(chat, alice, 1, content, sentAt));
		awaitOne(NOTIFICATIONS_DLT, chat.toString());
		assertThat(notificationCount(bob)).isZero();

		repairDatabase();
		runCommand("--replay-dlt=" + NOTIFICATIONS_DLT);

		await().untilAsserted(() -> assertThat(notificationCount(bob)).isEqualTo(1));
		List<ConsumerRecord<String, byte[]>> replayed = records(Event.CHAT_EVENTS, chat.toString());
		assertThat(replayed).hasSize(2);
		assertThat(replayed.get(1).value()).isEqualTo(replayed.get(0).value());
		assertThat(replayed.get(1).headers().lastHeader("ce_specversion")).isNotNull();
		assertThat(replayed.get(1).headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC)).isNull();
	}

	private void runCommand(String... commandArgs) {
		String[] args = new String[commandArgs.length + 4];
		System.arraycopy(commandArgs, 0, args, 0, commandArgs.length);
		String[] database = ChatsTestDatabase.properties();
		for (int i = 0; i < database.length; i++) {
			args[commandArgs.length + i] = "--" + database[i];
		}
		args[args.length - 1] = "--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString();
		ConfigurableApplicationContext command = ChatsWorkerApplication.application(args).run(args);
		// A command beside the running worker: no HTTP port, no consumer group joined.
		assertThat(command).isNotInstanceOf(WebServerApplicationContext.class);
		assertThat(command.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers()).isNotEmpty()
			.noneMatch(MessageListenerContainer::isRunning);
		assertThat(SpringApplication.exit(command)).isZero();
	}

	/**
	 * Makes storing a notification whose preview holds a marker fail, as a broken
	 * database would.
	 * @return message content that carries the marker
	 */
	private String breakNotificationsContaining(String text) {
		ChatsTestDatabase.admin()
			.sql("ALTER TABLE notifications ADD CONSTRAINT " + this.breakage + " CHECK (preview NOT LIKE '%"
					+ this.breakage + "%')")
			.update();
		return text + " " + this.breakage;
	}

	private ConsumerRecord<String, byte[]> awaitOne(String topic, Object key) {
		return await().until(() -> records(topic, key.toString()), (found) -> found.size() == 1).get(0);
	}

	private List<ConsumerRecord<String, byte[]>> records(String topic, String key) {
		return KafkaTopics.read(this.broker.getBrokersAsString(), topic, key);
	}

	private long notificationCount(UUID userId) {
		return this.jdbc.sql("SELECT count(*) FROM notifications WHERE user_id = ?")
			.param(userId)
			.query(Long.class)
			.single();
	}

	private Instant lastActivityAt(UUID chat) {
		return this.jdbc.sql("SELECT last_activity_at FROM chats WHERE id = ?")
			.param(chat)
			.query(OffsetDateTime.class)
			.single()
			.toInstant();
	}

}
