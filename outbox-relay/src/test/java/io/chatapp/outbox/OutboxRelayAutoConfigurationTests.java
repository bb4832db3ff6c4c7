package io.chatapp.outbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the auto-configuration registers, with no broker running.
 */
class OutboxRelayAutoConfigurationTests {

	private final ApplicationContextRunner service = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class,
				OutboxRelayAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + OutboxTestDatabase.start().jdbcUrl(),
				"spring.datasource.username=" + OutboxTestDatabase.ROLE,
				"spring.datasource.password=" + OutboxTestDatabase.PASSWORD,
				"spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort(),
				// No broker to create topics on.
				"spring.kafka.admin.auto-create=false");

	@BeforeEach
	void emptyOutbox() {
		OutboxTestDatabase.clear();
	}

	@Test
	void registersNothingWhenDisabled() {
		this.service.withPropertyValues("chatapp.outbox.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(OutboxRelay.class).doesNotHaveBean("outboxTopics");
		});
	}

	@Test
	void createsChatAndUserEventsTopicsMergedWithConfiguredOnes() {
		this.service
			.withPropertyValues("chatapp.outbox.topics.[chat.events].replicas=3",
					"chatapp.outbox.topics.[audit.events].partitions=2")
			.run((context) -> {
				assertThat(context).hasBean("outboxTopics");
				Map<String, String> byName = context.getBean(OutboxRelayProperties.class)
					.topicsToCreate()
					.entrySet()
					.stream()
					.collect(Collectors.toMap(Map.Entry::getKey,
							(topic) -> topic.getValue().partitions() + "x" + topic.getValue().replicas()));
				assertThat(byName).containsOnly(Map.entry("chat.events", "12x3"), Map.entry("user.events", "6xnull"),
						Map.entry("audit.events", "2xnull"));
			});
	}

	@Test
	void topicsWithoutAReplicaCountGetTheBrokersDefault() {
		this.service.withPropertyValues("chatapp.outbox.topics.[chat.events].replicas=3").run((context) -> {
			Map<String, NewTopic> topics = context.getBean(OutboxRelayProperties.class)
				.topicsToCreate()
				.entrySet()
				.stream()
				.collect(Collectors.toMap(Map.Entry::getKey, (topic) -> topic.getValue().newTopic(topic.getKey())));
			// -1 asks the broker for its default.replication.factor: 1 on a single
			// broker, 3 on a cluster that survives the loss of one.
			assertThat(topics.get("user.events").replicationFactor()).isEqualTo((short) -1);
			assertThat(topics.get("user.events").numPartitions()).isEqualTo(6);
			assertThat(topics.get("chat.events").replicationFactor()).isEqualTo((short) 3);
		});
	}

	@Test
	void givesWayToTheServicesOwnTopics() {
		KafkaAdmin.NewTopics mine = new KafkaAdmin.NewTopics(new NewTopic("only.mine", 1, (short) 1));
		this.service.withBean("outboxTopics", KafkaAdmin.NewTopics.class, () -> mine)
			.run((context) -> assertThat(context).getBean("outboxTopics").isSameAs(mine));
	}

	@Test
	void startsTheRelayWhenNoBrokerAnswers() {
		this.service.run((context) -> assertThat(context.getBean(OutboxRelay.class).isRunning()).isTrue());
	}

	@Test
	void producerIsIdempotentWithAcksAllWhateverTheApplicationSays() {
		Map<String, Object> config = OutboxRelayAutoConfiguration
			.producerFactory(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
					ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))
			.getConfigurationProperties();
		assertThat(config).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
			.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
	}

	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
