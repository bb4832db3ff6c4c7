package io.chatapp.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Successful sends per second since the benchmark started, for the throughput-over-time
 * plot, with the phase each stretch belongs to.
 */
final class Timeline {

	private static final int SECONDS = 6 * 3600;

	private final long start = System.nanoTime();

	private final AtomicLongArray perSecond = new AtomicLongArray(SECONDS);

	private final Map<Integer, String> phases = new LinkedHashMap<>();

	private volatile int last = -1;

	void completed(long nanos) {
		int second = (int) ((nanos - this.start) / 1_000_000_000L);
		if (second >= 0 && second < SECONDS) {
			this.perSecond.incrementAndGet(second);
			if (second > this.last) {
				this.last = second;
			}
		}
	}

	synchronized void phase(String name) {
		this.phases.put((int) ((System.nanoTime() - this.start) / 1_000_000_000L), name);
	}

	synchronized Map<Integer, String> phases() {
		return new LinkedHashMap<>(this.phases);
	}

	/** Sends per second from the first second to the last with any. */
	List<Long> series() {
		List<Long> series = new ArrayList<>();
		for (int i = 0; i <= this.last; i++) {
			series.add(this.perSecond.get(i));
		}
		return series;
	}

}
