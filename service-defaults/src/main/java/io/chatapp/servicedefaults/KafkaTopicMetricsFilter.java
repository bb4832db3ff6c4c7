package io.chatapp.servicedefaults;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps one series per Kafka topic. Since KIP-1109 (Kafka 4.0) a consumer reports each
 * per-topic and per-partition metric twice for a topic whose name has a dot: once with
 * the topic as it is ({@code chat.events}) and once, deprecated, with the dots replaced
 * by underscores ({@code chat_events}). Micrometer binds every Kafka metric, so both
 * became series. This filter drops the deprecated copy: a Kafka client meter whose
 * {@code topic} tag has an underscore and no dot.
 * <p>
 * ChatApp's topics are named with dots. A topic named with underscores only would lose
 * its client metrics; Kafka itself warns against mixing the two, as their metric names
 * collide.
 */
class KafkaTopicMetricsFilter implements MeterFilter {

	@Override
	public MeterFilterReply accept(Meter.Id id) {
		if (!id.getName().startsWith("kafka.")) {
			return MeterFilterReply.NEUTRAL;
		}
		String topic = id.getTag("topic");
		return (topic != null && topic.indexOf('_') >= 0 && topic.indexOf('.') < 0) ? MeterFilterReply.DENY
				: MeterFilterReply.NEUTRAL;
	}

}
