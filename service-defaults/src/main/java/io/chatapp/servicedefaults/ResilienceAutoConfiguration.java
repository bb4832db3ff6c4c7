package io.chatapp.servicedefaults;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Resilience4j registries whose default configurations every outgoing call starts from: a
 * per-attempt time limit, a circuit breaker, and, for idempotent calls only, retries with
 * exponential back-off and jitter (configuration {@value #IDEMPOTENT}; the default
 * configuration never retries, so a non-idempotent call is tried once).
 */
@AutoConfiguration
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceAutoConfiguration {

	/** Name of the retry configuration for calls that are safe to repeat. */
	public static final String IDEMPOTENT = "idempotent";

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerRegistry circuitBreakerRegistry(ResilienceProperties properties,
			ObjectProvider<MeterRegistry> meterRegistry) {
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(properties.failureRateThreshold())
			.slidingWindowSize(properties.slidingWindowSize())
			.minimumNumberOfCalls(Math.min(5, properties.slidingWindowSize()))
			.waitDurationInOpenState(properties.openStateWait())
			.permittedNumberOfCallsInHalfOpenState(2)
			.build());
		meterRegistry
			.ifAvailable((meters) -> TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters));
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	RetryRegistry retryRegistry(ResilienceProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
		RetryRegistry registry = RetryRegistry.of(RetryConfig.custom().maxAttempts(1).build());
		registry.addConfiguration(IDEMPOTENT, RetryConfig.custom()
			.maxAttempts(properties.maxAttempts())
			.intervalFunction(
					IntervalFunction.ofExponentialRandomBackoff(properties.initialBackoff().toMillis(), 2.0, 0.5))
			.build());
		meterRegistry.ifAvailable((meters) -> TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters));
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	TimeLimiterRegistry timeLimiterRegistry(ResilienceProperties properties) {
		return TimeLimiterRegistry.of(TimeLimiterConfig.custom().timeoutDuration(properties.timeout()).build());
	}

}
