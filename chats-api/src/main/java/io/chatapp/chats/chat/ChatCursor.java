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

	String encode() {
		String raw = this.lastActivityAt.getEpochSecond() + ":" + this.lastActivityAt.getNano() + ":" + this.chatId;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
	}

	static ChatCursor decode(String cursor) {
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
			return new ChatCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
					UUID.fromString(parts[2]));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("not a cursor", ex);
		}
	}

}
