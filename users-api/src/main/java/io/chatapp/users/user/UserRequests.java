package io.chatapp.users.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the users endpoints, validated where they enter. */
final class UserRequests {

	/**
	 * No control characters (NUL, escapes, line breaks): PostgreSQL cannot store NUL, and
	 * none of them belongs in a name, address or status.
	 */
	static final String NO_CONTROL_CHARACTERS = "^[^\\p{Cc}]*$";

	static final String NO_CONTROL_CHARACTERS_MESSAGE = "must not contain control characters";

	/**
	 * No unpaired UTF-16 surrogate: it is not a character, UTF-8 cannot encode it (the
	 * database driver would store a '?', a password could not be hashed). Java's regular
	 * expressions see a valid pair as one code point, so only a lone half matches Cs.
	 */
	static final String NO_UNPAIRED_SURROGATES = "^[^\\p{Cs}]*$";

	static final String NO_UNPAIRED_SURROGATES_MESSAGE = "must be valid Unicode text (no unpaired surrogates)";

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
	 * @param password 8-128 characters (code points: an emoji is one)
	 */
	record Register(
			@NotBlank @Pattern(regexp = "^[A-Za-z0-9_.-]{3,32}$",
					message = "must be 3-32 characters of a-z, 0-9, '_', '.' and '-'") String username,
			@CodePointLength(max = 64) @Pattern(regexp = NO_CONTROL_CHARACTERS,
					message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(regexp = NO_UNPAIRED_SURROGATES,
							message = NO_UNPAIRED_SURROGATES_MESSAGE) @Pattern(regexp = NOT_BLANK,
									message = "must not be blank") String displayName,
			@NotBlank @Email(regexp = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$") @Size(max = 254) @Pattern(
					regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(
							regexp = NO_UNPAIRED_SURROGATES, message = NO_UNPAIRED_SURROGATES_MESSAGE) String email,
			@NotNull @CodePointLength(min = 8, max = 128) @Pattern(regexp = NO_UNPAIRED_SURROGATES,
					message = NO_UNPAIRED_SURROGATES_MESSAGE) String password) {
	}

	/**
	 * {@code PATCH /api/users/me}: an absent or null field is left as it is; an empty
	 * {@code avatarUrl} or {@code statusMessage} clears it.
	 *
	 * @param displayName new display name, 1-64 characters
	 * @param avatarUrl new picture URL (http or https)
	 * @param statusMessage new short status, at most 140 characters
	 */
	record UpdateProfile(
			@CodePointLength(min = 1, max = 64) @Pattern(regexp = NO_CONTROL_CHARACTERS,
					message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(regexp = NO_UNPAIRED_SURROGATES,
							message = NO_UNPAIRED_SURROGATES_MESSAGE) @Pattern(regexp = NOT_BLANK,
									message = "must not be blank") String displayName,
			@Size(max = 2048) @Pattern(regexp = "^$|^https?://\\S+$", message = "must be an http(s) URL") @Pattern(
					regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(
							regexp = NO_UNPAIRED_SURROGATES, message = NO_UNPAIRED_SURROGATES_MESSAGE) String avatarUrl,
			@CodePointLength(max = 140) @Pattern(regexp = NO_CONTROL_CHARACTERS,
					message = NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(regexp = NO_UNPAIRED_SURROGATES,
							message = NO_UNPAIRED_SURROGATES_MESSAGE) String statusMessage) {
	}

	/**
	 * {@code PUT /api/users/me/presence}.
	 *
	 * @param status online, away, busy or offline
	 */
	record SetPresence(@NotNull PresenceStatus status) {
	}

}
