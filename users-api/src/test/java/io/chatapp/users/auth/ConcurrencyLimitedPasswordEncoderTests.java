package io.chatapp.users.auth;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.UsersProperties;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ConcurrencyLimitedPasswordEncoderTests {

	private final CountDownLatch hashing = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	/** Hashes until released, so a test can hold the only permit. */
	private final PasswordEncoder slow = new PasswordEncoder() {

		@Override
		public String encode(CharSequence rawPassword) {
			ConcurrencyLimitedPasswordEncoderTests.this.hashing.countDown();
			try {
				ConcurrencyLimitedPasswordEncoderTests.this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "hash:" + rawPassword;
		}

		@Override
		public boolean matches(CharSequence rawPassword, String encodedPassword) {
			return encodedPassword.equals(encode(rawPassword));
		}

	};

	@Test
	void aHashBeyondTheLimitWaitsThenIsRefusedWith429AndRetryAfter() throws Exception {
		ConcurrencyLimitedPasswordEncoder encoder = new ConcurrencyLimitedPasswordEncoder(this.slow, 1,
				Duration.ofMillis(200));
		CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> encoder.encode("one"));
		assertThat(this.hashing.await(5, TimeUnit.SECONDS)).isTrue();

		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> encoder.matches("two", "hash:two"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			});

		this.release.countDown();
		assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("hash:one");
		assertThat(encoder.matches("two", "hash:two")).as("the permit is back").isTrue();
	}

	@Test
	void aFailingHashGivesItsPermitBack() {
		PasswordEncoder failing = new PasswordEncoder() {

			@Override
			public String encode(CharSequence rawPassword) {
				throw new IllegalStateException("boom");
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				return true;
			}

		};
		ConcurrencyLimitedPasswordEncoder encoder = new ConcurrencyLimitedPasswordEncoder(failing, 1,
				Duration.ofMillis(100));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> encoder.encode("x"));
		assertThat(encoder.matches("x", "y")).isTrue();
	}

	@Test
	void theServicesEncoderIsLimitedAndStillHashesWithArgon2() {
		UsersProperties properties = new UsersProperties("chatapp-users", "chatapp", Duration.ofHours(1), null, 1, 10,
				Duration.ofMinutes(5), Duration.ofSeconds(5));
		PasswordEncoder encoder = new AuthConfiguration().passwordEncoder(properties);
		assertThat(encoder).isInstanceOf(ConcurrencyLimitedPasswordEncoder.class);
		String hash = encoder.encode("correct horse");
		assertThat(hash).startsWith("{argon2@SpringSecurity_v5_8}");
		assertThat(encoder.matches("correct horse", hash)).isTrue();
	}

	@Test
	void theLimitDefaultsToTheNumberOfProcessors() {
		UsersProperties properties = new UsersProperties("chatapp-users", "chatapp", Duration.ofHours(1), null, null,
				10, Duration.ofMinutes(5), Duration.ofSeconds(5));
		assertThat(properties.maxConcurrentHashes()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

}
