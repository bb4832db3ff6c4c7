package io.chatapp.chats.sync;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A position in the event log: (transaction id, event id), opaque to clients.
 *
 * @param txId 64-bit transaction id (xid8) of the last event seen
 * @param id event id of the last event seen within that transaction
 */
public record SyncToken(long txId, long id) implements Comparable<SyncToken> {

	private static final String VERSION = "v1";

	/** The position just below a transaction id: every event of an older transaction. */
	static SyncToken below(long txId) {
		return new SyncToken(txId - 1, Long.MAX_VALUE);
	}

	SyncToken max(SyncToken other) {
		return (compareTo(other) >= 0) ? this : other;
	}

	public String encode() {
		String raw = VERSION + ":" + Long.toUnsignedString(this.txId) + ":" + this.id;
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
			String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
			String[] parts = raw.split(":");
			if (parts.length != 3 || !VERSION.equals(parts[0])) {
				throw new IllegalArgumentException("not a sync token");
			}
			return new SyncToken(Long.parseUnsignedLong(parts[1]), Long.parseLong(parts[2]));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("not a sync token", ex);
		}
	}

	@Override
	public int compareTo(SyncToken other) {
		int byTx = Long.compareUnsigned(this.txId, other.txId);
		return (byTx != 0) ? byTx : Long.compare(this.id, other.id);
	}

}
