package io.chatapp.apphost;

/**
 * The AppHost cannot start or run the model: a busy port, a failed migration, another
 * AppHost on the same data directory. The message is written for the person at the
 * console.
 */
public class AppHostException extends RuntimeException {

	public AppHostException(String message) {
		super(message);
	}

	public AppHostException(String message, Throwable cause) {
		super(message, cause);
	}

}
