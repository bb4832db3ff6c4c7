package io.chatapp.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * The {@code --replay-dlt=<dead-letter topic>} command: copies the records of a
 * dead-letter topic back into the topic each came from (header
 * {@value KafkaHeaders#DLT_ORIGINAL_TOPIC}), so the consumers try them again, typically
 * after the cause was fixed. Consumers apply an event id once, so replaying a record that
 * had in fact been applied is harmless.
 *
 * <p>
 * Progress is committed in consumer group {@value #GROUP}: a later replay copies only
 * records dead-lettered since. Records dead-lettered while the command runs wait for the
 * next replay, so a record that fails again cannot loop.
 */
@Component
class DltReplay implements ApplicationRunner {

	static final String OPTION = "replay-dlt";

	static final String GROUP = "chats-worker-dlt-replay";

	private static final Logger logger = LoggerFactory.getLogger(DltReplay.class);

	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

	private static final int MAX_EMPTY_POLLS = 30;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final KafkaTemplate<String, byte[]> kafkaTemplate;

	DltReplay(ConsumerFactory<String, byte[]> consumerFactory, KafkaTemplate<String, byte[]> kafkaTemplate) {
		this.consumerFactory = consumerFactory;
		this.kafkaTemplate = kafkaTemplate;
	}

	static boolean isRequested(String... args) {
		for (String arg : args) {
			if (arg.equals("--" + OPTION) || arg.startsWith("--" + OPTION + "=")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!args.containsOption(OPTION)) {
			return;
		}
		List<String> topics = args.getOptionValues(OPTION);
		if (topics.isEmpty() || topics.stream().anyMatch(String::isBlank)) {
			throw new IllegalArgumentException("Name the dead-letter topic: --" + OPTION + "=<topic>");
		}
		for (String topic : topics) {
			int replayed = replay(topic);
			logger.info("Replayed {} record(s) from {}", replayed, topic);
		}
	}

	/**
	 * Copies the records that the dead-letter topic holds now, and that no earlier replay
	 * copied, back to their original topics.
	 * @param deadLetterTopic the dead-letter topic
	 * @return the number of records copied
	 */
	int replay(String deadLetterTopic) {
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		try (Consumer<String, byte[]> consumer = this.consumerFactory.createConsumer(GROUP, null, null, overrides)) {
			List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			if (partitions.isEmpty()) {
				throw new IllegalArgumentException("No such topic: " + deadLetterTopic);
			}
			consumer.assign(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			int replayed = 0;
			int emptyPolls = 0;
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
				consumer.poll(POLL_TIMEOUT).forEach((record) -> {
					if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
						batch.add(record);
					}
				});
				emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
				if (emptyPolls > MAX_EMPTY_POLLS) {
					throw new IllegalStateException("Replay of " + deadLetterTopic + " stalled after " + replayed
							+ " record(s); run it again to go on");
				}
				copy(batch);
				consumer.commitSync(nextOffsets(batch));
				replayed += batch.size();
			}
			return replayed;
		}
	}

	private void copy(List<ConsumerRecord<String, byte[]>> batch) {
		List<CompletableFuture<?>> sends = new ArrayList<>();
		for (ConsumerRecord<String, byte[]> record : batch) {
			sends.add(this.kafkaTemplate.send(toOriginalTopic(record)));
		}
		this.kafkaTemplate.flush();
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
	}

	/**
	 * The record as it was first published: same key (so the same partition and order),
	 * value and headers (trace context, CloudEvents attributes), without what the retry
	 * path added, so it starts over with every attempt.
	 */
	static ProducerRecord<String, byte[]> toOriginalTopic(ConsumerRecord<String, byte[]> record) {
		Header original = null;
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (header.key().equals(KafkaHeaders.DLT_ORIGINAL_TOPIC) && original == null) {
				original = header;
			}
			if (!header.key().startsWith("kafka_") && !header.key().startsWith("retry_topic-")) {
				headers.add(header);
			}
		}
		if (original == null) {
			throw new IllegalStateException("Record " + record.topic() + "-" + record.partition() + "@"
					+ record.offset() + " has no " + KafkaHeaders.DLT_ORIGINAL_TOPIC + " header");
		}
		String topic = new String(original.value(), StandardCharsets.UTF_8);
		return new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
	}

	private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> batch) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (ConsumerRecord<String, byte[]> record : batch) {
			offsets.put(new TopicPartition(record.topic(), record.partition()),
					new OffsetAndMetadata(record.offset() + 1));
		}
		return offsets;
	}

}
