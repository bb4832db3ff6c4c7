package io.chatapp.outbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * Configuration of the outbox relay.
 *
 * @param enabled whether the relay and its topics are set up
 * @param pollInterval wait between polls when the outbox is empty; a full batch is
 * followed by the next one at once
 * @param batchSize rows published per round trip (sent together, then marked in one
 * update)
 * @param maxBackoff longest wait between attempts while Kafka or the database is failing
 * @param standbyInterval how often an instance that is not the leader tries to take over
 * @param source CloudEvents {@code ce_source}; {@code /} and
 * {@code spring.application.name} when unset
 * @param topics topics to create at startup (name in brackets, e.g.
 * {@code topics.[chat.events].partitions}); entries are merged over the defaults
 * {@code chat.events} (12 partitions) and {@code user.events} (6 partitions)
 * @param sequenced whether the service numbers its committed events itself (column
 * {@code log_pos}): then only numbered rows are published, in that order, so consumers
 * see the order the service's readers see
 */
@ConfigurationProperties("chatapp.outbox")
public record OutboxRelayProperties(@DefaultValue("true") boolean enabled, @DefaultValue("100ms") Duration pollInterval,
		@DefaultValue("200") int batchSize, @DefaultValue("5s") Duration maxBackoff,
		@DefaultValue("2s") Duration standbyInterval, String source, Map<String, Topic> topics,
		@DefaultValue("false") boolean sequenced) {

	static final Map<String, Topic> DEFAULT_TOPICS = Map.of("chat.events", new Topic(12, null), "user.events",
			new Topic(6, null));

	public OutboxRelayProperties {
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(),
				"chatapp.outbox.poll-interval must be positive");
		Assert.isTrue(batchSize > 0, "chatapp.outbox.batch-size must be positive");
		Assert.isTrue(!maxBackoff.isNegative(), "chatapp.outbox.max-backoff must not be negative");
		Assert.isTrue(!standbyInterval.isNegative() && !standbyInterval.isZero(),
				"chatapp.outbox.standby-interval must be positive");
		topics = (topics != null) ? Map.copyOf(topics) : Map.of();
	}

	/**
	 * The topics to create: the defaults, with configured entries merged over them.
	 * @return topic settings by name, the partitions filled in
	 */
	Map<String, Topic> topicsToCreate() {
		Map<String, Topic> merged = new LinkedHashMap<>(DEFAULT_TOPICS);
		this.topics.forEach((name, topic) -> merged.merge(name, topic, Topic::over));
		merged.replaceAll((name, topic) -> topic.withDefaults());
		return merged;
	}

	/**
	 * How a topic is created. Existing topics are left as they are.
	 *
	 * @param partitions number of partitions (1 when unset); per-key order holds within
	 * one partition, so more partitions spread keys, never split one
	 * @param replicas replication factor; when unset the brokers'
	 * {@code default.replication.factor} applies (1 on a single broker, 3 on a cluster
	 * configured for it), so the same service runs on either
	 */
	public record Topic(Integer partitions, Short replicas) {

		Topic over(Topic configured) {
			return new Topic((configured.partitions() != null) ? configured.partitions() : this.partitions,
					(configured.replicas() != null) ? configured.replicas() : this.replicas);
		}

		Topic withDefaults() {
			return new Topic((this.partitions != null) ? this.partitions : 1, this.replicas);
		}

		/**
		 * The topic to create; without a replica count the broker's default applies.
		 */
		NewTopic newTopic(String name) {
			return new NewTopic(name, Optional.ofNullable(this.partitions), Optional.ofNullable(this.replicas));
		}

	}

}
