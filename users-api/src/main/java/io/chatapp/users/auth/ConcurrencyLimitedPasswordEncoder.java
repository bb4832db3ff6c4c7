package io.chatapp.users.auth;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Bounds how many passwords are hashed at once. Each Argon2 hash takes 16 MiB, and login
 * and registration are public, so without a bound a burst of requests exhausts the heap.
 * A caller waits briefly for a turn and is otherwise told to retry (429).
 */
final class ConcurrencyLimitedPasswordEncoder implements PasswordEncoder {

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private final PasswordEncoder delegate;

	private final Semaphore permits;

	private final Duration maxWait;

	ConcurrencyLimitedPasswordEncoder(PasswordEncoder delegate, int maxConcurrent, Duration maxWait) {
		this.delegate = delegate;
		this.permits = new Semaphore(maxConcurrent, true);
		this.maxWait = maxWait;
	}

	@Override
	public String encode(CharSequence rawPassword) {
		acquire();
		try {
			return this.delegate.encode(rawPassword);
		}
		finally {
			this.permits.release();
		}
	}

	@Override
	public boolean matches(CharSequence rawPassword, String encodedPassword) {
		acquire();
		try {
			return this.delegate.matches(rawPassword, encodedPassword);
		}
		finally {
			this.permits.release();
		}
	}

	@Override
	public boolean upgradeEncoding(String encodedPassword) {
		// Reads the hash's prefix only: nothing is hashed.
		return this.delegate.upgradeEncoding(encodedPassword);
	}

	private void acquire() {
		try {
			if (this.permits.tryAcquire(this.maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw ProblemException.tooManyRequests("The server is busy checking passwords; try again shortly", RETRY_AFTER);
	}

}
