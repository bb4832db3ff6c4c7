package io.chatapp.worker;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;
import org.springframework.kafka.retrytopic.DeadLetterPublishingRecovererFactory;
import org.springframework.kafka.retrytopic.DestinationTopic;
import org.springframework.kafka.retrytopic.DestinationTopicResolver;
import org.springframework.kafka.retrytopic.RetryTopicComponentFactory;
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
	 * Spring Kafka's header names, spelled out because the exception headers are ours.
	 */
	static final HeaderNames DEAD_LETTER_HEADERS = HeaderNames.Builder.original()
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
		.build();

	static final int MAX_EXCEPTION_MESSAGE = 1000;

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
		customizers.customizeDeadLetterPublishingRecoverer((recoverer) -> {
			recoverer.setExceptionHeadersCreator(KafkaConfiguration::addExceptionHeaders);
			recoverer.setHeaderNamesSupplier(() -> DEAD_LETTER_HEADERS);
		});
	}

	/**
	 * What a dead-lettered record says about its failure: the exception's class, the
	 * class of its root cause, and the root cause's message cut to
	 * {@value #MAX_EXCEPTION_MESSAGE} characters. No stack trace: the failure is logged
	 * with one, and a stack trace in every record's headers would make records many
	 * kilobytes larger and show internals to whoever reads the topic.
	 */
	static void addExceptionHeaders(Headers headers, Exception exception, boolean isKey, HeaderNames names) {
		HeaderNames.ExceptionInfo info = names.getExceptionInfo();
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(exception);
		String message = (cause.getMessage() != null) ? cause.getMessage() : exception.getMessage();
		if (isKey) {
			replace(headers, info.getKeyExceptionFqcn(), exception.getClass().getName());
			replace(headers, info.getKeyExceptionMessage(), truncate(message));
		}
		else {
			replace(headers, info.getExceptionFqcn(), exception.getClass().getName());
			replace(headers, info.getExceptionCauseFqcn(), (cause != exception) ? cause.getClass().getName() : null);
			replace(headers, info.getExceptionMessage(), truncate(message));
		}
	}

	static String truncate(String message) {
		if (message == null || message.length() <= MAX_EXCEPTION_MESSAGE) {
			return message;
		}
		int end = MAX_EXCEPTION_MESSAGE - 1;
		if (Character.isHighSurrogate(message.charAt(end - 1))) {
			end--;
		}
		return message.substring(0, end) + "\u2026";
	}

	private static void replace(Headers headers, String name, String value) {
		// A record failing again on its way through the retry topics keeps only the
		// latest failure.
		headers.remove(name);
		if (value != null) {
			headers.add(name, value.getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * Every failed delivery leaves one log record, written while the record's consumer
	 * span is current, so it carries the trace of the event: a failure that will be
	 * retried at WARN (exception type and message, no stack trace), a record given up to
	 * the dead-letter topic at ERROR with its exception. Spring Kafka alone logs retries
	 * at DEBUG only.
	 */
	@Override
	protected RetryTopicComponentFactory createComponentFactory() {
		return new RetryTopicComponentFactory() {
			@Override
			public DeadLetterPublishingRecovererFactory deadLetterPublishingRecovererFactory(
					DestinationTopicResolver destinationTopicResolver) {
				return new LoggingRecovererFactory(destinationTopicResolver);
			}
		};
	}

	static final class LoggingRecovererFactory extends DeadLetterPublishingRecovererFactory {

		private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

		LoggingRecovererFactory(DestinationTopicResolver resolver) {
			super(resolver);
		}

		@Override
		protected void maybeLogListenerException(Exception exception, ConsumerRecord<?, ?> record,
				DestinationTopic destination) {
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(exception);
			String where = record.topic() + "-" + record.partition() + "@" + record.offset();
			if (destination.isDltTopic() || destination.isNoOpsTopic()) {
				log.error("Giving up on record {} (event {}): {}; sent to {}", where, eventId(record),
						cause.getClass().getSimpleName(),
						destination.isNoOpsTopic() ? "no dead-letter topic" : destination.getDestinationName(),
						exception);
			}
			else {
				log.warn("Record {} (event {}) failed, will be retried from {}: {}: {}", where, eventId(record),
						destination.getDestinationName(), cause.getClass().getSimpleName(),
						truncate(cause.getMessage()));
			}
		}

		private static String eventId(ConsumerRecord<?, ?> record) {
			Header id = record.headers().lastHeader("ce_id");
			return (id != null) ? new String(id.value(), StandardCharsets.UTF_8) : "without ce_id";
		}

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
