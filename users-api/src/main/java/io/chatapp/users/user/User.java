package io.chatapp.users.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A registered user as stored.
 *
 * @param id user id
 * @param username normalised (lower-case) unique name
 * @param displayName name shown to others
 * @param email normalised (lower-case) unique email
 * @param passwordHash adaptive hash of the password, with its algorithm prefix
 * @param avatarUrl optional picture URL
 * @param statusMessage optional short status
 * @param presence presence status
 * @param lastSeenAt when the presence was last set
 * @param createdAt registration time
 */
public record User(UUID id, String username, String displayName, String email, String passwordHash, String avatarUrl,
		String statusMessage, PresenceStatus presence, Instant lastSeenAt, Instant createdAt) {
}
