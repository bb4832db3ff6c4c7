package io.chatapp.hosting.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.KafkaResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka API against a real broker started by a model of its own: topics, records,
 * consumer groups and the replay of a dead letter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaApiTests {

	private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

	private DistributedApplication app;

	private Dashboard dashboard;

	private DashboardClient client;

	private String bootstrapServers;

	@BeforeAll
	void start() throws Exception {
		DistributedApplication.Builder builder = DistributedApplication
			.builder(HostOptions.of(LightModels.options("kafka")));
		KafkaResource kafka = builder.addKafka("kafka", LightModels.freePort(), LightModels.freePort());
		this.app = builder.build();
		this.dashboard = Dashboard.start(this.app, Dashboard.Settings.loopback(0), null);
		this.client = new DashboardClient(this.dashboard.url());
		this.app.start();
		this.bootstrapServers = kafka.bootstrapServers();

		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1), new NewTopic("orders.dlt", 1, (short) 1),
					new NewTopic("payments.dlt", 2, (short) 1)))
				.all()
				.get(30, TimeUnit.SECONDS);
		}
		try (KafkaProducer<String, String> producer = producer()) {
			for (int i = 1; i <= 5; i++) {
				ProducerRecord<String, String> record = new ProducerRecord<>("orders", "k" + i, "{\"id\":" + i + "}");
				record.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
				producer.send(record).get(30, TimeUnit.SECONDS);
			}
			// A dead letter as Spring Kafka writes it after the retry topics.
			ProducerRecord<String, String> dead = new ProducerRecord<>("orders.dlt", "k9", "{\"id\":9}");
			dead.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
			dead.headers().add("kafka_dlt-original-topic", "orders".getBytes(StandardCharsets.UTF_8));
			dead.headers().add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(3).array());
			dead.headers().add("kafka_dlt-exception-message", "boom".getBytes(StandardCharsets.UTF_8));
			dead.headers().add("retry_topic-attempts", ByteBuffer.allocate(4).putInt(3).array());
			producer.send(dead).get(30, TimeUnit.SECONDS);
			// A dead letter without its origin (offset 1).
			producer.send(new ProducerRecord<>("orders.dlt", "k10", "{}")).get(30, TimeUnit.SECONDS);
		}
		// Group "billing" has read partition 0 up to offset 1 only.
		try (KafkaConsumer<String, String> consumer = consumer("billing")) {
			TopicPartition partition = new TopicPartition("orders", 0);
			consumer.assign(List.of(partition));
			consumer.commitSync(Map.of(partition, new OffsetAndMetadata(1)));
		}
	}

	@AfterAll
	void stop() {
		if (this.app != null) {
			this.app.stop();
		}
		if (this.dashboard != null) {
			this.dashboard.close();
		}
	}

	@Test
	void topicsShowPartitionsAndEndOffsets() {
		JsonNode items = this.client.get("/api/kafka/topics").json().get("items");
		JsonNode orders = find(items, "name", "orders");
		assertThat(orders.get("partitionCount").asInt()).isEqualTo(3);
		assertThat(orders.get("messages").asLong()).isEqualTo(5);
		assertThat(orders.get("dlt").asBoolean()).isFalse();
		long endOffsets = 0;
		for (JsonNode partition : orders.get("partitions")) {
			assertThat(partition.get("startOffset").asLong()).isZero();
			endOffsets += partition.get("endOffset").asLong();
		}
		assertThat(endOffsets).isEqualTo(5);
		assertThat(find(items, "name", "orders.dlt").get("dlt").asBoolean()).isTrue();
	}

	@Test
	void onlyADeadLetterTopicThatHoldsRecordsHasDeadLetters() {
		JsonNode items = this.client.get("/api/kafka/topics").json().get("items");

		assertThat(find(items, "name", "orders.dlt").get("hasDeadLetters").asBoolean()).isTrue();
		JsonNode empty = find(items, "name", "payments.dlt");
		assertThat(empty.get("dlt").asBoolean()).isTrue();
		assertThat(empty.get("hasDeadLetters").asBoolean()).isFalse();
		assertThat(find(items, "name", "orders").get("hasDeadLetters").asBoolean()).isFalse();
	}

	@Test
	void readingRecordsTakesNoFetchWaitOrConsumerStart() {
		for (String topic : List.of("orders", "orders.dlt", "payments.dlt")) {
			String path = "/api/kafka/topics/" + topic + "/records?limit=50";
			this.client.get(path).json();
			long begin = System.nanoTime();
			JsonNode items = this.client.get(path).json().get("items");
			long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();

			assertThat(items).hasSize(topic.equals("payments.dlt") ? 0 : (topic.equals("orders") ? 5 : 2));
			// A new consumer per request, or a poll that waits for the broker's
			// fetch.max.wait
			// (500 ms) on a partition read to its end, took half a second every time.
			assertThat(millis).as("reading " + topic).isLessThan(200);
		}
	}

	@Test
	void recordsShowKeyHeadersAndValueNewestFirst() {
		JsonNode body = this.client.get("/api/kafka/topics/orders/records?limit=50").json();
		JsonNode items = body.get("items");
		assertThat(items).extracting((item) -> item.get("key").asText())
			.containsExactlyInAnyOrder("k1", "k2", "k3", "k4", "k5");
		assertThat(items.get(0).get("key").asText()).isEqualTo("k5");
		JsonNode first = find(items, "key", "k1");
		assertThat(first.get("value").asText()).isEqualTo("{\"id\":1}");
		assertThat(first.get("headers").get(0).get("key").asText()).isEqualTo("traceparent");
		assertThat(first.get("headers").get(0).get("value").asText()).isEqualTo(TRACEPARENT);

		assertThat(this.client.get("/api/kafka/topics/orders/records?limit=2").json().get("items")).hasSize(2);

		JsonNode dead = this.client.get("/api/kafka/topics/orders.dlt/records").json();
		assertThat(dead.get("dlt").asBoolean()).isTrue();
		JsonNode offsetHeader = find(find(dead.get("items"), "key", "k9").get("headers"), "key",
				"kafka_dlt-original-offset");
		assertThat(offsetHeader.get("valueEncoding").asText()).isEqualTo("base64");
	}

	@Test
	void badRecordRequestsAnswer4xx() {
		DashboardApiTests.assertError(this.client.get("/api/kafka/topics/nope/records"), 404, "nope");
		DashboardApiTests.assertError(this.client.get("/api/kafka/topics/orders/records?limit=0"), 400, "limit");
		DashboardApiTests.assertError(this.client.get("/api/kafka/topics/orders/records?partition=7"), 404,
				"no partition 7");
		DashboardApiTests.assertError(this.client.get("/api/kafka/nothing"), 404, "Unknown Kafka API path");
	}

	@Test
	void consumerGroupsShowTheirLag() {
		JsonNode billing = find(this.client.get("/api/kafka/groups").json().get("items"), "groupId", "billing");
		long endOfPartition0 = find(
				find(this.client.get("/api/kafka/topics").json().get("items"), "name", "orders").get("partitions"),
				"partition", "0")
			.get("endOffset")
			.asLong();
		assertThat(billing.get("topics")).extracting(JsonNode::asText).containsExactly("orders");
		assertThat(billing.get("lag").asLong()).isEqualTo(endOfPartition0 - 1);
		JsonNode partition = billing.get("partitions").get(0);
		assertThat(partition.get("committed").asLong()).isEqualTo(1);
		assertThat(partition.get("end").asLong()).isEqualTo(endOfPartition0);
	}

	@Test
	void aDeadLetterIsReplayedToItsOriginalTopicWithoutTheRetryHeaders() {
		JsonNode result = this.client.post("/api/kafka/dlt/orders.dlt/replay", "{\"partition\":0,\"offset\":0}").json();
		assertThat(result.get("to").get("topic").asText()).isEqualTo("orders");

		int partition = result.get("to").get("partition").asInt();
		long offset = result.get("to").get("offset").asLong();
		ConsumerRecord<String, String> replayed = read("orders", partition, offset);
		assertThat(replayed.key()).isEqualTo("k9");
		assertThat(replayed.value()).isEqualTo("{\"id\":9}");
		List<String> headers = new ArrayList<>();
		for (Header header : replayed.headers()) {
			headers.add(header.key());
		}
		assertThat(headers).containsExactly("traceparent");
		assertThat(new String(replayed.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
			.isEqualTo(TRACEPARENT);
	}

	@Test
	void badReplayRequestsAnswer4xx() {
		String replay = "/api/kafka/dlt/orders.dlt/replay";
		DashboardApiTests.assertError(
				this.client.post("/api/kafka/dlt/orders/replay", "{\"partition\":0,\"offset\":0}"), 400,
				"not a dead-letter topic");
		DashboardApiTests.assertError(this.client.post(replay, null), 400, "A JSON body is required");
		DashboardApiTests.assertError(this.client.post(replay, "{\"partition\":0"), 400, "not valid JSON");
		DashboardApiTests.assertError(this.client.post(replay, "{\"partition\":0,\"offset\":\"x\"}"), 400,
				"'offset' must be a non-negative integer");
		DashboardApiTests.assertError(this.client.post(replay, "{\"partition\":0,\"offset\":99}"), 404,
				"No record at orders.dlt-0@99");
		DashboardApiTests.assertError(this.client.post(replay, "{\"partition\":0,\"offset\":1}"), 422,
				"has no kafka_dlt-original-topic header");
		DashboardApiTests.assertError(
				this.client.post("/api/kafka/dlt/nope.dlt/replay", "{\"partition\":0,\"offset\":0}"), 404, "nope.dlt");
		DashboardApiTests.assertError(this.client.get(replay), 405, "GET");
	}

	@Test
	void withoutKafkaTheApiSaysSo() {
		try (Dashboard other = Dashboard.start(LightModels.jobAndService("no-kafka"), Dashboard.Settings.loopback(0),
				null)) {
			DashboardApiTests.assertError(new DashboardClient(other.url()).get("/api/kafka/topics"), 503,
					"no Kafka resource");
		}
	}

	private ConsumerRecord<String, String> read(String topic, int partition, long offset) {
		try (KafkaConsumer<String, String> consumer = consumer(null)) {
			TopicPartition topicPartition = new TopicPartition(topic, partition);
			consumer.assign(List.of(topicPartition));
			consumer.seek(topicPartition, offset);
			List<ConsumerRecord<String, String>> found = new ArrayList<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(found::add);
				return found.stream().anyMatch((record) -> record.offset() == offset);
			});
			return found.stream().filter((record) -> record.offset() == offset).findFirst().orElseThrow();
		}
	}

	private KafkaProducer<String, String> producer() {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
	}

	private KafkaConsumer<String, String> consumer(String group) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		if (group != null) {
			properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		}
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
	}

	private static JsonNode find(JsonNode items, String field, String value) {
		for (JsonNode item : items) {
			if (item.get(field).asText().equals(value)) {
				return item;
			}
		}
		throw new AssertionError("No item with " + field + "=" + value + " in " + items);
	}

}
