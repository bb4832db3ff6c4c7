package io.chatapp.servicedefaults;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResilienceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withPropertyValues("chatapp.resilience.initial-backoff=1ms");

	@Test
	void theDefaultRetryConfigurationTriesOnce() {
		this.runner.run((context) -> {
			Retry retry = context.getBean(RetryRegistry.class).retry("create-message");
			AtomicInteger attempts = new AtomicInteger();

			assertThatThrownBy(() -> retry.executeSupplier(() -> fail(attempts)))
				.isInstanceOf(IllegalStateException.class);

			assertThat(attempts).hasValue(1);
		});
	}

	@Test
	void theIdempotentConfigurationTriesThreeTimesByDefault() {
		this.runner.run((context) -> {
			Retry retry = context.getBean(RetryRegistry.class)
				.retry("get-user", ResilienceAutoConfiguration.IDEMPOTENT);
			AtomicInteger attempts = new AtomicInteger();

			assertThatThrownBy(() -> retry.executeSupplier(() -> fail(attempts)))
				.isInstanceOf(IllegalStateException.class);

			assertThat(attempts).hasValue(3);
		});
	}

	@Test
	void theIdempotentConfigurationTriesMaxAttemptsTimes() {
		this.runner.withPropertyValues("chatapp.resilience.max-attempts=5").run((context) -> {
			Retry retry = context.getBean(RetryRegistry.class)
				.retry("get-user", ResilienceAutoConfiguration.IDEMPOTENT);
			AtomicInteger attempts = new AtomicInteger();

			assertThatThrownBy(() -> retry.executeSupplier(() -> fail(attempts)))
				.isInstanceOf(IllegalStateException.class);

			assertThat(attempts).hasValue(5);
		});
	}

	@Test
	void theIdempotentConfigurationStopsRetryingOnSuccess() {
		this.runner.run((context) -> {
			Retry retry = context.getBean(RetryRegistry.class)
				.retry("get-user", ResilienceAutoConfiguration.IDEMPOTENT);
			AtomicInteger attempts = new AtomicInteger();

			String result = retry.executeSupplier(() -> (attempts.get() < 1) ? fail(attempts) : ok(attempts));

			assertThat(result).isEqualTo("ok");
			assertThat(attempts).hasValue(2);
		});
	}

	@Test
	void aCircuitBreakerOpensAfterFailuresAndThenRefusesCalls() {
		this.runner.withPropertyValues("chatapp.resilience.sliding-window-size=4").run((context) -> {
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("users-api");
			AtomicInteger calls = new AtomicInteger();
			for (int i = 0; i < 4; i++) {
				assertThatThrownBy(() -> breaker.executeSupplier(() -> fail(calls)))
					.isInstanceOf(IllegalStateException.class);
			}

			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThatThrownBy(() -> breaker.executeSupplier(() -> fail(calls)))
				.isInstanceOf(CallNotPermittedException.class);
			assertThat(calls).as("an open circuit does not call through").hasValue(4);
		});
	}

	@Test
	void aCircuitBreakerStaysClosedWhileMostCallsSucceed() {
		this.runner.withPropertyValues("chatapp.resilience.sliding-window-size=4").run((context) -> {
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("users-api");
			AtomicInteger calls = new AtomicInteger();
			assertThatThrownBy(() -> breaker.executeSupplier(() -> fail(calls)))
				.isInstanceOf(IllegalStateException.class);
			for (int i = 0; i < 5; i++) {
				breaker.executeSupplier(() -> "ok");
			}

			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void theTimeLimitIsConfigurable() {
		this.runner.withPropertyValues("chatapp.resilience.timeout=750ms").run((context) -> {
			assertThat(context.getBean(TimeLimiterRegistry.class).getDefaultConfig().getTimeoutDuration())
				.isEqualTo(Duration.ofMillis(750));
		});
	}

	@Test
	void retriesAndCircuitBreakersAreMeasured() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			context.getBean(CircuitBreakerRegistry.class).circuitBreaker("users-api");
			context.getBean(RetryRegistry.class).retry("get-user", ResilienceAutoConfiguration.IDEMPOTENT);
			MeterRegistry meters = context.getBean(MeterRegistry.class);

			assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "users-api").meters()).isNotEmpty();
			assertThat(meters.find("resilience4j.retry.calls").tag("name", "get-user").meters()).isNotEmpty();
		});
	}

	@Test
	void aServiceCanReplaceARegistry() {
		RetryRegistry own = RetryRegistry.ofDefaults();
		this.runner.withBean(RetryRegistry.class, () -> own)
			.run((context) -> assertThat(context.getBean(RetryRegistry.class)).isSameAs(own));
	}

	private static String ok(AtomicInteger attempts) {
		attempts.incrementAndGet();
		return "ok";
	}

	private static String fail(AtomicInteger attempts) {
		attempts.incrementAndGet();
		throw new IllegalStateException("unavailable");
	}

}
