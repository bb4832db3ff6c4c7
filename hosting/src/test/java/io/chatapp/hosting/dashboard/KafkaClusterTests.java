package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.KafkaResource;
import io.chatapp.hosting.Resource;
import io.chatapp.hosting.ResourceSnapshot;
import io.chatapp.hosting.ResourceState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An embedded cluster of three real brokers: topics get three replicas by default and
 * writes need two, so killing a broker (the first one, which the cluster's bootstrap list
 * and the dashboard name first) loses no acknowledged record and refuses no write, and
 * the broker, started again through the control API, rejoins with its data.
 */
class KafkaClusterTests {

	private static final String TOPIC = "orders";

	@Test
	void aBrokerKilledWithSigkillLosesNoAcknowledgedRecordAndRejoinsWithItsData() throws Exception {
		int port = freePortBlock(Set.of());
		int controllerPort = freePortBlock(Set.of(port, port + 10, port + 20));
		DistributedApplication.Builder builder = DistributedApplication
			.builder(HostOptions.of(LightModels.options("kafka-cluster")));
		KafkaResource kafka = builder.addKafka("kafka", port, controllerPort, 3);
		DistributedApplication app = builder.build();
		Dashboard dashboard = Dashboard.start(app, Dashboard.Settings.loopback(0), null);
		DashboardClient client = new DashboardClient(dashboard.url());
		try {
			app.start();

			assertThat(app.resources()).extracting(ResourceSnapshot::name)
				.containsExactly("kafka", "kafka-2", "kafka-3");
			assertThat(app.resources())
				.allSatisfy((broker) -> assertThat(broker.state()).isEqualTo(ResourceState.HEALTHY));
			assertThat(app.resource("kafka-3").orElseThrow().endpoints()).containsExactly("127.0.0.1:" + (port + 20));
			assertThat(kafka.bootstrapServers())
				.isEqualTo("127.0.0.1:" + port + ",127.0.0.1:" + (port + 10) + ",127.0.0.1:" + (port + 20));

			try (Admin admin = admin(kafka.bootstrapServers())) {
				// No replica count: the brokers' default applies, as for the services'
				// topics.
				admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(6), Optional.empty())))
					.all()
					.get(30, TimeUnit.SECONDS);
				assertThat(describe(admin).partitions()).hasSize(6).allSatisfy((partition) -> {
					assertThat(partition.replicas()).hasSize(3);
					assertThat(partition.isr()).hasSize(3);
				});
				ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
				assertThat(admin.describeConfigs(List.of(topic))
					.all()
					.get(30, TimeUnit.SECONDS)
					.get(topic)
					.get("min.insync.replicas")
					.value()).isEqualTo("2");

				Set<String> read = new HashSet<>();
				try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
					send(producer, "before", 50);
					read.addAll(consume(kafka.bootstrapServers(), 50));

					Resource first = app.resource("kafka").orElseThrow();
					String storage = Files.readString(storageOf(app, "kafka"));
					ProcessHandle.of(first.snapshot().pids().get(0)).orElseThrow().destroyForcibly();
					await().atMost(Duration.ofSeconds(10)).until(() -> first.state() == ResourceState.EXITED);

					// Partitions the dead broker led move to another one; every write
					// still needs two copies.
					send(producer, "after", 50);
					// The dashboard still answers, through the other brokers: the dead
					// broker is out of the in-sync replicas.
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						JsonNode orders = find(client.get("/api/kafka/topics").json().get("items"), TOPIC);
						assertThat(orders.get("replicationFactor").asInt()).isEqualTo(3);
						assertThat(orders.get("partitions")).allSatisfy(
								(partition) -> assertThat(partition.get("inSyncReplicas").asInt()).isEqualTo(2));
					});
					read.addAll(consume(kafka.bootstrapServers(), 50));
					assertThat(read).hasSize(100).contains("before-0", "before-49", "after-0", "after-49");

					assertThat(client.post("/api/resources/kafka/start", null).response().statusCode()).isEqualTo(202);
					await().atMost(Duration.ofSeconds(60)).until(() -> first.state() == ResourceState.HEALTHY);
					// The same storage (a new format would have a new directory id), and
					// back in every partition's in-sync replicas.
					assertThat(Files.readString(storageOf(app, "kafka"))).isEqualTo(storage);
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(describe(admin).partitions())
							.allSatisfy((partition) -> assertThat(partition.isr()).hasSize(3)));
					JsonNode rejoined = find(client.get("/api/kafka/topics").json().get("items"), TOPIC);
					assertThat(rejoined.get("partitions"))
						.allSatisfy((partition) -> assertThat(partition.get("inSyncReplicas").asInt()).isEqualTo(3));
				}
			}
		}
		finally {
			app.stop();
			dashboard.close();
		}
		assertThat(app.liveRecordedProcesses()).isEmpty();
	}

	private static JsonNode find(JsonNode items, String name) {
		for (JsonNode item : items) {
			if (item.get("name").asText().equals(name)) {
				return item;
			}
		}
		throw new AssertionError("No topic " + name + " in " + items);
	}

	private static TopicDescription describe(Admin admin) throws Exception {
		return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
	}

	private static void send(KafkaProducer<String, String> producer, String prefix, int count) throws Exception {
		List<Future<RecordMetadata>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i, prefix + "-" + i)));
		}
		for (Future<RecordMetadata> acknowledged : sent) {
			acknowledged.get(60, TimeUnit.SECONDS);
		}
	}

	/**
	 * Reads on in one consumer group, so the records read after the kill also need the
	 * group's committed offsets (an internal topic with three replicas) to survive.
	 */
	private static List<String> consume(String bootstrapServers, int count) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.GROUP_ID_CONFIG, "audit");
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		List<String> values = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of(TOPIC));
			await().atMost(Duration.ofSeconds(40)).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					values.add(record.value());
				}
				return values.size() >= count;
			});
			consumer.commitSync(Duration.ofSeconds(30));
		}
		assertThat(values).hasSize(count);
		return values;
	}

	private static KafkaProducer<String, String> producer(String bootstrapServers) {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
		return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
	}

	private static Admin admin(String bootstrapServers) {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000));
	}

	private static Path storageOf(DistributedApplication app, String broker) {
		return app.dataDirectory().resolve(broker).resolve("data").resolve("meta.properties");
	}

	/**
	 * A port that is free with the two ports 10 and 20 above it, for three brokers.
	 */
	private static int freePortBlock(Set<Integer> taken) throws IOException {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = LightModels.freePort();
			List<Integer> block = List.of(port, port + 10, port + 20);
			if (port + 20 < 65536 && block.stream().noneMatch(taken::contains)
					&& block.stream().allMatch(KafkaClusterTests::isFree)) {
				return port;
			}
		}
		throw new IOException("No three free ports 10 apart");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
