package io.chatapp.users;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * Configuration of users-api.
 *
 * @param issuer the {@code iss} of issued tokens, checked by every verifier
 * @param audience the {@code aud} of issued tokens
 * @param tokenTtl how long an access token is valid
 * @param signingKey optional PKCS#8 PEM file with the RSA private key to sign with; when
 * absent a key is generated on first start and kept in the database, shared by all
 * instances
 * @param maxConcurrentHashes how many password hashes may be computed at once (each
 * Argon2 hash takes 16 MiB of memory); defaults to the number of processors
 * @param maxFailedLogins wrong passwords checked for one account (by username and email
 * together, on all instances together) after which further attempts are refused until the
 * window has passed
 * @param failedLoginWindow the window in which failed logins are counted
 * @param presenceReaperInterval how often expired connection leases are looked for (a
 * user whose last lease expired, because the chats instance holding it died, goes offline
 * at most this long after the expiry)
 */
@ConfigurationProperties("chatapp.users")
public record UsersProperties(@DefaultValue("chatapp-users") String issuer, @DefaultValue("chatapp") String audience,
		@DefaultValue("1h") Duration tokenTtl, Resource signingKey, Integer maxConcurrentHashes,
		@DefaultValue("10") int maxFailedLogins, @DefaultValue("5m") Duration failedLoginWindow,
		@DefaultValue("5s") Duration presenceReaperInterval) {

	public UsersProperties {
		if (maxConcurrentHashes == null) {
			maxConcurrentHashes = Runtime.getRuntime().availableProcessors();
		}
		if (maxConcurrentHashes < 1 || maxFailedLogins < 1 || failedLoginWindow.isNegative()
				|| failedLoginWindow.isZero()) {
			throw new IllegalArgumentException(
					"max-concurrent-hashes and max-failed-logins must be at least 1, failed-login-window positive");
		}
		if (presenceReaperInterval.toMillis() < 1) {
			throw new IllegalArgumentException("presence-reaper-interval must be at least 1ms");
		}
	}

}
