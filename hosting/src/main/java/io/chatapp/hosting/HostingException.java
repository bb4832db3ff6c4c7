package io.chatapp.hosting;

/**
 * The AppHost cannot start or run the model: a busy port, a failed job, another AppHost
 * on the same data directory, an option that cannot be right. The message is written for
 * the person at the console.
 */
public class HostingException extends RuntimeException {

	public HostingException(String message) {
		super(message);
	}

	public HostingException(String message, Throwable cause) {
		super(message, cause);
	}

}
