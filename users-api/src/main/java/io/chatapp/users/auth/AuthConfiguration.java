package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.chatapp.servicedefaults.web.UserIdSubject;
import io.chatapp.users.UsersProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
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
						new UserIdSubject()));
		return decoder;
	}

}
