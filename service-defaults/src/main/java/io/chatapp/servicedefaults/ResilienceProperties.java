package io.chatapp.servicedefaults;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Defaults for outgoing calls. Individual clients may register their own named
 * configurations in the registries.
 *
 * @param timeout time allowed for one attempt
 * @param maxAttempts attempts in all for an idempotent call (first try included)
 * @param initialBackoff wait before the first retry; doubles each time, with jitter
 * @param failureRateThreshold percentage of failed calls that opens a circuit
 * @param slidingWindowSize number of recent calls the failure rate is computed over
 * @param openStateWait how long an open circuit refuses calls before letting a trial
 * through
 */
@ConfigurationProperties("chatapp.resilience")
public record ResilienceProperties(@DefaultValue("2s") Duration timeout, @DefaultValue("3") int maxAttempts,
		@DefaultValue("100ms") Duration initialBackoff, @DefaultValue("50") float failureRateThreshold,
		@DefaultValue("20") int slidingWindowSize, @DefaultValue("10s") Duration openStateWait) {
}
