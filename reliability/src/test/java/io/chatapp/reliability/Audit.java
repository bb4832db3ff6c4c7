package io.chatapp.reliability;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what really happened to a scenario's messages, from the sources of truth rather
 * than from any service's say-so: rows in {@code chats.messages} and the outbox (JDBC as
 * the administrator), records on {@code chat.events} (a plain consumer reading from the
 * beginning, outside any consumer group), and what chats-worker applied
 * ({@code chats.processed_events} of both of its consumer groups, and the direct-message
 * notifications it wrote).
 */
final class Audit {

	static final String TOPIC = "chat.events";

	/**
	 * chats-worker's consumer groups on {@code chat.events}; each records every event it
	 * applies.
	 */
	static final List<String> WORKER_GROUPS = List.of("chats-worker-notifications", "chats-worker-activity");

	private static final ObjectMapper json = new ObjectMapper();

	private final String jdbcUrl;

	private final String bootstrapServers;

	Audit(String jdbcUrl, String bootstrapServers) {
		this.jdbcUrl = jdbcUrl;
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * Waits until the system has caught up with the scenario's messages: every event of
	 * its chats published (none left in the outbox) and applied by both worker groups.
	 * Never sleeps longer than needed; gives up after the timeout and lets the counts
	 * show what is missing.
	 * @param chatIds the scenario's chats
	 * @param timeout the longest wait
	 * @return how long it took, or {@code null} if it did not settle in time
	 */
	Duration awaitSettled(Set<String> chatIds, Duration timeout) {
		long begin = System.nanoTime();
		long deadline = begin + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try (Connection connection = connect()) {
				long pending = single(connection, """
						SELECT count(*) FROM chats.outbox WHERE chat_id = ANY(?) AND published_at IS NULL
						""", chatIds);
				long stored = single(connection, "SELECT count(*) FROM chats.messages WHERE chat_id = ANY(?)", chatIds);
				long applied = single(connection, """
						SELECT count(*) FROM chats.outbox o
						WHERE o.chat_id = ANY(?) AND o.event_type = 'message.created'
						AND (SELECT count(*) FROM chats.processed_events p WHERE p.event_id = o.event_id) = 2
						""", chatIds);
				if (pending == 0 && applied == stored) {
					return Duration.ofNanos(System.nanoTime() - begin);
				}
			}
			catch (SQLException ex) {
				// The database may still be coming back; try again.
			}
			SystemUnderTest.sleep(Duration.ofMillis(500));
		}
		return null;
	}

