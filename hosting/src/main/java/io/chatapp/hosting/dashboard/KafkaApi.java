package io.chatapp.hosting.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.KafkaResource;
import io.chatapp.hosting.ResourceState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka page's API, what Kafka UI showed in the seed system:
 * <ul>
 * <li>{@code GET /api/kafka/topics}: topics with partitions, leaders and start/end
 * offsets</li>
 * <li>{@code GET /api/kafka/topics/{topic}/records?limit=&partition=}: the latest records
 * with key, headers and value</li>
 * <li>{@code GET /api/kafka/groups}: consumer groups with their committed offsets and
 * lag</li>
 * <li>{@code POST /api/kafka/dlt/{topic}/replay} with {@code {"partition":0,"offset":7}}:
 * produces one dead-letter record back to the topic it came from (Spring Kafka's
 * {@code kafka_dlt-original-topic} header) with its key, value and headers, minus the
 * {@code kafka_*} and {@code retry_topic-*} ones</li>
 * </ul>
 * It talks to the AppHost's Kafka resource with the plain Kafka clients.
 */
final class KafkaApi extends JsonApi implements AutoCloseable {

	static final String DLT_SUFFIX = ".dlt";

	/** Spring Kafka's {@code KafkaHeaders.DLT_ORIGINAL_TOPIC}. */
	static final String DLT_ORIGINAL_TOPIC = "kafka_dlt-original-topic";

	private static final int TIMEOUT_SECONDS = 10;

	private static final Duration BROWSE_TIME = Duration.ofSeconds(5);

	private static final int MAX_RECORDS = 500;

	private static final Duration POLL_TIME = Duration.ofMillis(100);

	private final DistributedApplication app;

	private Admin admin;

	private KafkaProducer<byte[], byte[]> producer;

	private String connectedTo;

	private final Object browserLock = new Object();

	private KafkaConsumer<byte[], byte[]> browser;

	private String browserServers;

	KafkaApi(DistributedApplication app) {
		this.app = app;
	}

