package io.chatapp.chats.message;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Request bodies of the message endpoints. */
public final class MessageRequests {

	private MessageRequests() {
	}

	/**
	 * {@code POST /api/chats/{chatId}/messages}.
	 *
	 * @param content 1-4000 characters, not blank
	 * @param clientMessageId optional idempotency key chosen by the sender (at most 100
	 * characters)
	 * @param replyToSeq optional seq of the message this replies to
	 */
	public record Send(@NotBlank @Size(max = 4000) String content, @Size(min = 1, max = 100) String clientMessageId,
			@Positive Long replyToSeq) {
	}

	/**
	 * {@code PATCH /api/chats/{chatId}/messages/{seq}}.
	 *
	 * @param content the new text, 1-4000 characters, not blank
	 */
	record Edit(@NotBlank @Size(max = 4000) String content) {
	}

}
