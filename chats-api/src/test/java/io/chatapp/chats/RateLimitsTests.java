package io.chatapp.chats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class RateLimitsTests {

	final MutableClock clock = new MutableClock();

	final RateLimits limits = new RateLimits(new ChatsProperties(6, 2, Duration.ofSeconds(1), Duration.ofSeconds(1), 10,
			10, 10, Duration.ofMillis(200), ChatsTestSupport.liveDefaults()), this.clock);

	@Test
	void aBurstUpToTheLimitPassesThenA429SaysWhenToRetry() {
		UUID user = UUID.randomUUID();
		for (int i = 0; i < 6; i++) {
			this.limits.send(user);
		}
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.limits.send(user)).satisfies((ex) -> {
			assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
			assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("10");
		});
	}

	@Test
	void allowanceRefillsOverTimeAndIsPerUserAndPerAction() {
		UUID user = UUID.randomUUID();
		this.limits.createChat(user);
		this.limits.createChat(user);
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.limits.createChat(user));
		assertThatNoException().isThrownBy(() -> this.limits.createChat(UUID.randomUUID()));
		assertThatNoException().isThrownBy(() -> this.limits.send(user));
		this.clock.advance(Duration.ofSeconds(30));
		assertThatNoException().isThrownBy(() -> this.limits.createChat(user));
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.limits.createChat(user));
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
