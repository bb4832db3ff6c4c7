package io.chatapp.servicedefaults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaTopicMetricsFilterTests {

	private static final String LAG = "kafka.consumer.fetch.manager.records.lag";

	@Test
	void aKafkaConsumerReportsADottedTopicTwiceAndTheFilterKeepsItsOwnName() throws Exception {
		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.afterPropertiesSet();
		ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor();
		try {
			kafka.addTopics(new NewTopic("chat.lag", 1, (short) 1));
			try (KafkaProducer<String, String> producer = new KafkaProducer<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()), new StringSerializer(),
					new StringSerializer())) {
				producer.send(new ProducerRecord<>("chat.lag", "k", "v")).get();
			}
			MeterRegistry unfiltered = new SimpleMeterRegistry();
			MeterRegistry filtered = new SimpleMeterRegistry();
			filtered.config().meterFilter(new KafkaTopicMetricsFilter());
			try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
					Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
							ConsumerConfig.GROUP_ID_CONFIG, "lag-test", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
							"earliest"),
					new StringDeserializer(), new StringDeserializer())) {
				new KafkaClientMetrics(consumer, Tags.empty(), refresh, Duration.ofMillis(100)).bindTo(unfiltered);
				new KafkaClientMetrics(consumer, Tags.empty(), refresh, Duration.ofMillis(100)).bindTo(filtered);
				consumer.subscribe(List.of("chat.lag"));

				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					consumer.poll(Duration.ofMillis(100));
					// The cause: Kafka's corrected and deprecated (KIP-1109) copies.
					assertThat(topics(unfiltered)).contains("chat.lag", "chat_lag");
				});
				assertThat(topics(filtered)).containsExactly("chat.lag");
			}
		}
		finally {
			refresh.shutdownNow();
			kafka.destroy();
		}
	}

	@Test
	void onlyKafkaMetersWithAnUnderscoredTopicAreDropped() {
		MeterRegistry registry = new SimpleMeterRegistry();
		registry.config().meterFilter(new KafkaTopicMetricsFilter());

		registry.gauge(LAG, Tags.of("topic", "chat.events", "partition", "0"), 1);
		registry.gauge(LAG, Tags.of("topic", "chat_events", "partition", "0"), 1);
		registry.gauge(LAG, Tags.of("topic", "plain", "partition", "0"), 1);
		registry.gauge("app.queue", Tags.of("topic", "chat_events"), 1);

		assertThat(topics(registry)).containsExactlyInAnyOrder("chat.events", "plain");
		assertThat(registry.find("app.queue").gauge()).isNotNull();
	}

	private static List<String> topics(MeterRegistry registry) {
		return registry.find(LAG).meters().stream().map(Meter::getId).map((id) -> id.getTag("topic")).toList();
	}

}
