package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.chatapp.users.UsersProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Passwords and tokens: Argon2id hashes (bcrypt still verifies, for hashes from
 * elsewhere), a few at a time, RS256 JWTs signed with {@link SigningKeys} and verified
 * locally like any other service verifies them.
 */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	PasswordEncoder passwordEncoder(UsersProperties properties) {
		String current = "argon2@SpringSecurity_v5_8";
		PasswordEncoder encoder = new DelegatingPasswordEncoder(current, Map.of(current,
				Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), "bcrypt", new BCryptPasswordEncoder()));
		return new ConcurrencyLimitedPasswordEncoder(encoder, properties.maxConcurrentHashes(), Duration.ofSeconds(2));
	}

	@Bean
	LoginAttempts loginAttempts(UsersProperties properties, JdbcClient jdbc) {
		return new LoginAttempts(jdbc, properties.maxFailedLogins(), properties.failedLoginWindow());
	}

	@Bean
	SigningKeys signingKeys(UsersProperties properties, JdbcClient jdbc, TransactionTemplate transactions) {
		return SigningKeys.load(properties, jdbc, transactions);
	}

	@Bean
	JwtEncoder jwtEncoder(SigningKeys keys) {
		return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.current())));
	}

	@Bean
	JwtDecoder jwtDecoder(SigningKeys keys, UsersProperties properties) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(
				new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys.publicKeys())));
		// Claims are validated below, by Spring Security's validators.
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		decoder.setJwtValidator(
				new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(properties.issuer()),
						new JwtClaimValidator<List<String>>("aud",
								(audience) -> audience != null && audience.contains(properties.audience())),
						subjectIsAUserId()));
		return decoder;
	}

	/**
	 * A token must name a user: one whose subject is not a user id is refused with the
	 * other invalid tokens (401 with {@code WWW-Authenticate}, no reason given), before
	 * any endpoint runs, rather than reaching endpoints that do not look at the caller.
	 */
	private static OAuth2TokenValidator<Jwt> subjectIsAUserId() {
		OAuth2TokenValidatorResult invalid = OAuth2TokenValidatorResult
			.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token does not name a user", null));
		return (token) -> {
			String subject = token.getSubject();
			try {
				if (subject != null && subject.length() == 36 && UUID.fromString(subject) != null) {
					return OAuth2TokenValidatorResult.success();
				}
			}
			catch (IllegalArgumentException ex) {
				// falls through to the failure
			}
			return invalid;
		};
	}

}
