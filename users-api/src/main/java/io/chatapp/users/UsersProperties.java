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
 */
@ConfigurationProperties("chatapp.users")
public record UsersProperties(@DefaultValue("chatapp-users") String issuer, @DefaultValue("chatapp") String audience,
		@DefaultValue("1h") Duration tokenTtl, Resource signingKey) {
}
