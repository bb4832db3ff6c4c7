package io.chatapp.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what a topic holds now, from the beginning, with a plain consumer outside any
 * consumer group.
 */
public final class KafkaTopics {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private KafkaTopics() {
	}

	/**
	 * Reads every record of a topic, up to the end offsets seen when reading starts.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @return the records, partition by partition, each partition in offset order; none
	 * if the topic does not exist
	 */
	public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic) {
		return read(bootstrapServers, topic, null, new ByteArrayDeserializer());
	}

	/**
	 * Like {@link #read(String, String)}, keeping only the records with this key.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @param key the key
	 * @return the records with the key, in offset order
	 */
	public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic, String key) {
		return read(bootstrapServers, topic, key, new ByteArrayDeserializer());
	}

	/**
	 * Like {@link #read(String, String)}, with values read as UTF-8 text.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @return the records
	 */
	public static List<ConsumerRecord<String, String>> readStrings(String bootstrapServers, String topic) {
		return read(bootstrapServers, topic, null, new StringDeserializer());
	}

	/**
	 * Like {@link #read(String, String, String)}, with values read as UTF-8 text.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @param key the key
	 * @return the records with the key, in offset order
	 */
	public static List<ConsumerRecord<String, String>> readStrings(String bootstrapServers, String topic, String key) {
		return read(bootstrapServers, topic, key, new StringDeserializer());
	}

	/**
	 * The last value of a header as text.
	 * @param record the record
	 * @param name the header
	 * @return the value, or {@code null} if the record has no such header
	 */
	public static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static <V> List<ConsumerRecord<String, V>> read(String bootstrapServers, String topic, String key,
			Deserializer<V> values) {
		// No group and no auto-creation: reading must not change what the broker holds.
		Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), values)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			if (partitions.isEmpty()) {
				return List.of();
			}
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			// Taken before polling, so later records cannot keep the read going.
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			List<ConsumerRecord<String, V>> records = new ArrayList<>();
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Could not read " + topic + " up to " + end + " within " + TIMEOUT.toSeconds() + "s");
				}
				for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
					if (key == null || key.equals(record.key())) {
						records.add(record);
					}
				}
			}
			return records;
		}
	}

}
