package io.chatapp.servicedefaults.web;

import java.util.UUID;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A token must name a user: one whose subject is not a user id (a UUID) is refused with
 * the other invalid tokens (401 with {@code WWW-Authenticate}, no reason given), before
 * any endpoint runs, rather than reaching endpoints that do not look at the caller.
 * {@link ApiSecurityAutoConfiguration} adds it to the token checks Spring Boot builds; a
 * service that builds its own decoder adds it there.
 */
public final class UserIdSubject implements OAuth2TokenValidator<Jwt> {

	private static final OAuth2TokenValidatorResult INVALID = OAuth2TokenValidatorResult
		.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token does not name a user", null));

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		String subject = token.getSubject();
		try {
			if (subject != null && subject.length() == 36 && UUID.fromString(subject) != null) {
				return OAuth2TokenValidatorResult.success();
			}
		}
		catch (IllegalArgumentException ex) {
			// falls through to the failure
		}
		return INVALID;
	}

}
