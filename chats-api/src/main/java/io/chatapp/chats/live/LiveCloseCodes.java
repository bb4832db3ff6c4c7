package io.chatapp.chats.live;

import org.springframework.web.socket.CloseStatus;

/**
 * The close codes of {@code /ws} beyond the standard ones (docs/contract.md): each tells
 * the client what to do next.
 */
final class LiveCloseCodes {

	/** No valid {@code auth} in time, a bad token, or the token expired: log in again. */
	static final CloseStatus UNAUTHORIZED = new CloseStatus(4401, "Unauthorized");

	/** Nothing received for the idle timeout: reconnect (and send pings). */
	static final CloseStatus IDLE = new CloseStatus(4408, "Idle timeout");

	/** The socket fell behind and events were not sent: sync, then reconnect. */
	static final CloseStatus RESYNC = new CloseStatus(4409, "Resync required");

	/** Frames sent faster than allowed. */
	static final CloseStatus TOO_MANY_FRAMES = new CloseStatus(4429, "Too many frames");

	/** Tokens cannot be checked right now (users-api unreachable): try again later. */
	static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013, "Try again later");

	private LiveCloseCodes() {
	}

}
