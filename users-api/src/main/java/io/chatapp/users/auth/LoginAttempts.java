package io.chatapp.users.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Limits password guessing per account, across every users-api instance: in one window at
 * most {@code maxFailures} wrong passwords are checked, then attempts are refused with
 * 429 until the window ends.
 * <p>
 * The count lives in table {@code login_attempts}, which all instances share. An attempt
 * reserves its slot with one atomic upsert <em>before</em> the password is checked, so
 * parallel guesses cannot all pass a check-then-count race: the row lock of the upsert
 * orders them, and only {@code maxFailures} of them get a slot. A wrong password keeps
 * its slot, as a failure.
 * <p>
 * A correct password only gives back its own slot; it does not reset the count. Resetting
 * would let guesses that were in flight next to a successful login (or that follow it)
 * start from zero, so an attacker racing the account owner's logins would get more than
 * {@code maxFailures} checks per window. Giving back only its own slot keeps the bound
 * exact: failures per window never exceed the limit, however many logins succeed. The
 * price is that the owner's own typos stay counted until the window ends.
 * <p>
 * The account is the user when the login names one, by username or by email, so both
 * count together; an unknown login counts under its normalised form, so probing unknown
 * names is limited the same way and the answers do not tell which names exist. Anyone can
 * still lock an account for one window by failing on purpose.
 */
final class LoginAttempts {

	/** Every this many reservations, an instance deletes finished windows. */
	private static final int CLEAN_UP_EVERY = 1024;

	private final JdbcClient jdbc;

	private final int maxFailures;

	private final Duration window;

	private final AtomicLong reservations = new AtomicLong();

	LoginAttempts(JdbcClient jdbc, int maxFailures, Duration window) {
		this.jdbc = jdbc;
		this.maxFailures = maxFailures;
		this.window = window;
	}

	/**
	 * Reserves one password check for an account.
	 * @param userId the user the login names, if any
	 * @param login the username or email as given
	 * @return the reservation: keep it for a wrong password, {@link Reservation#release()
	 * release} it otherwise
	 * @throws ProblemException 429 with {@code Retry-After} when the account's window is
	 * used up
	 */
	Reservation reserve(Optional<UUID> userId, String login) {
		String key = userId.map((id) -> "user:" + id).orElseGet(() -> "login:" + sha256(normalise(login)));
		if (this.reservations.incrementAndGet() % CLEAN_UP_EVERY == 0) {
			this.jdbc.sql("DELETE FROM login_attempts WHERE window_end < now()").update();
		}
		// Database time: all instances agree on it. The row lock of ON CONFLICT DO UPDATE
		// makes concurrent reservations of one account take turns, and its WHERE sees the
		// count the previous one left.
		Optional<Timestamp> windowEnd = this.jdbc.sql("""
				INSERT INTO login_attempts AS a (account_key, window_end, attempts)
				VALUES (:key, now() + :windowMillis * interval '1 millisecond', 1)
				ON CONFLICT (account_key) DO UPDATE
				SET window_end = CASE WHEN a.window_end <= now() THEN excluded.window_end ELSE a.window_end END,
				    attempts = CASE WHEN a.window_end <= now() THEN 1 ELSE a.attempts + 1 END
				WHERE a.window_end <= now() OR a.attempts < :maxFailures
				RETURNING window_end
				""")
			.param("key", key)
			.param("windowMillis", this.window.toMillis())
			.param("maxFailures", this.maxFailures)
			.query(Timestamp.class)
			.optional();
		if (windowEnd.isEmpty()) {
			throw ProblemException.tooManyRequests("Too many failed logins; try again later", retryAfter(key));
		}
		return new Reservation(key, windowEnd.get());
	}

	private Duration retryAfter(String key) {
		Long seconds = this.jdbc.sql(
				"SELECT ceil(extract(epoch FROM window_end - now()))::bigint FROM login_attempts WHERE account_key = :key")
			.param("key", key)
			.query(Long.class)
			.optional()
			.orElse(1L);
		return Duration.ofSeconds(Math.max(1, seconds));
	}

	private static String normalise(String login) {
		// Logins are case-insensitive, like the lookup.
		return login.trim().toLowerCase(Locale.ROOT);
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is always available", ex);
		}
	}

	/** One reserved password check. */
	final class Reservation {

		private final String key;

		private final Timestamp windowEnd;

		private Reservation(String key, Timestamp windowEnd) {
			this.key = key;
			this.windowEnd = windowEnd;
		}

		/**
		 * Gives the slot back, for a correct password or a check that never happened.
		 * Only in the window it was taken from: a newer window never counted it.
		 */
		void release() {
			LoginAttempts.this.jdbc.sql("""
					UPDATE login_attempts SET attempts = attempts - 1
					WHERE account_key = :key AND window_end = :windowEnd AND attempts > 0
					""").param("key", this.key).param("windowEnd", this.windowEnd).update();
		}

	}

}
