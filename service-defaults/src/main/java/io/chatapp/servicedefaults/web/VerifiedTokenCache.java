package io.chatapp.servicedefaults.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A {@link JwtDecoder} that remembers the tokens it has verified. A client sends the same
 * token with every request for its whole life, and verifying it again (Base64, JSON, an
 * RSA signature) was the largest single cost of a request. A token is served from the
 * cache only as the exact string that was verified, only until it expires, and at most
 * for {@code maxAge} (so a key withdrawn from the JWKS stops being honoured within that
 * time); tokens that fail verification are never cached. The cache is bounded by
 * {@code maxTokens}, the least useful going first.
 */
public final class VerifiedTokenCache implements JwtDecoder {

	/** Longer strings are not tokens this system issues; they are verified every time. */
	private static final int MAX_TOKEN_LENGTH = 4096;

	private final JwtDecoder delegate;

	private final Clock clock;

	private final Duration maxAge;

	private final Cache<String, Jwt> verified;

	/**
	 * Wraps a decoder.
	 * @param delegate verifies tokens that are not in the cache
	 * @param maxTokens most tokens remembered
	 * @param maxAge longest a verified token is remembered
	 * @param clock the time tokens expire against
	 */
	public VerifiedTokenCache(JwtDecoder delegate, int maxTokens, Duration maxAge, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.maxAge = maxAge;
		this.verified = Caffeine.newBuilder()
			.maximumSize(maxTokens)
			.ticker(ticker(clock))
			.expireAfter(Expiry.creating((String token, Jwt jwt) -> lifetime(jwt)))
			.build();
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		if (token == null || token.length() > MAX_TOKEN_LENGTH) {
			return this.delegate.decode(token);
		}
		Jwt cached = this.verified.getIfPresent(token);
		if (cached != null && isValid(cached)) {
			return cached;
		}
		Jwt jwt = this.delegate.decode(token);
		if (!lifetime(jwt).isZero()) {
			this.verified.put(token, jwt);
		}
		return jwt;
	}

	/** Until the token expires, and no longer than {@code maxAge}. */
	private Duration lifetime(Jwt jwt) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null) {
			return Duration.ZERO;
		}
		Duration untilExpiry = Duration.between(this.clock.instant(), expiresAt);
		if (untilExpiry.isNegative()) {
			return Duration.ZERO;
		}
		return (untilExpiry.compareTo(this.maxAge) < 0) ? untilExpiry : this.maxAge;
	}

	/** The cache's own expiry is approximate; a token past its expiry is never served. */
	private boolean isValid(Jwt jwt) {
		return jwt.getExpiresAt() != null && this.clock.instant().isBefore(jwt.getExpiresAt());
	}

	private static Ticker ticker(Clock clock) {
		return () -> Duration.between(Instant.EPOCH, clock.instant()).toNanos();
	}

}
