package io.chatapp.chats.sync;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A position in the event log (a log position, see {@link EventLog}), opaque to clients.
 *
 * @param position the log position of the last event seen; 0 is the start of the log
 */
public record SyncToken(long position) implements Comparable<SyncToken> {

	private static final String VERSION = "v2";

	public SyncToken {
		if (position < 0) {
			throw new IllegalArgumentException("negative position");
		}
	}

	SyncToken max(SyncToken other) {
		return (compareTo(other) >= 0) ? this : other;
	}

	public String encode() {
		String raw = VERSION + ":" + this.position;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Reads a token a client got from {@link #encode()}.
	 * @param token the encoded token
	 * @return the position
	 * @throws IllegalArgumentException if the token was not made by this service
	 */
	public static SyncToken decode(String token) {
		try {
			if (token.length() > 64) {
				throw new IllegalArgumentException("too long");
			}
			String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
			String[] parts = raw.split(":", -1);
			if (parts.length != 2 || !VERSION.equals(parts[0]) || !parts[1].matches("[0-9]{1,19}")) {
				throw new IllegalArgumentException("not a sync token");
			}
			return new SyncToken(Long.parseLong(parts[1]));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("not a sync token", ex);
		}
	}

	@Override
	public int compareTo(SyncToken other) {
		return Long.compare(this.position, other.position);
	}

}
