package io.chatapp.users.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the users endpoints, validated where they enter. */
final class UserRequests {

	private UserRequests() {
	}

	/**
	 * {@code POST /api/users}.
	 *
	 * @param username 3-32 of a-z, 0-9, '_', '.', '-'; case-insensitive, stored in lower
	 * case
	 * @param displayName optional name shown to others (defaults to the username)
	 * @param email unique, case-insensitively
	 * @param password at least 8 characters
	 */
	record Register(
			@NotBlank @Pattern(regexp = "^[A-Za-z0-9_.-]{3,32}$",
					message = "must be 3-32 characters of a-z, 0-9, '_', '.' and '-'") String username,
			@Size(max = 64) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String displayName,
			@NotBlank @Email(regexp = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$") @Size(max = 254) String email,
			@NotNull @Size(min = 8, max = 128) String password) {
	}

	/**
	 * {@code PATCH /api/users/me}: an absent or null field is left as it is; an empty
	 * {@code avatarUrl} or {@code statusMessage} clears it.
	 *
	 * @param displayName new display name
	 * @param avatarUrl new picture URL (http or https)
	 * @param statusMessage new short status
	 */
	record UpdateProfile(
			@Size(min = 1, max = 64) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String displayName,
			@Size(max = 2048) @Pattern(regexp = "^$|^https?://\\S+$",
					message = "must be an http(s) URL") String avatarUrl,
			@Size(max = 140) String statusMessage) {
	}

	/**
	 * {@code PUT /api/users/me/presence}.
	 *
	 * @param status online, away, busy or offline
	 */
	record SetPresence(@NotNull PresenceStatus status) {
	}

}
