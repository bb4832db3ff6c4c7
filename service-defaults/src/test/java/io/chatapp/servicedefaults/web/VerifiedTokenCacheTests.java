package io.chatapp.servicedefaults.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VerifiedTokenCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<String> verifications = new ArrayList<>();

	/** Accepts "good-<expiry seconds>" tokens, rejects everything else. */
	private final JwtDecoder verifier = (token) -> {
		this.verifications.add(token);
		if (token == null || !token.startsWith("good-")) {
			throw new BadJwtException("bad signature");
		}
		long seconds = Long.parseLong(token.substring(5).split("-")[0]);
		Instant issued = this.clock.instant();
		return Jwt.withTokenValue(token)
			.header("alg", "RS256")
			.subject("user")
			.issuedAt(issued)
			.expiresAt(issued.plusSeconds(seconds))
			.build();
	};

	private final VerifiedTokenCache cache = new VerifiedTokenCache(this.verifier, 100, Duration.ofMinutes(5),
			this.clock);

	@Test
	void aTokenIsVerifiedOnceAndThenServedFromTheCache() {
		Jwt first = this.cache.decode("good-3600");
		Jwt second = this.cache.decode("good-3600");
		assertThat(second).isSameAs(first);
		assertThat(this.verifications).containsExactly("good-3600");
	}

	@Test
	void anotherStringIsVerifiedOnItsOwn() {
		this.cache.decode("good-3600");
		this.cache.decode("good-3600-other");
		assertThat(this.verifications).containsExactly("good-3600", "good-3600-other");
	}

	@Test
	void aRejectedTokenIsNeverCached() {
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> this.cache.decode("forged"));
		}
		assertThat(this.verifications).hasSize(3);
	}

	@Test
	void anExpiredTokenIsVerifiedAgainAndNotServed() {
		Jwt first = this.cache.decode("good-60");
		this.clock.advance(Duration.ofSeconds(61));
		Jwt again = this.cache.decode("good-60");
		assertThat(again).isNotSameAs(first);
		assertThat(this.verifications).hasSize(2);
	}

	@Test
	void aTokenIsRememberedAtMostTheMaximumAge() {
		this.cache.decode("good-86400");
		this.clock.advance(Duration.ofMinutes(4));
		this.cache.decode("good-86400");
		assertThat(this.verifications).hasSize(1);
		this.clock.advance(Duration.ofMinutes(2));
		this.cache.decode("good-86400");
		assertThat(this.verifications).hasSize(2);
	}

	@Test
	void overlongTokensAreAlwaysVerified() {
		String token = "good-3600-" + "x".repeat(5000);
		this.cache.decode(token);
		this.cache.decode(token);
		assertThat(this.verifications).hasSize(2);
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
			return ZoneId.of("UTC");
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
