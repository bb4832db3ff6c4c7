package io.chatapp.chats.chat;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the chat endpoints. */
final class ChatRequests {

	private ChatRequests() {
	}

	/**
	 * {@code POST /api/chats}.
	 *
	 * @param type direct or group
	 * @param title optional group title, at most 200 characters
	 * @param memberIds the other members (exactly one for a direct chat)
	 */
	record Create(@NotNull @Pattern(regexp = "direct|group", message = "must be direct or group") String type,
			@CodePointLength(max = 200) @Pattern(regexp = "^[^\\p{Cc}]*$",
					message = "must not contain control characters") String title,
			@NotNull @Size(max = 1000) List<@NotNull UUID> memberIds) {
	}

	/**
	 * {@code POST /api/chats/{chatId}/members}.
	 *
	 * @param userIds users to add
	 */
	record AddMembers(@NotEmpty @Size(max = 1000) List<@NotNull UUID> userIds) {
	}

	/**
	 * {@code POST /api/chats/{chatId}/read}.
	 *
	 * @param seq the seq read up to
	 */
	record Read(@NotNull @PositiveOrZero Long seq) {
	}

	/**
	 * The caller's read state after {@code POST /api/chats/{chatId}/read}.
	 *
	 * @param chatId the chat
	 * @param readSeq the read marker now
	 * @param unreadCount messages from others after it
	 */
	record ReadState(UUID chatId, long readSeq, long unreadCount) {
	}

}
