package io.chatapp.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.outbox.OutboxTestDatabase.Event;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static io.chatapp.outbox.OutboxTestDatabase.pending;
import static io.chatapp.outbox.OutboxTestDatabase.record;
import static io.chatapp.testsupport.KafkaTopics.header;
import static io.chatapp.testsupport.KafkaTopics.readStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay outlives a Kafka outage: it starts with no reachable broker, keeps failing
 * quietly, and publishes everything once the broker can be reached. (The embedded KRaft
 * broker cannot be started on a chosen port, so a port forwarder that opens late stands
 * in for the broker coming up; until then the relay's bootstrap address refuses
 * connections.)
 */
class OutboxRelayKafkaDownTests {

	private static final String TOPIC = "relay.down";

	private EmbeddedKafkaKraftBroker kafka;

	private TcpForwarder forwarder;

	private OutboxRelay relay;

	@BeforeEach
	void emptyOutbox() {
		OutboxTestDatabase.clear();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.relay != null) {
			this.relay.destroy();
		}
		if (this.forwarder != null) {
			this.forwarder.close();
		}
		if (this.kafka != null) {
			this.kafka.destroy();
		}
	}

	@Test
	void keepsRunningWhileKafkaIsUnreachableAndPublishesOnceItIsBack() throws Exception {
		this.kafka = new EmbeddedKafkaKraftBroker(1, 1);
		this.kafka.afterPropertiesSet();
		this.kafka.addTopics(new NewTopic(TOPIC, 1, (short) 1));
		String brokerAddress = this.kafka.getBrokersAsString();
		int port = OutboxRelayAutoConfigurationTests.closedPort();
		this.forwarder = new TcpForwarder(port,
				Integer.parseInt(brokerAddress.substring(brokerAddress.lastIndexOf(':') + 1)));
		this.relay = new OutboxRelay(OutboxTestDatabase.dataSource(),
				OutboxRelayAutoConfiguration.producerFactory(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
						"127.0.0.1:" + port, ProducerConfig.MAX_BLOCK_MS_CONFIG, 500)),
				OutboxRelayTests.settings(200), "/test");
		String chat = UUID.randomUUID().toString();
		List<Event> events = record(true, List.of(Event.of(TOPIC, chat), Event.of(TOPIC, chat), Event.of(TOPIC, chat)));

		this.relay.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.relay.failureStreak() >= 2);
		assertThat(this.relay.isRunning()).isTrue();
		assertThat(pending()).isEqualTo(events.size());

		this.forwarder.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> pending() == 0);

		assertThat(readStrings(brokerAddress, TOPIC)).extracting((record) -> header(record, "ce_id"))
			.containsExactlyElementsOf(events.stream().map((event) -> event.id().toString()).toList());
		assertThat(this.relay.failureStreak()).isZero();
	}

}
