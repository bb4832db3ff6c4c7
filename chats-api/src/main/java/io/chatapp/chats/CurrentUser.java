package io.chatapp.chats;

import java.util.UUID;

import org.springframework.security.oauth2.jwt.Jwt;

/** The caller's user id, from the verified token's subject. */
public final class CurrentUser {

	private CurrentUser() {
	}

	public static UUID id(Jwt token) {
		return UUID.fromString(token.getSubject());
	}

}
