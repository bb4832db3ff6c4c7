package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.chatapp.servicedefaults.web.ProblemException;

/**
 * Limits password guessing against one login (username or email): after
 * {@code maxFailures} failed attempts within {@code window} of the first one, further
 * attempts are refused with 429 until the window has passed; a successful login clears
 * the count.
 * <p>
 * The counts live in this instance's memory: with several instances each counts on its
 * own, and a restart forgets them. At most {@value #MAX_TRACKED} logins are tracked;
 * beyond that, finished windows are dropped first, then the oldest. This slows guessing
 * down, it does not stop a distributed attack, and it lets anyone lock a login for one
 * window by failing on purpose.
 */
final class LoginAttempts {

	static final int MAX_TRACKED = 10_000;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	private final int maxFailures;

	private final Duration window;

	private final Clock clock;

	LoginAttempts(int maxFailures, Duration window, Clock clock) {
		this.maxFailures = maxFailures;
		this.window = window;
		this.clock = clock;
	}

	/**
	 * Refuses an attempt for a login that has failed too often.
	 * @param login the username or email, any case
	 * @throws ProblemException 429 with {@code Retry-After} until the window has passed
	 */
	void check(String login) {
		Window current = this.windows.get(key(login));
		Instant now = this.clock.instant();
		if (current != null && current.failures() >= this.maxFailures && now.isBefore(current.end())) {
			throw ProblemException.tooManyRequests("Too many failed logins; try again later",
					Duration.between(now, current.end()));
		}
	}

	void failed(String login) {
		Instant now = this.clock.instant();
		if (this.windows.size() >= MAX_TRACKED) {
			makeRoom(now);
		}
		this.windows.compute(key(login), (key, current) -> (current == null || !now.isBefore(current.end()))
				? new Window(now.plus(this.window), 1) : new Window(current.end(), current.failures() + 1));
	}

	void succeeded(String login) {
		this.windows.remove(key(login));
	}

	/** How many logins are tracked, for tests. */
	int tracked() {
		return this.windows.size();
	}

	private void makeRoom(Instant now) {
		this.windows.values().removeIf((window) -> !now.isBefore(window.end()));
		if (this.windows.size() >= MAX_TRACKED) {
			this.windows.entrySet()
				.stream()
				.min(Map.Entry.comparingByValue(Comparator.comparing(Window::end)))
				.ifPresent((oldest) -> this.windows.remove(oldest.getKey(), oldest.getValue()));
		}
	}

	private static String key(String login) {
		// Logins are case-insensitive, like the lookup.
		return login.trim().toLowerCase(Locale.ROOT);
	}

	/** Failed attempts counted until {@code end}. */
	private record Window(Instant end, int failures) {
	}

}
