package io.chatapp.servicedefaults;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaTopicMetricsFilterTests {

	@Test
	void theDeprecatedUnderscoreCopyOfATopicsSeriesIsDropped() {
		MeterRegistry registry = new SimpleMeterRegistry();
		registry.config().meterFilter(new KafkaTopicMetricsFilter());

		registry.gauge("kafka.consumer.fetch.manager.records.lag", Tags.of("topic", "chat.events", "partition", "0"),
				1);
		registry.gauge("kafka.consumer.fetch.manager.records.lag", Tags.of("topic", "chat_events", "partition", "0"),
				1);
		registry.gauge("kafka.consumer.fetch.manager.records.lag", Tags.of("topic", "plain", "partition", "0"), 1);
		registry.gauge("app.queue", Tags.of("topic", "chat_events"), 1);

		assertThat(registry.find("kafka.consumer.fetch.manager.records.lag").gauges())
			.extracting((gauge) -> gauge.getId().getTag("topic"))
			.containsExactlyInAnyOrder("chat.events", "plain");
		assertThat(registry.find("app.queue").gauge()).isNotNull();
	}

}