	@Override
	Response handle(Request request) {
		List<String> path = request.segments();
		try {
			if (path.equals(List.of("topics")) && request.isGet()) {
				return Response.ok(Map.of("items", topics()));
			}
			if (path.size() == 3 && path.get(0).equals("topics") && path.get(2).equals("records") && request.isGet()) {
				int limit = (int) request.queryLong("limit", 50, 1, MAX_RECORDS);
				Integer partition = (request.query("partition") != null)
						? (int) request.queryLong("partition", 0, 0, Integer.MAX_VALUE) : null;
				return Response.ok(records(path.get(1), limit, partition));
			}
			if (path.equals(List.of("groups")) && request.isGet()) {
				return Response.ok(Map.of("items", groups()));
			}
			if (path.size() == 3 && path.get(0).equals("dlt") && path.get(2).equals("replay")) {
				if (!request.isPost()) {
					throw ApiException.methodNotAllowed(request.method());
				}
				JsonNode body = request.body();
				return Response.ok(replay(path.get(1), intField(body, "partition"), longField(body, "offset")));
			}
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				throw ApiException.notFound(ex.getCause().getMessage());
			}
			throw new ApiException(502, "Kafka: " + ex.getCause());
		}
		catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException ex) {
			throw new ApiException(504, "Kafka did not answer within " + TIMEOUT_SECONDS + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiException(503, "Interrupted");
		}
		throw ApiException.notFound("Unknown Kafka API path /" + String.join("/", path) + " for " + request.method());
	}

	private List<Map<String, Object>> topics() throws ExecutionException, InterruptedException, TimeoutException {
		Admin client = admin();
		Set<String> names = client.listTopics(new ListTopicsOptions().listInternal(true))
			.names()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		Map<String, TopicDescription> descriptions = client.describeTopics(names)
			.allTopicNames()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		List<TopicPartition> partitions = descriptions.values()
			.stream()
			.flatMap((topic) -> topic.partitions()
				.stream()
				.map((partition) -> new TopicPartition(topic.name(), partition.partition())))
			.toList();
		Map<TopicPartition, Long> start = offsets(partitions, OffsetSpec.earliest());
		Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());
		List<Map<String, Object>> items = new ArrayList<>();
		for (TopicDescription topic : new TreeMap<>(descriptions).values()) {
			List<Map<String, Object>> partitionItems = new ArrayList<>();
			long messages = 0;
			for (TopicPartitionInfo info : topic.partitions()) {
				TopicPartition partition = new TopicPartition(topic.name(), info.partition());
				long first = start.getOrDefault(partition, 0L);
				long next = end.getOrDefault(partition, 0L);
				messages += Math.max(0, next - first);
				Map<String, Object> item = new LinkedHashMap<>();
				item.put("partition", info.partition());
				item.put("leader", (info.leader() != null) ? info.leader().id() : null);
				item.put("replicas", info.replicas().size());
				// Below the replica count while a broker of a cluster is down or catching
				// up.
				item.put("inSyncReplicas", info.isr().size());
				item.put("startOffset", first);
				item.put("endOffset", next);
				partitionItems.add(item);
			}
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("name", topic.name());
			item.put("internal", topic.isInternal());
			item.put("dlt", topic.name().endsWith(DLT_SUFFIX));
			// What the red badge shows: a dead-letter topic is created with its listener,
			// long before (if ever) a record fails.
			item.put("hasDeadLetters", topic.name().endsWith(DLT_SUFFIX) && messages > 0);
			item.put("partitionCount", topic.partitions().size());
			item.put("replicationFactor",
					topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size());
			item.put("messages", messages);
			item.put("partitions", partitionItems);
			items.add(item);
		}
		return items;
	}

	/**
	 * The latest records of a topic: each partition is read from {@code limit} records
	 * before its end, then the newest {@code limit} of all are kept.
	 */
	private Map<String, Object> records(String topic, int limit, Integer onlyPartition)
			throws ExecutionException, InterruptedException, TimeoutException {
		TopicDescription description = describe(topic);
		List<TopicPartition> partitions = description.partitions()
			.stream()
			.map((info) -> new TopicPartition(topic, info.partition()))
			.filter((partition) -> onlyPartition == null || partition.partition() == onlyPartition)
			.toList();
		if (partitions.isEmpty()) {
			throw ApiException.notFound(topic + " has no partition " + onlyPartition);
		}
		List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
		synchronized (this.browserLock) {
			KafkaConsumer<byte[], byte[]> consumer = browser();
			try {
				consumer.assign(partitions);
				Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
				Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
				for (TopicPartition partition : partitions) {
					consumer.seek(partition, Math.max(start.get(partition), end.get(partition) - limit));
				}
				long deadline = System.nanoTime() + BROWSE_TIME.toNanos();
				// Only the partitions still short of their end are fetched: a fetch that
				// includes a partition read to its end waits on the broker for
				// fetch.max.wait.ms.
				List<TopicPartition> unread = new ArrayList<>(partitions);
				unread.removeIf((partition) -> consumer.position(partition) >= end.get(partition));
				while (!unread.isEmpty() && System.nanoTime() < deadline) {
					consumer.pause(partitions.stream().filter((partition) -> !unread.contains(partition)).toList());
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIME)) {
						if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
							found.add(record);
						}
					}
					unread.removeIf((partition) -> consumer.position(partition) >= end.get(partition));
				}
			}
			catch (RuntimeException ex) {
				closeBrowser();
				throw ex;
			}
			finally {
				if (this.browser != null) {
					// Nothing is fetched in the background between requests.
					this.browser.assign(List.of());
				}
			}
		}
		found.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> record) -> record.timestamp())
			.thenComparingLong(ConsumerRecord::offset)
			.reversed());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("topic", topic);
		body.put("dlt", topic.endsWith(DLT_SUFFIX));
		body.put("items", found.stream().limit(limit).map(KafkaApi::describe).toList());
		return body;
	}

	private List<Map<String, Object>> groups() throws ExecutionException, InterruptedException, TimeoutException {
		Admin client = admin();
		List<String> ids = client.listGroups(ListGroupsOptions.forConsumerGroups())
			.all()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
			.stream()
			.map(GroupListing::groupId)
			.sorted()
			.toList();
		if (ids.isEmpty()) {
			return List.of();
		}
		Map<String, ConsumerGroupDescription> descriptions = client.describeConsumerGroups(ids)
			.all()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		List<Map<String, Object>> items = new ArrayList<>();
		for (String id : ids) {
			ConsumerGroupDescription group = descriptions.get(id);
			Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(id)
				.partitionsToOffsetAndMetadata()
				.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			Map<TopicPartition, String> owners = new HashMap<>();
			for (MemberDescription member : group.members()) {
				member.assignment()
					.topicPartitions()
					.forEach((partition) -> owners.put(partition, member.clientId() + " (" + member.host() + ")"));
			}
			Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
			partitions.addAll(owners.keySet());
			Map<TopicPartition, Long> end = offsets(List.copyOf(partitions), OffsetSpec.latest());
			List<Map<String, Object>> partitionItems = new ArrayList<>();
			long totalLag = 0;
			for (TopicPartition partition : partitions.stream()
				.sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
				.toList()) {
				OffsetAndMetadata offset = committed.get(partition);
				Long next = end.get(partition);
				Long lag = (offset != null && next != null) ? Math.max(0, next - offset.offset()) : null;
				totalLag += (lag != null) ? lag : 0;
				Map<String, Object> item = new LinkedHashMap<>();
				item.put("topic", partition.topic());
				item.put("partition", partition.partition());
				item.put("committed", (offset != null) ? offset.offset() : null);
				item.put("end", next);
				item.put("lag", lag);
				item.put("member", owners.get(partition));
				partitionItems.add(item);
			}
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("groupId", id);
			item.put("state", String.valueOf(group.groupState()));
			item.put("type", String.valueOf(group.type()));
			item.put("members", group.members().size());
			item.put("topics", partitions.stream().map(TopicPartition::topic).distinct().sorted().toList());
			item.put("lag", totalLag);
			item.put("partitions", partitionItems);
			items.add(item);
		}
		return items;
	}

	/**
	 * Produces one dead-letter record to its original topic: same key (so the same
	 * partition and order), value and headers (trace context, CloudEvents attributes),
	 * without the headers the retry path added, so it starts over with every attempt.
	 */
	private Map<String, Object> replay(String topic, int partition, long offset)
			throws ExecutionException, InterruptedException, TimeoutException {
		if (!topic.endsWith(DLT_SUFFIX)) {
			throw ApiException.badRequest(topic + " is not a dead-letter topic (*" + DLT_SUFFIX + ")");
		}
		ConsumerRecord<byte[], byte[]> record = read(topic, partition, offset);
		Header original = record.headers().lastHeader(DLT_ORIGINAL_TOPIC);
		if (original == null) {
			throw new ApiException(422,
					"Record " + topic + "-" + partition + "@" + offset + " has no " + DLT_ORIGINAL_TOPIC + " header");
		}
		String target = new String(original.value(), StandardCharsets.UTF_8);
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (!header.key().startsWith("kafka_") && !header.key().startsWith("retry_topic-")) {
				headers.add(header);
			}
		}
		RecordMetadata sent = producer().send(new ProducerRecord<>(target, null, record.key(), record.value(), headers))
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("from", Map.of("topic", topic, "partition", partition, "offset", offset));
		body.put("to", Map.of("topic", sent.topic(), "partition", sent.partition(), "offset", sent.offset()));
		return body;
	}

	private ConsumerRecord<byte[], byte[]> read(String topic, int partition, long offset)
			throws ExecutionException, InterruptedException, TimeoutException {
		TopicDescription description = describe(topic);
		if (description.partitions().stream().noneMatch((info) -> info.partition() == partition)) {
			throw ApiException.notFound(topic + " has no partition " + partition);
		}
		TopicPartition topicPartition = new TopicPartition(topic, partition);
		synchronized (this.browserLock) {
			KafkaConsumer<byte[], byte[]> consumer = browser();
			try {
				consumer.assign(List.of(topicPartition));
				long start = consumer.beginningOffsets(List.of(topicPartition)).get(topicPartition);
				long end = consumer.endOffsets(List.of(topicPartition)).get(topicPartition);
				if (offset < start || offset >= end) {
					throw ApiException.notFound("No record at " + topic + "-" + partition + "@" + offset
							+ " (offsets there run from " + start + " to " + (end - 1) + ")");
				}
				consumer.seek(topicPartition, offset);
				long deadline = System.nanoTime() + BROWSE_TIME.toNanos();
				while (System.nanoTime() < deadline) {
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIME)) {
						if (record.offset() == offset) {
							return record;
						}
						if (record.offset() > offset) {
							// Compacted away or a transaction marker.
							throw ApiException.notFound("No record at " + topic + "-" + partition + "@" + offset);
						}
					}
				}
			}
			catch (ApiException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				closeBrowser();
				throw ex;
			}
			finally {
				if (this.browser != null) {
					this.browser.assign(List.of());
				}
			}
		}
		throw new ApiException(504, "Could not read " + topic + "-" + partition + "@" + offset + " in time");
	}

	private TopicDescription describe(String topic) throws ExecutionException, InterruptedException, TimeoutException {
		try {
			return admin().describeTopics(List.of(topic))
				.allTopicNames()
				.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.get(topic);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				throw ApiException.notFound("No topic named " + topic);
			}
			throw ex;
		}
	}

	private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
			throws ExecutionException, InterruptedException, TimeoutException {
		if (partitions.isEmpty()) {
			return Map.of();
		}
		Map<TopicPartition, ListOffsetsResultInfo> result = admin()
			.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), (partition) -> spec)))
			.all()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		return result.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
	}

	private static Map<String, Object> describe(ConsumerRecord<byte[], byte[]> record) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("partition", record.partition());
		item.put("offset", record.offset());
		item.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
		putBytes(item, "key", record.key());
		List<Map<String, Object>> headers = new ArrayList<>();
		for (Header header : record.headers()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("key", header.key());
			putBytes(entry, "value", header.value());
			headers.add(entry);
		}
		item.put("headers", headers);
		putBytes(item, "value", record.value());
		item.put("size", (record.value() != null) ? record.value().length : 0);
		return item;
	}

	/**
	 * Text as text; anything else (not UTF-8, or with control characters, like the 8-byte
	 * offsets in Spring Kafka's DLT headers) as Base64, flagged as such.
	 */
	private static void putBytes(Map<String, Object> item, String field, byte[] bytes) {
		if (bytes == null) {
			item.put(field, null);
			return;
		}
		String text = null;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			// Binary.
		}
		boolean binary = text == null
				|| text.chars().anyMatch((c) -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t');
		if (binary) {
			item.put(field, Base64.getEncoder().encodeToString(bytes));
			item.put(field + "Encoding", "base64");
		}
		else {
			item.put(field, text);
		}
	}

	private static int intField(JsonNode body, String field) {
		return (int) longField(body, field, Integer.MAX_VALUE);
	}

	private static long longField(JsonNode body, String field) {
		return longField(body, field, Long.MAX_VALUE);
	}

	private static long longField(JsonNode body, String field, long max) {
		JsonNode value = body.get(field);
		if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0
				|| value.asLong() > max) {
			throw ApiException.badRequest("'" + field + "' must be a non-negative integer");
		}
		return value.asLong();
	}

	/**
	 * The bootstrap servers of the model's Kafka cluster, every broker's, once one of its
	 * brokers is ready: the page keeps working while any one broker is down.
	 */
	private String bootstrapServers() {
		KafkaResource kafka = this.app.resources()
			.stream()
			.filter((resource) -> resource.type().equals("kafka"))
			.findFirst()
			.flatMap((resource) -> this.app.resource(resource.name()))
			.map(KafkaResource.class::cast)
			.orElseThrow(() -> new ApiException(503, "This AppHost has no Kafka resource"));
		if (kafka.brokers().stream().noneMatch((broker) -> broker.state() == ResourceState.HEALTHY)) {
			throw new ApiException(503, "Kafka is " + kafka.state().label().toLowerCase(Locale.ROOT));
		}
		return kafka.bootstrapServers();
	}

	private synchronized Admin admin() {
		String servers = bootstrapServers();
		if (this.admin == null || !servers.equals(this.connectedTo)) {
			closeClients();
			Properties properties = new Properties();
			properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
			properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "apphost-dashboard");
			properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
			properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
			this.admin = Admin.create(properties);
			this.connectedTo = servers;
		}
		return this.admin;
	}

	/**
	 * The one consumer that reads records for the page, kept between requests (a new one
	 * costs a connection and a metadata round trip, and closing it waited for its
	 * pipelined fetch). Used under {@link #browserLock}.
	 */
	private KafkaConsumer<byte[], byte[]> browser() {
		String servers = bootstrapServers();
		if (this.browser != null && !servers.equals(this.browserServers)) {
			closeBrowser();
		}
		if (this.browser == null) {
			Properties properties = new Properties();
			properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
			properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "apphost-dashboard-browser");
			properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
			properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
			properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
			// The broker answers a fetch at once when it has records; without any it
			// would
			// hold the request for 500 ms by default.
			properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
			// Committed transactions only, like the services' consumers.
			properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
			this.browser = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
			this.browserServers = servers;
		}
		return this.browser;
	}

	private void closeBrowser() {
		synchronized (this.browserLock) {
			if (this.browser != null) {
				this.browser.close(Duration.ofSeconds(2));
				this.browser = null;
			}
		}
	}

	private synchronized KafkaProducer<byte[], byte[]> producer() {
		admin();
		if (this.producer == null) {
			Properties properties = new Properties();
			properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.connectedTo);
			properties.put(ProducerConfig.CLIENT_ID_CONFIG, "apphost-dashboard-replay");
			properties.put(ProducerConfig.ACKS_CONFIG, "all");
			properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "8000");
			properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
			properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
			this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
		}
		return this.producer;
	}

	private void closeClients() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(2));
			this.admin = null;
		}
		if (this.producer != null) {
			this.producer.close(Duration.ofSeconds(2));
			this.producer = null;
		}
	}

	@Override
	public synchronized void close() {
		closeClients();
		closeBrowser();
	}

}