	/**
	 * Counts everything about the scenario's messages.
	 * @param load what the client sent and saw acknowledged
	 * @param chatIds the scenario's chats
	 * @param directChatIds those of them that are direct chats (one notification per
	 * message)
	 * @return the counts
	 */
	Counts count(LoadGenerator load, Set<String> chatIds, Set<String> directChatIds) {
		Map<String, LoadGenerator.Acknowledged> acknowledged = load.acknowledged();
		try (Connection connection = connect()) {
			List<StoredMessage> stored = stored(connection, chatIds);
			Map<String, StoredMessage> byClientId = new HashMap<>();
			Set<String> storedIds = new HashSet<>();
			long duplicates = 0;
			Map<String, Long> maxSeq = new HashMap<>();
			Map<String, Set<Long>> seqs = new HashMap<>();
			for (StoredMessage message : stored) {
				storedIds.add(message.id());
				if (message.clientMessageId() != null
						&& byClientId.put(message.senderId() + "/" + message.clientMessageId(), message) != null) {
					duplicates++;
				}
				maxSeq.merge(message.chatId(), message.seq(), Math::max);
				seqs.computeIfAbsent(message.chatId(), (chat) -> new HashSet<>()).add(message.seq());
			}
			long gaps = 0;
			for (Map.Entry<String, Long> chat : maxSeq.entrySet()) {
				gaps += chat.getValue() - seqs.get(chat.getKey()).size();
			}
			long lost = 0;
			long mismatched = 0;
			Map<String, StoredMessage> byId = new HashMap<>();
			stored.forEach((message) -> byId.put(message.id(), message));
			for (Map.Entry<String, LoadGenerator.Acknowledged> ack : acknowledged.entrySet()) {
				StoredMessage match = byId.get(ack.getValue().messageId());
				if (match == null) {
					lost++;
				}
				else if (match.seq() != ack.getValue().seq() || !ack.getKey().equals(match.clientMessageId())) {
					mismatched++;
				}
			}

			Map<String, String> eventToMessage = events(connection, chatIds);
			long withoutEvent = storedIds.size() - new HashSet<>(eventToMessage.values()).size();
			Map<String, Long> appliedPerGroup = new HashMap<>();
			for (String group : WORKER_GROUPS) {
				appliedPerGroup.put(group, single(connection, """
						SELECT count(*) FROM chats.outbox o JOIN chats.processed_events p
						  ON p.event_id = o.event_id AND p.consumer = ?
						WHERE o.chat_id = ANY(?) AND o.event_type = 'message.created'
						""", group, chatIds));
			}
			long applied = appliedPerGroup.values().stream().mapToLong(Long::longValue).min().orElse(0);
			long notifications = single(connection, """
					SELECT count(DISTINCT (n.chat_id, n.seq)) FROM chats.notifications n
					WHERE n.chat_id = ANY(?) AND n.kind = 'direct_message'
					""", directChatIds);
			long duplicateNotifications = single(connection, """
					SELECT count(*) - count(DISTINCT (n.user_id, n.chat_id, n.seq, n.kind)) FROM chats.notifications n
					WHERE n.chat_id = ANY(?)
					""", chatIds);
			long directMessages = stored.stream().filter((message) -> directChatIds.contains(message.chatId())).count();

			Topic topic = readTopic(chatIds);
			Set<String> publishedStored = new HashSet<>(topic.messageIds());
			publishedStored.retainAll(storedIds);
			Set<String> phantom = new HashSet<>(topic.messageIds());
			phantom.removeAll(storedIds);

			return new Counts(load.attempted().size(), acknowledged.size(), stored.size(), lost, mismatched, duplicates,
					gaps, withoutEvent, publishedStored.size(), phantom.size(), topic.redelivered(),
					topic.orderViolations(), applied, directMessages, notifications, duplicateNotifications);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the database", ex);
		}
	}

