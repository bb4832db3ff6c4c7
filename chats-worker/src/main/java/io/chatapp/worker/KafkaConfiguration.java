package io.chatapp.worker;

import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationSupport;
import org.springframework.kafka.retrytopic.RetryTopicSchedulerWrapper;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.converter.ByteArrayJacksonJsonMessageConverter;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * How listeners read records and what happens when they fail. Values arrive as bytes and
 * are read as {@link Event} JSON by the listener adapter; per-listener retries and
 * dead-letter topics are declared with {@link RetryThenDeadLetter}.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration extends RetryTopicConfigurationSupport {

	/**
	 * Reads record values (bytes) into the listener's parameter type. A value that is not
	 * JSON fails with a conversion exception, which the framework never retries.
	 */
	/**
	 * The topics the worker consumes, with the partition counts their producers' outbox
	 * relays create them with. Without these, Spring Kafka's retry-topic support would
	 * create a missing source topic itself with one partition when the worker starts
	 * first.
	 * @return the source topics
	 */
	@Bean
	KafkaAdmin.NewTopics sourceTopics() {
		return new KafkaAdmin.NewTopics(TopicBuilder.name("chat.events").partitions(12).build(),
				TopicBuilder.name("user.events").partitions(6).build());
	}

	@Bean
	RecordMessageConverter eventMessageConverter(JsonMapper jsonMapper) {
		return new ByteArrayJacksonJsonMessageConverter(jsonMapper);
	}

	/**
	 * Resumes partitions paused for a retry back-off. Retry topics need a scheduler and
	 * the worker has no other.
	 */
	@Bean
	RetryTopicSchedulerWrapper retryTopicScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("retry-backoff-");
		return new RetryTopicSchedulerWrapper(scheduler);
	}

	/**
	 * Retry topics label a forwarded record with {@code kafka_original-*} and
	 * {@code kafka_exception-*} headers; the worker uses the dead-letter names
	 * ({@code kafka_dlt-original-topic}, {@code kafka_dlt-exception-message}, ...) on
	 * every hop, so a dead-lettered record carries the standard dead-letter headers that
	 * tools and {@link DltReplay} read. The original topic is kept from the first
	 * failure.
	 */
	@Override
	protected void configureCustomizers(CustomizersConfigurer customizers) {
		customizers.customizeDeadLetterPublishingRecoverer(
				(recoverer) -> recoverer.setHeaderNamesSupplier(() -> HeaderNames.Builder.original()
					.offsetHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)
					.timestampHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)
					.timestampTypeHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE)
					.topicHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC)
					.partitionHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)
					.consumerGroupHeader(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)
					.exception()
					.keyExceptionFqcn(KafkaHeaders.DLT_KEY_EXCEPTION_FQCN)
					.exceptionFqcn(KafkaHeaders.DLT_EXCEPTION_FQCN)
					.exceptionCauseFqcn(KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)
					.keyExceptionMessage(KafkaHeaders.DLT_KEY_EXCEPTION_MESSAGE)
					.exceptionMessage(KafkaHeaders.DLT_EXCEPTION_MESSAGE)
					.keyExceptionStacktrace(KafkaHeaders.DLT_KEY_EXCEPTION_STACKTRACE)
					.exceptionStacktrace(KafkaHeaders.DLT_EXCEPTION_STACKTRACE)
					.build()));
	}

	/**
	 * Besides the framework's defaults (conversion and deserialization failures), an
	 * event whose content cannot be read goes to the dead-letter topic at once: retrying
	 * cannot make it readable.
	 */
	@Override
	protected void manageNonBlockingFatalExceptions(List<Class<? extends Throwable>> nonBlockingFatalExceptions) {
		nonBlockingFatalExceptions.add(JacksonException.class);
		nonBlockingFatalExceptions.add(InvalidEventException.class);
	}

}
