package io.chatapp.chats.message;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the message endpoints. */
public final class MessageRequests {

	/**
	 * PostgreSQL text cannot hold NUL; refusing it here gives the same validation problem
	 * as every other bad field instead of the database's refusal.
	 */
	static final String NO_NUL = "^[^\\x00]*$";

	private MessageRequests() {
	}

	/**
	 * {@code POST /api/chats/{chatId}/messages}.
	 *
	 * @param content 1-4000 characters (code points, as the database counts them), not
	 * blank
	 * @param clientMessageId optional idempotency key chosen by the sender (at most 100
	 * characters)
	 * @param replyToSeq optional seq of the message this replies to
	 */
	public record Send(
			@NotBlank @CodePointLength(max = 4000) @Pattern(regexp = NO_NUL,
					message = "must not contain NUL characters") String content,
			@CodePointLength(min = 1, max = 100) @Pattern(regexp = NO_NUL,
					message = "must not contain NUL characters") String clientMessageId,
			@Positive Long replyToSeq) {
	}

	/**
	 * {@code PATCH /api/chats/{chatId}/messages/{seq}}.
	 *
	 * @param content the new text, 1-4000 characters, not blank
	 */
	record Edit(@NotBlank @CodePointLength(max = 4000) @Pattern(regexp = NO_NUL,
			message = "must not contain NUL characters") String content) {
	}

}
