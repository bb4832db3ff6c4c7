package io.chatapp.chats.chat;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.chats.RateLimits;
import io.chatapp.chats.chat.ChatRepository.Chat;
import io.chatapp.chats.message.MessageRepository;
import io.chatapp.chats.message.MessageResponse;
import io.chatapp.chats.sync.ChatEvent;
import io.chatapp.chats.sync.EventLog;
import io.chatapp.chats.users.UserDirectory;
import io.chatapp.servicedefaults.web.FieldProblem;
import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chats and membership. A chat is invisible (404) to non-members. Member ids are checked
 * with users-api before any transaction starts, so a slow users-api never holds a lock.
 */
@Service
class ChatService {

	private final ChatRepository chats;

	private final MessageRepository messages;

	private final EventLog events;

	private final UserDirectory users;

	private final RateLimits rateLimits;

	private final ChatsProperties properties;

	private final TransactionTemplate transactions;

	private final Clock clock;

	ChatService(ChatRepository chats, MessageRepository messages, EventLog events, UserDirectory users,
			RateLimits rateLimits, ChatsProperties properties, TransactionTemplate transactions, Clock clock) {
		this.chats = chats;
		this.messages = messages;
		this.events = events;
		this.users = users;
		this.rateLimits = rateLimits;
		this.properties = properties;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * Creates a chat, or for a direct chat that exists already, returns it.
	 * @param creator the caller
	 * @param request the chat
	 * @return the chat, and whether it was created now
	 */
	Created create(UUID creator, ChatRequests.Create request) {
		Set<UUID> others = new LinkedHashSet<>(request.memberIds());
		boolean direct = "direct".equals(request.type());
		if (direct) {
			if (others.contains(creator)) {
				throw ProblemException.invalid("memberIds", "a direct chat is with someone else, not yourself");
			}
			if (others.size() != 1) {
				throw ProblemException.invalid("memberIds", "a direct chat has exactly one other member");
			}
			if (request.title() != null) {
				throw ProblemException.invalid("title", "a direct chat has no title");
			}
			String key = directKey(creator, others.iterator().next());
			// Members of a direct chat never change, so an existing one includes the
			// caller.
			var existing = this.chats.findDirect(key);
			if (existing.isPresent()) {
				return new Created(view(existing.get(), creator), false);
			}
		}
		else {
			others.remove(creator);
			if (others.size() + 1 > this.properties.maxGroupMembers()) {
				throw ProblemException.invalid("memberIds",
						"a group has at most " + this.properties.maxGroupMembers() + " members");
			}
		}
		requireKnown(others, "memberIds");
		this.rateLimits.createChat(creator);
		try {
			UUID id = this.transactions.execute((status) -> insert(creator, request, others, direct));
			return new Created(view(id, creator), true);
		}
		catch (DuplicateKeyException ex) {
			// The same direct chat was created concurrently: return that one.
			UUID id = this.chats.findDirect(directKey(creator, others.iterator().next())).orElseThrow(() -> ex);
			return new Created(view(id, creator), false);
		}
	}

	private UUID insert(UUID creator, ChatRequests.Create request, Set<UUID> others, boolean direct) {
		Instant now = now();
		Chat chat = new Chat(UUID.randomUUID(), request.type(), direct ? null : blankToNull(request.title()), now,
				creator, 0, now);
		this.chats.insertChat(chat, direct ? directKey(creator, others.iterator().next()) : null);
		this.chats.insertMember(chat.id(), creator, direct ? "member" : "owner", now);
		others.forEach((member) -> this.chats.insertMember(chat.id(), member, "member", now));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", chat.id());
		data.put("type", chat.type());
		data.put("title", chat.title());
		data.put("createdAt", chat.createdAt());
		data.put("createdBy", creator);
		data.put("members", this.chats.members(List.of(chat.id())).get(chat.id()));
		List<UUID> members = new ArrayList<>();
		members.add(creator);
		members.addAll(others);
		this.events.recordJoin(ChatEvent.of("chat.created", chat.id(), creator, null, now, data), members);
		return chat.id();
	}

	@Transactional(readOnly = true)
	ChatResponses.ChatResponse get(UUID chatId, UUID userId) {
		requireMember(chatId, userId);
		return view(chatId, userId);
	}

	@Transactional(readOnly = true)
	ChatResponses.Page list(UUID userId, String cursor, int limit) {
		ChatCursor after = null;
		if (cursor != null) {
			try {
				after = ChatCursor.decode(cursor);
			}
			catch (IllegalArgumentException ex) {
				throw ProblemException.invalid("cursor", "is not a cursor from this API");
			}
		}
		List<ChatRepository.MemberChat> page = this.chats.pageFor(userId, after, limit + 1);
		boolean hasMore = page.size() > limit;
		List<ChatRepository.MemberChat> items = hasMore ? page.subList(0, limit) : page;
		List<ChatResponses.ChatResponse> views = views(items, userId);
		String next = null;
		if (hasMore) {
			Chat last = items.get(items.size() - 1).chat();
			next = new ChatCursor(last.lastActivityAt(), last.id()).encode();
		}
		return new ChatResponses.Page(views, next);
	}

	ChatResponses.ChatResponse addMembers(UUID chatId, UUID userId, List<UUID> userIds) {
		Set<UUID> requested = new LinkedHashSet<>(userIds);
		// Visibility and permission first: a non-member learns nothing, not even which
		// ids exist.
		this.transactions.executeWithoutResult((status) -> requireAdmin(requireGroup(chatId, userId), chatId, userId));
		requireKnown(requested, "userIds");
		this.transactions.executeWithoutResult((status) -> {
			Chat chat = this.chats.lock(chatId).orElseThrow(() -> notFound(chatId));
			requireAdmin(chat, chatId, userId);
			int max = this.properties.maxGroupMembers();
			if (this.chats.memberCount(chatId) + requested.size() > max) {
				throw ProblemException.invalid("userIds", "a group has at most " + max + " members");
			}
			Instant now = now();
			for (UUID member : requested) {
				if (this.chats.insertMember(chatId, member, "member", now)) {
					Map<String, Object> data = new LinkedHashMap<>();
					data.put("userId", member);
					data.put("role", "member");
					data.put("addedBy", userId);
					this.events.recordJoin(ChatEvent.of("chat.member_added", chatId, member, null, now, data),
							List.of(member));
				}
			}
		});
		return view(chatId, userId);
	}

	@Transactional
	public void removeMember(UUID chatId, UUID userId, UUID memberId) {
		Chat chat = this.chats.lock(chatId).orElseThrow(() -> notFound(chatId));
		String callerRole = this.chats.role(chatId, userId).orElseThrow(() -> notFound(chatId));
		if (chat.isDirect()) {
			throw ProblemException.invalid("userId", "members of a direct chat cannot change");
		}
		String memberRole = this.chats.role(chatId, memberId)
			.orElseThrow(() -> ProblemException.notFound("User " + memberId + " is not a member of chat " + chatId));
		if (!memberId.equals(userId)) {
			if ("member".equals(callerRole)) {
				throw ProblemException.forbidden("Only a group admin can remove other members");
			}
			if ("owner".equals(memberRole)) {
				throw ProblemException.forbidden("The owner cannot be removed");
			}
		}
		this.chats.removeMember(chatId, memberId);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("userId", memberId);
		data.put("removedBy", userId);
		if ("owner".equals(memberRole)) {
			// A group always has an owner while it has members, or nobody could add
			// anyone again: the longest-standing admin, else member, takes over.
			this.chats.promoteSuccessor(chatId).ifPresent((owner) -> data.put("newOwnerId", owner));
		}
		this.events.recordLeave(ChatEvent.of("chat.member_removed", chatId, memberId, null, now(), data), memberId);
	}

	@Transactional
	ChatRequests.ReadState markRead(UUID chatId, UUID userId, long seq) {
		Chat chat = this.chats.lock(chatId).orElseThrow(() -> notFound(chatId));
		requireMember(chatId, userId);
		if (seq > chat.lastSeq()) {
			throw ProblemException.invalid("seq", "is after the chat's last message (" + chat.lastSeq() + ")");
		}
		if (this.chats.advanceReadSeq(chatId, userId, seq)) {
			this.events.record(ChatEvent.of("read.updated", chatId, userId, seq, now(), Map.of("seq", seq)));
		}
		long readSeq = this.chats.readSeq(chatId, userId);
		long unread = this.chats.unreadCounts(userId, List.of(chatId)).getOrDefault(chatId, 0L);
		return new ChatRequests.ReadState(chatId, readSeq, unread);
	}

	private Chat requireGroup(UUID chatId, UUID userId) {
		Chat chat = this.chats.find(chatId).orElseThrow(() -> notFound(chatId));
		requireMember(chatId, userId);
		if (chat.isDirect()) {
			throw ProblemException.invalid("userIds", "members cannot be added to a direct chat");
		}
		return chat;
	}

	private void requireAdmin(Chat chat, UUID chatId, UUID userId) {
		String role = this.chats.role(chatId, userId).orElseThrow(() -> notFound(chatId));
		if ("member".equals(role)) {
			throw ProblemException.forbidden("Only a group admin can add members");
		}
	}

	private void requireMember(UUID chatId, UUID userId) {
		if (this.chats.role(chatId, userId).isEmpty()) {
			throw notFound(chatId);
		}
	}

	private void requireKnown(Set<UUID> ids, String field) {
		if (ids.isEmpty()) {
			return;
		}
		Set<UUID> unknown = this.users.unknown(ids);
		if (!unknown.isEmpty()) {
			throw ProblemException.invalid("Unknown users: " + unknown,
					List.of(new FieldProblem(field, "unknown user ids: " + unknown)));
		}
	}

	private ChatResponses.ChatResponse view(UUID chatId, UUID userId) {
		Chat chat = this.chats.find(chatId).orElseThrow(() -> notFound(chatId));
		return views(List.of(new ChatRepository.MemberChat(chat, this.chats.readSeq(chatId, userId))), userId).get(0);
	}

	private List<ChatResponses.ChatResponse> views(List<ChatRepository.MemberChat> items, UUID userId) {
		List<UUID> ids = items.stream().map((item) -> item.chat().id()).toList();
		Map<UUID, List<ChatResponses.Member>> members = this.chats.members(ids);
		Map<UUID, Long> unread = this.chats.unreadCounts(userId, ids);
		Map<UUID, Long> lastSeqs = new LinkedHashMap<>();
		items.forEach((item) -> lastSeqs.put(item.chat().id(), item.chat().lastSeq()));
		Map<UUID, MessageResponse> last = this.messages.lastMessages(lastSeqs);
		List<ChatResponses.ChatResponse> views = new ArrayList<>(items.size());
		for (ChatRepository.MemberChat item : items) {
			Chat chat = item.chat();
			views.add(new ChatResponses.ChatResponse(chat.id(), chat.type(), chat.title(), chat.createdAt(),
					chat.createdBy(), members.get(chat.id()), chat.lastSeq(), last.get(chat.id()),
					unread.getOrDefault(chat.id(), 0L), item.readSeq()));
		}
		return views;
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	private static String directKey(UUID a, UUID b) {
		return (a.compareTo(b) < 0) ? a + ":" + b : b + ":" + a;
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	private static ProblemException notFound(UUID chatId) {
		return ProblemException.notFound("No chat " + chatId);
	}

	/**
	 * The outcome of a create.
	 *
	 * @param chat the chat
	 * @param created true when created now, false for an existing direct chat
	 */
	record Created(ChatResponses.ChatResponse chat, boolean created) {
	}

}
