package io.chatapp.chats.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Message JSON as the contract shows it.
 *
 * @param id message id
 * @param chatId its chat
 * @param seq position in the chat: gapless, strictly increasing, assigned in commit order
 * @param senderId the sender
 * @param content text; empty once deleted
 * @param clientMessageId the sender's idempotency key, if any
 * @param replyToSeq seq of the message replied to, if any
 * @param sentAt when it was sent
 * @param editedAt last edit, if any
 * @param deleted whether it was deleted
 * @param reactions emoji to the users who reacted with it
 */
public record MessageResponse(UUID id, UUID chatId, long seq, UUID senderId, String content, String clientMessageId,
		Long replyToSeq, Instant sentAt, Instant editedAt, boolean deleted, Map<String, List<UUID>> reactions) {

	MessageResponse withReactions(Map<String, List<UUID>> reactions) {
		return new MessageResponse(this.id, this.chatId, this.seq, this.senderId, this.content, this.clientMessageId,
				this.replyToSeq, this.sentAt, this.editedAt, this.deleted, reactions);
	}

}
