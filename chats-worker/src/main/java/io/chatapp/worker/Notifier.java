package io.chatapp.worker;

import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns new messages into notifications for members who are not online: in a direct chat
 * the other member gets a {@code direct_message}; in a group, each member mentioned as
 * {@code @username} gets a {@code mention}. A mention in a direct chat adds nothing to
 * the direct message notification, so it makes none of its own.
 */
@Service
class Notifier {

	static final int PREVIEW_LENGTH = 140;

	/**
	 * {@code @username} not inside a word or an e-mail address; usernames are 3 to 32 of
	 * {@code [a-z0-9_.-]}, matched case-insensitively.
	 */
	private static final Pattern MENTION = Pattern.compile("(?<![\\w@.-])@([A-Za-z0-9_.-]{3,32})");

	private final JdbcClient jdbc;

	private final JsonMapper jsonMapper;

	private final ProcessedEvents processedEvents;

	Notifier(JdbcClient jdbc, JsonMapper jsonMapper, ProcessedEvents processedEvents) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
		this.processedEvents = processedEvents;
	}

	@Transactional
	void messageCreated(Event event) {
		Message message = event.data(this.jsonMapper, Message.class);
		if (!this.processedEvents.firstDelivery(NotificationsListener.GROUP, event.id())) {
			return;
		}
		String chatType = this.jdbc.sql("SELECT type FROM chats WHERE id = :chatId")
			.param("chatId", message.chatId())
			.query(String.class)
			.optional()
			.orElse(null);
		if (chatType == null) {
			// Deleted since: nobody left to notify.
			return;
		}
		boolean direct = chatType.equals("direct");
		List<UUID> recipients = direct ? otherMembers(message) : mentionedMembers(message);
		String kind = direct ? "direct_message" : "mention";
		String preview = preview(message.content());
		for (UUID recipient : recipients) {
			notifyUnlessOnline(recipient, kind, message, preview, event);
		}
	}

	private List<UUID> otherMembers(Message message) {
		return this.jdbc.sql("SELECT user_id FROM chat_members WHERE chat_id = :chatId AND user_id <> :senderId")
			.param("chatId", message.chatId())
			.param("senderId", message.senderId())
			.query(UUID.class)
			.list();
	}

	private List<UUID> mentionedMembers(Message message) {
		Set<String> usernames = mentionedUsernames(message.content());
		if (usernames.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("""
				SELECT DISTINCT p.user_id
				FROM user_profiles p
				JOIN chat_members m ON m.user_id = p.user_id AND m.chat_id = :chatId
				WHERE lower(p.username) IN (:usernames) AND p.user_id <> :senderId
				""")
			.param("chatId", message.chatId())
			.param("usernames", usernames)
			.param("senderId", message.senderId())
			.query(UUID.class)
			.list();
	}

	private void notifyUnlessOnline(UUID recipient, String kind, Message message, String preview, Event event) {
		// The unique key (user, chat, seq, kind) makes a second notification for the same
		// message impossible, whatever path the event took.
		this.jdbc.sql("""
				INSERT INTO notifications (id, user_id, kind, chat_id, seq, from_user_id, preview, created_at)
				SELECT :id, :userId, :kind, :chatId, :seq, :fromUserId, :preview, :createdAt
				WHERE NOT EXISTS (SELECT 1 FROM user_profiles WHERE user_id = :userId AND presence = 'online')
				ON CONFLICT (user_id, chat_id, seq, kind) DO NOTHING
				""")
			.param("id", UUID.randomUUID())
			.param("userId", recipient)
			.param("kind", kind)
			.param("chatId", message.chatId())
			.param("seq", message.seq())
			.param("fromUserId", message.senderId())
			.param("preview", preview)
			.param("createdAt", event.occurredAt().atOffset(ZoneOffset.UTC))
			.update();
	}

	/**
	 * Lower-cased usernames mentioned in the text. A mention at the end of a sentence
	 * ({@code @bob.}) is also looked up without its trailing punctuation.
	 */
	static Set<String> mentionedUsernames(String content) {
		Set<String> usernames = new LinkedHashSet<>();
		Matcher matcher = MENTION.matcher(content);
		while (matcher.find()) {
			String username = matcher.group(1).toLowerCase(Locale.ROOT);
			usernames.add(username);
			String trimmed = username.replaceAll("[.-]+$", "");
			if (trimmed.length() >= 3) {
				usernames.add(trimmed);
			}
		}
		return usernames;
	}

	/**
	 * The message on one line, cut to {@value #PREVIEW_LENGTH} characters (an ellipsis
	 * marks the cut).
	 */
	static String preview(String content) {
		String line = content.strip().replaceAll("\\s+", " ");
		if (line.codePointCount(0, line.length()) <= PREVIEW_LENGTH) {
			return line;
		}
		return line.substring(0, line.offsetByCodePoints(0, PREVIEW_LENGTH - 1)) + "…";
	}

	/**
	 * What notifications need of a {@code message.created} event's data.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Message(UUID chatId, Long seq, UUID senderId, String content) {

		Message {
			Objects.requireNonNull(chatId, "chatId");
			Objects.requireNonNull(seq, "seq");
			Objects.requireNonNull(senderId, "senderId");
			Objects.requireNonNull(content, "content");
		}

	}

}
