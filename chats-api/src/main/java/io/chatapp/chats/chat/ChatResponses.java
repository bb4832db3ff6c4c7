package io.chatapp.chats.chat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.chatapp.chats.message.MessageResponse;

/** Chat JSON as the contract shows it. */
public final class ChatResponses {

	private ChatResponses() {
	}

	/**
	 * A chat as its member sees it.
	 *
	 * @param id chat id
	 * @param type direct or group
	 * @param title group title (null for direct chats)
	 * @param createdAt creation time
	 * @param createdBy creator
	 * @param members the members
	 * @param lastSeq seq of the newest message (0 when there is none)
	 * @param lastMessage the newest message, or null
	 * @param unreadCount messages from others after the caller's read marker
	 * @param readSeq the caller's read marker
	 */
	public record ChatResponse(UUID id, String type, String title, Instant createdAt, UUID createdBy,
			List<Member> members, long lastSeq, MessageResponse lastMessage, long unreadCount, long readSeq) {
	}

	/**
	 * A member of a chat.
	 *
	 * @param userId the user
	 * @param role owner, admin or member
	 * @param joinedAt when they joined
	 */
	public record Member(UUID userId, String role, Instant joinedAt) {
	}

	/**
	 * A page of chats, most recent activity first.
	 *
	 * @param items the chats
	 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
	 */
	public record Page(List<ChatResponse> items, String nextCursor) {
	}

}
