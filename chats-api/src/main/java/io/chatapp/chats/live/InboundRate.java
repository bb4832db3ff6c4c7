package io.chatapp.chats.live;

/**
 * A token bucket for the frames one client sends: {@code perSecond} on average, at most
 * {@code burst} at once.
 */
final class InboundRate {

	private final double perNano;

	private final double burst;

	private double tokens;

	private long refilledAt = System.nanoTime();

	InboundRate(int perSecond, int burst) {
		this.perNano = perSecond / 1e9;
		this.burst = burst;
		this.tokens = burst;
	}

	synchronized boolean tryAcquire() {
		long now = System.nanoTime();
		this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perNano);
		this.refilledAt = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

}
