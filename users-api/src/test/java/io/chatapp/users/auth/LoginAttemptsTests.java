package io.chatapp.users.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.UsersTestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The failed-login limiter against the real, shared PostgreSQL; two limiters with
 * connections of their own stand for two users-api instances.
 */
class LoginAttemptsTests {

	private final JdbcClient jdbc = JdbcClient.create(UsersTestDatabase.dataSource());

	private final LoginAttempts attempts = new LoginAttempts(this.jdbc, 3, Duration.ofMinutes(5));

	private final LoginAttempts otherInstance = new LoginAttempts(JdbcClient.create(UsersTestDatabase.dataSource()), 3,
			Duration.ofMinutes(5));

	@Test
	void reservationsBeyondTheLimitAreRefusedWithRetryAfter() {
		Optional<UUID> user = Optional.of(UUID.randomUUID());
		reserve(this.attempts, user, 3);

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.attempts.reserve(user, "bob"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
				assertThat(Long.parseLong(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(290L, 300L);
			});
	}

	@Test
	void parallelReservationsOnTwoInstancesGetExactlyTheLimit() throws Exception {
		Optional<UUID> user = Optional.of(UUID.randomUUID());
		List<Callable<Boolean>> calls = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			LoginAttempts instance = (i % 2 == 0) ? this.attempts : this.otherInstance;
			calls.add(() -> {
				try {
					instance.reserve(user, "bob");
					return true;
				}
				catch (ProblemException ex) {
					return false;
				}
			});
		}
		assertThat(parallel(calls).stream().filter(Boolean::booleanValue).count()).isEqualTo(3);
	}

	@Test
	void aReleasedReservationIsNotCounted() {
		Optional<UUID> user = Optional.of(UUID.randomUUID());
		reserve(this.attempts, user, 2);
		this.otherInstance.reserve(user, "bob").release();
		this.attempts.reserve(user, "bob").release();
		assertThatNoException().isThrownBy(() -> this.otherInstance.reserve(user, "bob"));
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.attempts.reserve(user, "bob"));
	}

	@Test
	void aFinishedWindowStartsANewCountAndOldReservationsCannotBeReleasedIntoIt() {
		Optional<UUID> user = Optional.of(UUID.randomUUID());
		reserve(this.attempts, user, 2);
		LoginAttempts.Reservation fromTheOldWindow = this.attempts.reserve(user, "bob");
		endWindow("user:" + user.get());

		reserve(this.attempts, user, 3);
		fromTheOldWindow.release();
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> this.attempts.reserve(user, "bob"));
	}

	@Test
	void unknownLoginsCountByTheirNormalisedFormWhichIsNotStoredAsTyped() {
		String login = "Nobody_" + UUID.randomUUID();
		reserve(this.attempts, Optional.empty(), login, 2);
		this.otherInstance.reserve(Optional.empty(), "  " + login.toUpperCase() + " ");
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.attempts.reserve(Optional.empty(), login.toLowerCase()));
		assertThat(this.jdbc.sql("SELECT count(*) FROM login_attempts WHERE account_key LIKE :pattern")
			.param("pattern", "%" + login.toLowerCase().substring(7) + "%")
			.query(Long.class)
			.single()).isZero();
	}

	private void reserve(LoginAttempts limiter, Optional<UUID> user, int times) {
		reserve(limiter, user, "bob", times);
	}

	private void reserve(LoginAttempts limiter, Optional<UUID> user, String login, int times) {
		for (int i = 0; i < times; i++) {
			limiter.reserve(user, login);
		}
	}

	private void endWindow(String key) {
		this.jdbc.sql("UPDATE login_attempts SET window_end = now() - interval '1 second' WHERE account_key = :key")
			.param("key", key)
			.update();
	}

	private static <T> List<T> parallel(List<Callable<T>> calls) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(calls.size());
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (Callable<T> call : calls) {
				futures.add(executor.submit(() -> {
					start.await();
					return call.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(30, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
