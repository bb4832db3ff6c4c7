package io.chatapp.chats;

import java.util.UUID;

import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.security.oauth2.jwt.Jwt;

/** The caller's user id, from the verified token's subject. */
public final class CurrentUser {

	private CurrentUser() {
	}

	/**
	 * The user id of a verified token.
	 * @param token the caller's token
	 * @return the subject as a user id
	 * @throws ProblemException 401 for a token whose subject is not a user id
	 */
	public static UUID id(Jwt token) {
		try {
			return UUID.fromString(token.getSubject());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw ProblemException.unauthorized("The access token does not name a user");
		}
	}

}
