package io.chatapp.chats;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.stereotype.Component;

/**
 * Per-user limits on sends and chat creation: a token bucket per user and action,
 * refilled continuously, so bursts are allowed up to the per-minute limit. Counted per
 * instance; with N instances behind a balancer a user gets up to N times the limit.
 */
@Component
public class RateLimits {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final ChatsProperties properties;

	private final Clock clock;

	RateLimits(ChatsProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Takes one send from the user's allowance.
	 * @param userId the sender
	 * @throws ProblemException 429 with {@code Retry-After} when the allowance is used up
	 */
	public void send(UUID userId) {
		take("send:" + userId, this.properties.sendsPerMinute(), "messages");
	}

	/**
	 * Takes one chat creation from the user's allowance.
	 * @param userId the creator
	 * @throws ProblemException 429 with {@code Retry-After} when the allowance is used up
	 */
	public void createChat(UUID userId) {
		take("chat:" + userId, this.properties.chatCreationsPerMinute(), "new chats");
	}

	private void take(String key, int perMinute, String what) {
		long now = this.clock.millis();
		if (this.buckets.size() > 100_000) {
			// Full buckets carry no state worth keeping.
			this.buckets.entrySet().removeIf((entry) -> entry.getValue().isFull(now, perMinute));
		}
		Duration wait = this.buckets.computeIfAbsent(key, (k) -> new Bucket(perMinute, now)).take(now, perMinute);
		if (!wait.isZero()) {
			throw ProblemException
				.tooManyRequests("Too many " + what + ": at most " + perMinute + " per minute; try again later", wait);
		}
	}

	private static final class Bucket {

		private double tokens;

		private long updatedAt;

		Bucket(int capacity, long now) {
			this.tokens = capacity;
			this.updatedAt = now;
		}

		synchronized Duration take(long now, int perMinute) {
			refill(now, perMinute);
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return Duration.ZERO;
			}
			double msPerToken = (double) WINDOW.toMillis() / perMinute;
			return Duration.ofMillis((long) Math.ceil((1 - this.tokens) * msPerToken));
		}

		synchronized boolean isFull(long now, int perMinute) {
			refill(now, perMinute);
			return this.tokens >= perMinute;
		}

		private void refill(long now, int perMinute) {
			double perMs = (double) perMinute / WINDOW.toMillis();
			this.tokens = Math.min(perMinute, this.tokens + (now - this.updatedAt) * perMs);
			this.updatedAt = now;
		}

	}

}
