package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class LoginAttemptsTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final LoginAttempts attempts = new LoginAttempts(3, Duration.ofMinutes(5), this.clock);

	@Test
	void aLoginIsRefusedAfterTooManyFailuresUntilTheWindowHasPassed() {
		fail("bob", 3);
		this.clock.advance(Duration.ofMinutes(1));

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.attempts.check("bob"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("240");
			});

		this.clock.advance(Duration.ofMinutes(4));
		assertThatNoException().isThrownBy(() -> this.attempts.check("bob"));
	}

	@Test
	void fewerFailuresThanTheLimitAreAllowed() {
		fail("carol", 2);
		assertThatNoException().isThrownBy(() -> this.attempts.check("carol"));
	}

	@Test
	void failuresCountPerLoginInAnyCase() {
		fail("Dave", 3);
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.attempts.check(" dave "));
		assertThatNoException().isThrownBy(() -> this.attempts.check("erin"));
	}

	@Test
	void failuresOutsideTheWindowStartANewCount() {
		fail("frank", 2);
		this.clock.advance(Duration.ofMinutes(5));
		fail("frank", 2);
		assertThatNoException().isThrownBy(() -> this.attempts.check("frank"));
	}

	@Test
	void aSuccessfulLoginClearsTheCount() {
		fail("grace", 2);
		this.attempts.succeeded("grace");
		fail("grace", 2);
		assertThatNoException().isThrownBy(() -> this.attempts.check("grace"));
	}

	@Test
	void trackingIsBoundedAndDropsTheOldestWindowFirst() {
		fail("oldest", 3);
		this.clock.advance(Duration.ofSeconds(1));
		for (int i = 0; i < LoginAttempts.MAX_TRACKED; i++) {
			this.attempts.failed("user" + i);
		}
		assertThatNoException().as("the oldest entry made room").isThrownBy(() -> this.attempts.check("oldest"));
		assertThat(this.attempts.tracked()).isEqualTo(LoginAttempts.MAX_TRACKED);
	}

	private void fail(String login, int times) {
		for (int i = 0; i < times; i++) {
			this.attempts.failed(login);
		}
	}

	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
