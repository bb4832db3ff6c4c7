package io.chatapp.users.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A user as the API shows it; {@code email} only to the user themself.
 *
 * @param id user id
 * @param username unique name
 * @param displayName name shown to others
 * @param email the user's email, present only in their own view
 * @param avatarUrl picture URL or null
 * @param statusMessage short status or null
 * @param presence presence status and when it was last set
 * @param createdAt registration time
 */
record UserResponse(UUID id, String username, String displayName,
		@JsonInclude(JsonInclude.Include.NON_NULL) String email, String avatarUrl, String statusMessage,
		Presence presence, Instant createdAt) {

	static UserResponse self(User user) {
		return of(user, user.email());
	}

	static UserResponse publicView(User user) {
		return of(user, null);
	}

	private static UserResponse of(User user, String email) {
		return new UserResponse(user.id(), user.username(), user.displayName(), email, user.avatarUrl(),
				user.statusMessage(), new Presence(user.presence(), user.lastSeenAt()), user.createdAt());
	}

	record Presence(PresenceStatus status, Instant lastSeenAt) {
	}

	record Page(List<UserResponse> items) {
	}

}
