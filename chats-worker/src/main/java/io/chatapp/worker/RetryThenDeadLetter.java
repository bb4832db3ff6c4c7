package io.chatapp.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.RetryableTopic;
import org.springframework.kafka.retrytopic.TopicSuffixingStrategy;

/**
 * The failure handling of every worker listener, declared once: non-blocking retries with
 * exponential back-off ({@code chatapp.worker.retry.*}), then the consumer group's
 * dead-letter topic. Records that cannot be read (not JSON, not an event) skip the
 * retries (see {@link KafkaConfiguration}).
 *
 * <p>
 * Several groups consume the same topic, so retry and dead-letter topic names carry the
 * group: {@code <topic>.<group>.retry-<n>} and {@code <topic>.<group>.dlt}. Retry topics
 * are numbered rather than named after their delay, so changing the back-off does not
 * strand records in topics nobody reads.
 *
 * <p>
 * Nothing in the worker consumes a dead-letter topic: the failure is logged when the
 * record is dead-lettered, and the record waits there, headers naming its original topic
 * and the exception, until {@link DltReplay} puts it back.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@RetryableTopic(attempts = "${chatapp.worker.retry.attempts}",
		backOff = @BackOff(delayString = "${chatapp.worker.retry.delay}",
				multiplierString = "${chatapp.worker.retry.multiplier}",
				maxDelayString = "${chatapp.worker.retry.max-delay}"),
		topicSuffixingStrategy = TopicSuffixingStrategy.SUFFIX_WITH_INDEX_VALUE, autoStartDltHandler = "false")
@interface RetryThenDeadLetter {

	/**
	 * Suffix of the retry topics: {@code .<group>.retry}.
	 * @return the suffix
	 */
	@AliasFor(annotation = RetryableTopic.class, attribute = "retryTopicSuffix")
	String retryTopicSuffix();

	/**
	 * Suffix of the dead-letter topic: {@code .<group>.dlt}.
	 * @return the suffix
	 */
	@AliasFor(annotation = RetryableTopic.class, attribute = "dltTopicSuffix")
	String dltTopicSuffix();

}
