package io.chatapp.chats.chat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Keyset position in a user's chat list (last activity, then id), opaque to clients.
 *
 * @param lastActivityAt activity time of the last chat of the previous page
 * @param chatId id of that chat
 */
record ChatCursor(Instant lastActivityAt, UUID chatId) {

	private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	String encode() {
		String raw = this.lastActivityAt.getEpochSecond() + ":" + this.lastActivityAt.getNano() + ":" + this.chatId;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
	}

	static ChatCursor decode(String cursor) {
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
			Instant activity = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
			if (activity.isBefore(EARLIEST) || activity.isAfter(LATEST)) {
				// Never handed out, and beyond what the database can compare with.
				throw new IllegalArgumentException("not a cursor");
			}
			return new ChatCursor(activity, UUID.fromString(parts[2]));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("not a cursor", ex);
		}
	}

}
