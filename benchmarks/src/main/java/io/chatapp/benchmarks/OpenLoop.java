package io.chatapp.benchmarks;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The open model: request {@code i} is due at {@code start + i / rate}, whatever happened
 * to the ones before it, and its latency counts from that intended time, not from when it
 * was actually sent. A system that stalls therefore shows the stall in every request that
 * was due during it (no coordinated omission), and a generator that falls behind shows it
 * too.
 */
final class OpenLoop {

	/** What a run at one rate gave. */
	record Result(double offeredRate, double seconds, long ok, long errors, long rateLimited, Histogram latency,
			Map<Integer, Long> errorStatuses) {

		double achievedRate() {
			return this.ok / this.seconds;
		}

	}

	/** Starts request {@code index}, due at {@code intendedNanos}. */
	interface Sender {

		CompletableFuture<Integer> send(long index, long intendedNanos);

	}

	/** The clock and the way to wait for it; tests give a fake one. */
	interface Clock {

		long nanoTime();

		void sleepUntil(long nanos) throws InterruptedException;

		Clock SYSTEM = new Clock() {

			@Override
			public long nanoTime() {
				return System.nanoTime();
			}

			@Override
			public void sleepUntil(long nanos) throws InterruptedException {
				long wait;
				while ((wait = nanos - System.nanoTime()) > 0) {
					TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000));
				}
			}

		};

	}

	private final Clock clock;

	private final int maxInFlight;

	OpenLoop(Clock clock, int maxInFlight) {
		this.clock = clock;
		this.maxInFlight = maxInFlight;
	}

	/** When request {@code index} is due. */
	static long intendedTime(long start, double ratePerSecond, long index) {
		return start + (long) (index * 1_000_000_000.0 / ratePerSecond);
	}

	/**
	 * Issues requests at {@code rate} for {@code seconds}, then waits for the last to
	 * complete.
	 * @param send starts request {@code i}; completes with its HTTP status (-1: no
	 * answer)
	 * @param timeline told of every success, may be null
	 */
	Result run(double rate, double seconds, Sender send, Timeline timeline) throws InterruptedException {
		Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
		long[] counts = new long[3];
		Map<Integer, Long> statuses = new TreeMap<>();
		Semaphore inFlight = new Semaphore(this.maxInFlight);
		long start = this.clock.nanoTime();
		long total = (long) (rate * seconds);
		for (long i = 0; i < total; i++) {
			long intended = intendedTime(start, rate, i);
			this.clock.sleepUntil(intended);
			// Beyond maxInFlight the generator waits; the requests due meanwhile are
			// late, and
			// their latency still counts from when they were due.
			inFlight.acquire();
			send.send(i, intended).whenComplete((status, failure) -> {
				long now = this.clock.nanoTime();
				synchronized (latency) {
					int code = (failure != null || status == null) ? -1 : status;
					if (code >= 200 && code < 300) {
						counts[0]++;
						latency.recordValue(Math.min(Math.max(0, now - intended), latency.getHighestTrackableValue()));
						if (timeline != null) {
							timeline.completed(now);
						}
					}
					else if (code == 429) {
						counts[2]++;
					}
					else {
						counts[1]++;
						statuses.merge(code, 1L, Long::sum);
					}
				}
				inFlight.release();
			});
		}
		inFlight.acquire(this.maxInFlight);
		inFlight.release(this.maxInFlight);
		// A system that cannot keep up finishes the last requests after the schedule
		// ends: the achieved rate counts the time until then.
		double elapsed = Math.max(seconds, (this.clock.nanoTime() - start) / 1e9);
		synchronized (latency) {
			return new Result(rate, elapsed, counts[0], counts[1], counts[2], latency.copy(), new TreeMap<>(statuses));
		}
	}

}