	/**
	 * Records on {@code chat.events} that a consumer group has not committed yet: what it
	 * is working on or about to.
	 * @param group the consumer group
	 * @return the lag over all partitions, or -1 if it cannot be read
	 */
	long lag(String group) {
		Properties properties = new Properties();
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		try (Admin admin = Admin.create(properties)) {
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS);
			Map<TopicPartition, OffsetSpec> latest = committed.keySet()
				.stream()
				.filter((partition) -> partition.topic().equals(TOPIC))
				.collect(Collectors.toMap((partition) -> partition, (partition) -> OffsetSpec.latest()));
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest)
				.all()
				.get(10, TimeUnit.SECONDS);
			return ends.entrySet()
				.stream()
				.mapToLong((end) -> end.getValue().offset() - committed.get(end.getKey()).offset())
				.sum();
		}
		catch (ExecutionException | TimeoutException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private List<StoredMessage> stored(Connection connection, Set<String> chatIds) throws SQLException {
		List<StoredMessage> stored = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT chat_id, seq, id, sender_id, client_message_id FROM chats.messages WHERE chat_id = ANY(?)
				""")) {
			statement.setArray(1, uuids(connection, chatIds));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					stored.add(new StoredMessage(rows.getString(1), rows.getLong(2), rows.getString(3),
							rows.getString(4), rows.getString(5)));
				}
			}
		}
		return stored;
	}

	/**
	 * The {@code message.created} events recorded in the outbox: event id to message id.
	 */
	private Map<String, String> events(Connection connection, Set<String> chatIds) throws SQLException {
		Map<String, String> events = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT event_id, payload -> 'data' ->> 'id' FROM chats.outbox
				WHERE chat_id = ANY(?) AND event_type = 'message.created'
				""")) {
			statement.setArray(1, uuids(connection, chatIds));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					events.put(rows.getString(1), rows.getString(2));
				}
			}
		}
		return events;
	}

	/**
	 * Reads {@code chat.events} from the beginning to its current end. Per chat, records
	 * must come in seq order; a record whose event id was already seen is a re-delivery
	 * (at-least-once publishing allows it, consumers skip it), a new event with a seq
	 * below one already seen is an order violation.
	 */
	private Topic readTopic(Set<String> chatIds) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(TOPIC, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			Set<String> messageIds = new HashSet<>();
			Set<String> eventIds = new HashSet<>();
			Map<String, Long> lastSeq = new HashMap<>();
			Map<String, Integer> partitionOf = new HashMap<>();
			long redelivered = 0;
			long orderViolations = 0;
			long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + TOPIC + " to its end");
				}
				// Records arrive in offset order within each partition, which is all
				// that per-chat order needs (one chat, one key, one partition).
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					JsonNode event = json.readTree(record.value());
					String chatId = event.path("chatId").asText();
					if (!event.path("type").asText().equals("message.created") || !chatIds.contains(chatId)) {
						continue;
					}
					if (partitionOf.computeIfAbsent(chatId, (chat) -> record.partition()) != record.partition()) {
						orderViolations++;
					}
					if (!eventIds.add(event.path("id").asText())) {
						redelivered++;
						continue;
					}
					messageIds.add(event.path("data").path("id").asText());
					long seq = event.path("seq").asLong();
					Long previous = lastSeq.put(chatId, seq);
					if (previous != null && seq <= previous) {
						orderViolations++;
						lastSeq.put(chatId, previous);
					}
				}
			}
			return new Topic(messageIds, redelivered, orderViolations);
		}
		catch (IOException ex) {
			throw new IllegalStateException("A record on " + TOPIC + " is not JSON", ex);
		}
	}

	private Connection connect() throws SQLException {
		Properties properties = new Properties();
		properties.put("user", "postgres");
		properties.put("password", "postgres");
		properties.put("connectTimeout", "5");
		properties.put("socketTimeout", "30");
		return DriverManager.getConnection(this.jdbcUrl, properties);
	}

	private static long single(Connection connection, String sql, Object... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				if (parameters[i] instanceof Set<?> ids) {
					statement.setArray(i + 1, uuids(connection, ids));
				}
				else {
					statement.setObject(i + 1, parameters[i]);
				}
			}
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private static Array uuids(Connection connection, Set<?> ids) throws SQLException {
		return connection.createArrayOf("uuid", ids.stream().map((id) -> UUID.fromString(id.toString())).toArray());
	}

	private record StoredMessage(String chatId, long seq, String id, String senderId, String clientMessageId) {
	}

	private record Topic(Set<String> messageIds, long redelivered, long orderViolations) {
	}

	/**
	 * Everything counted for one scenario.
	 *
	 * @param attempted messages the client tried to send
	 * @param acknowledged messages the server acknowledged (201 or 200)
	 * @param stored rows in {@code chats.messages} of the scenario's chats
	 * @param lost acknowledged messages not stored
	 * @param mismatched acknowledged messages stored with another seq or
	 * {@code clientMessageId} than acknowledged
	 * @param duplicates extra rows for one sender and {@code clientMessageId}
	 * @param gaps seqs missing between 1 and a chat's highest seq
	 * @param withoutEvent stored messages without a {@code message.created} event in the
	 * outbox
	 * @param published stored messages whose {@code message.created} is on
	 * {@code chat.events}
	 * @param phantom messages on {@code chat.events} that are not stored
	 * @param redelivered records on {@code chat.events} repeating an event id
	 * (at-least-once; skipped by consumers)
	 * @param orderViolations per chat, events out of seq order or in more than one
	 * partition
	 * @param applied events applied by both chats-worker consumer groups
	 * @param directMessages stored messages in direct chats
	 * @param notifications direct-message notifications written for them
	 * @param duplicateNotifications notifications written twice
	 */
	record Counts(long attempted, long acknowledged, long stored, long lost, long mismatched, long duplicates,
			long gaps, long withoutEvent, long published, long phantom, long redelivered, long orderViolations,
			long applied, long directMessages, long notifications, long duplicateNotifications) {

	}

}
