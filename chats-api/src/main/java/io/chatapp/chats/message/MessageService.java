package io.chatapp.chats.message;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.chats.RateLimits;
import io.chatapp.chats.chat.ChatRepository;
import io.chatapp.chats.chat.ChatRepository.Chat;
import io.chatapp.chats.sync.ChatEvent;
import io.chatapp.chats.sync.EventLog;
import io.chatapp.servicedefaults.web.FieldProblem;
import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sending, editing, deleting and reacting to messages. Every change takes the chat's row
 * lock first, so one chat's changes (and their seqs and events) are ordered, while
 * different chats proceed in parallel; each change records its event in the same
 * transaction.
 */
@Service
public class MessageService {

	private final ChatRepository chats;

	private final MessageRepository messages;

	private final EventLog events;

	private final RateLimits rateLimits;

	private final TransactionTemplate transactions;

	private final Clock clock;

	MessageService(ChatRepository chats, MessageRepository messages, EventLog events, RateLimits rateLimits,
			TransactionTemplate transactions, Clock clock) {
		this.chats = chats;
		this.messages = messages;
		this.events = events;
		this.rateLimits = rateLimits;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * Sends a message, or returns the original when the sender already sent one with this
	 * {@code clientMessageId} (to any chat, on any instance, at any time).
	 * @param chatId the chat
	 * @param senderId the sender
	 * @param request the message
	 * @return the message, and whether it was created now
	 */
	public Sent send(UUID chatId, UUID senderId, MessageRequests.Send request) {
		String clientMessageId = request.clientMessageId();
		if (clientMessageId != null) {
			var existing = this.messages.findByClientMessageId(senderId, clientMessageId);
			if (existing.isPresent()) {
				// A retry after leaving the chat shows nothing of it.
				requireMember(chatId, senderId);
				return original(existing.get(), chatId, senderId);
			}
		}
		this.rateLimits.send(senderId);
		try {
			return this.transactions.execute((status) -> sendInTransaction(chatId, senderId, request));
		}
		catch (DuplicateKeyException ex) {
			// A concurrent retry of the same send (another request or instance) committed
			// first.
			return original(this.messages.findByClientMessageId(senderId, clientMessageId).orElseThrow(() -> ex),
					chatId, senderId);
		}
	}

	private Sent sendInTransaction(UUID chatId, UUID senderId, MessageRequests.Send request) {
		Chat chat = lockAsMember(chatId, senderId);
		if (request.replyToSeq() != null && request.replyToSeq() > chat.lastSeq()) {
			throw ProblemException.invalid("replyToSeq", "no message with this seq in the chat");
		}
		// The chat's lock is held, so its next seq is this one. A retry of the same send
		// queued on the lock meets the idempotency key's unique index: this transaction
		// rolls back (seq and all) and the caller returns the first one's message.
		Instant now = now();
		long seq = chat.lastSeq() + 1;
		MessageResponse message = new MessageResponse(UUID.randomUUID(), chatId, seq, senderId, request.content(),
				request.clientMessageId(), request.replyToSeq(), now, null, false, Map.of());
		this.messages.insertNext(message);
		this.events.record(ChatEvent.of("message.created", chatId, senderId, seq, now, messageData(message)));
		return new Sent(message, true);
	}

	private Sent original(MessageResponse existing, UUID chatId, UUID senderId) {
		if (!existing.chatId().equals(chatId)) {
			throw ProblemException.conflict("clientMessageId was already used for a message in another chat",
					List.of(new FieldProblem("clientMessageId", "already used")));
		}
		return new Sent(existing, false);
	}

	@Transactional
	public MessageResponse edit(UUID chatId, long seq, UUID userId, String content) {
		lockAsMember(chatId, userId);
		MessageResponse message = findMessage(chatId, seq);
		if (!message.senderId().equals(userId)) {
			throw ProblemException.forbidden("Only the sender can edit a message");
		}
		if (message.deleted()) {
			throw ProblemException.conflict("The message was deleted", List.of());
		}
		Instant now = now();
		this.messages.updateContent(chatId, seq, content, now);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("content", content);
		data.put("editedAt", now);
		this.events.record(ChatEvent.of("message.edited", chatId, userId, seq, now, data));
		return findMessage(chatId, seq);
	}

	@Transactional
	public void delete(UUID chatId, long seq, UUID userId) {
		lockAsMember(chatId, userId);
		MessageResponse message = findMessage(chatId, seq);
		String role = this.chats.role(chatId, userId).orElseThrow();
		boolean admin = "owner".equals(role) || "admin".equals(role);
		if (!message.senderId().equals(userId) && !admin) {
			throw ProblemException.forbidden("Only the sender or a group admin can delete a message");
		}
		if (this.messages.markDeleted(chatId, seq) == 1) {
			this.events
				.record(ChatEvent.of("message.deleted", chatId, userId, seq, now(), Map.of("deletedBy", userId)));
		}
	}

	@Transactional
	public void react(UUID chatId, long seq, UUID userId, String emoji, boolean add) {
		lockAsMember(chatId, userId);
		MessageResponse message = findMessage(chatId, seq);
		if (message.deleted()) {
			throw ProblemException.conflict("The message was deleted", List.of());
		}
		Instant now = now();
		boolean changed = add ? this.messages.addReaction(chatId, seq, emoji, userId, now)
				: this.messages.removeReaction(chatId, seq, emoji, userId);
		if (changed) {
			this.events.record(ChatEvent.of(add ? "reaction.added" : "reaction.removed", chatId, userId, seq, now,
					Map.of("emoji", emoji)));
		}
	}

	@Transactional(readOnly = true)
	public MessageRepository.MessagePage history(UUID chatId, UUID userId, Long before, Long after, int limit) {
		requireMember(chatId, userId);
		return this.messages.page(chatId, before, after, limit);
	}

	@Transactional(readOnly = true)
	public List<MessageResponse> search(UUID userId, String query, UUID chatId, int limit) {
		if (chatId != null) {
			requireMember(chatId, userId);
		}
		return this.messages.search(userId, query, chatId, limit);
	}

	private Chat lockAsMember(UUID chatId, UUID userId) {
		Chat chat = this.chats.lock(chatId).orElseThrow(() -> notFound(chatId));
		requireMember(chatId, userId);
		return chat;
	}

	private void requireMember(UUID chatId, UUID userId) {
		if (this.chats.role(chatId, userId).isEmpty()) {
			throw notFound(chatId);
		}
	}

	private MessageResponse findMessage(UUID chatId, long seq) {
		return this.messages.find(chatId, seq)
			.orElseThrow(() -> ProblemException.notFound("No message " + seq + " in chat " + chatId));
	}

	private static ProblemException notFound(UUID chatId) {
		return ProblemException.notFound("No chat " + chatId);
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	static Map<String, Object> messageData(MessageResponse message) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", message.id());
		data.put("chatId", message.chatId());
		data.put("seq", message.seq());
		data.put("senderId", message.senderId());
		data.put("content", message.content());
		data.put("clientMessageId", message.clientMessageId());
		data.put("replyToSeq", message.replyToSeq());
		data.put("sentAt", message.sentAt());
		data.put("editedAt", message.editedAt());
		data.put("deleted", message.deleted());
		data.put("reactions", message.reactions());
		return data;
	}

	/**
	 * The outcome of a send.
	 *
	 * @param message the message
	 * @param created true when sent now, false when an earlier send with the same
	 * clientMessageId is returned
	 */
	public record Sent(MessageResponse message, boolean created) {
	}

}
