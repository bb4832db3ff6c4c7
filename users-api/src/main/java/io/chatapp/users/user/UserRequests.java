package io.chatapp.users.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the users endpoints, validated where they enter. */
final class UserRequests {

	/**
	 * No control characters (NUL, escapes, line breaks): PostgreSQL cannot store NUL, and
	 * none of them belongs in a name, address or status.
	 */
	static final String NO_CONTROL_CHARACTERS = "^[^\\p{Cc}]*$";

	static final String NO_CONTROL_CHARACTERS_MESSAGE = "must not contain control characters";

	/**
	 * At least one character that is not Unicode white space, so the value is not empty
	 * once stripped.
	 */
	static final String NOT_BLANK = "(?U)(?s).*\\S.*";

	private UserRequests() {
	}

	/**
	 * {@code POST /api/users}.
	 *
	 * @param username 3-32 of a-z, 0-9, '_', '.', '-'; case-insensitive, stored in lower
	 * case
	 * @param displayName optional name shown to others (defaults to the username),
	 * stripped of surrounding white space
	 * @param email unique, case-insensitively
	 * @param password at least 8 characters
	 */
	record Register(
			@NotBlank @Pattern(regexp = "^[A-Za-z0-9_.-]{3,32}$",
					message = "must be 3-32 characters of a-z, 0-9, '_', '.' and '-'") String username,
			@Size(max = 64) @Pattern(regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(
					regexp = NOT_BLANK, message = "must not be blank") String displayName,
			@NotBlank @Email(regexp = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$") @Size(max = 254) @Pattern(
					regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE) String email,
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
			@Size(min = 1, max = 64) @Pattern(regexp = NO_CONTROL_CHARACTERS,
					message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(regexp = NOT_BLANK,
							message = "must not be blank") String displayName,
			@Size(max = 2048) @Pattern(regexp = "^$|^https?://\\S+$", message = "must be an http(s) URL") @Pattern(
					regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE) String avatarUrl,
			@Size(max = 140) @Pattern(regexp = NO_CONTROL_CHARACTERS,
					message = NO_CONTROL_CHARACTERS_MESSAGE) String statusMessage) {
	}

	/**
	 * {@code PUT /api/users/me/presence}.
	 *
	 * @param status online, away, busy or offline
	 */
	record SetPresence(@NotNull PresenceStatus status) {
	}

}
