package io.chatapp.chats;

import java.time.Clock;
import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

@Configuration(proxyBeanMethods = false)
class ChatsConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * A token must name a user: one whose subject is not a user id is refused with the
	 * other invalid tokens (401 with {@code WWW-Authenticate}), before any endpoint runs.
	 */
	@Bean
	OAuth2TokenValidator<Jwt> subjectIsAUserId() {
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
