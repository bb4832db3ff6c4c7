package io.chatapp.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

/**
 * Durable sends: {@code POST /api/chats/{id}/messages} straight to chats-api, spread over
 * 32 direct chats of 64 fresh users. Each 201 is a committed message (and its event).
 */
final class Sends {

	/**
	 * chats-api answered 429: the numbers would be the rate limiter's, not the system's.
	 */
	static final class RateLimitedException extends RuntimeException {

		RateLimitedException(long count) {
			super("chats-api answered 429 (rate limited) to " + count
					+ " sends. Start the system with --chats-api.args=--chatapp.chats.sends-per-minute=1000000"
					+ " (see docs/benchmarks/README.md); refusing to report numbers from a rate-limited run.");
		}

	}

	/** A direct chat: {@code a} sends, {@code b} may listen. */
	record Chat(String id, Api.User a, Api.User b) {
	}

	static final int USERS = 64;

	private final Api api;

	private final List<Chat> chats;

	private final Timeline timeline;

	Sends(Api api, List<Chat> chats, Timeline timeline) {
		this.api = api;
		this.chats = chats;
		this.timeline = timeline;
	}

	static Sends setUp(Api api, Timeline timeline) throws Exception {
		List<Api.User> users = api.register("s", USERS);
		List<Chat> chats = new ArrayList<>();
		for (int i = 0; i < USERS; i += 2) {
			chats
				.add(new Chat(api.createChat(users.get(i), List.of(users.get(i + 1))), users.get(i), users.get(i + 1)));
		}
		return new Sends(api, chats, timeline);
	}

	List<Chat> chats() {
		return this.chats;
	}

	List<Api.User> users() {
		List<Api.User> users = new ArrayList<>();
		for (Chat chat : this.chats) {
			users.add(chat.a());
			users.add(chat.b());
		}
		return users;
	}

	/** Message {@code i}: chats in turn, the two members taking turns in each. */
	CompletableFuture<Integer> send(long i) {
		Chat chat = this.chats.get((int) (i % this.chats.size()));
		Api.User sender = ((i / this.chats.size()) % 2 == 0) ? chat.a() : chat.b();
		return this.api.send(chat.id(), sender, "bench message " + i);
	}

	private final AtomicLong counter = new AtomicLong();

	/**
	 * One closed-model step: {@code concurrency} clients, each sending as soon as its
	 * last one was acknowledged.
	 */
	Map<String, Object> closedStep(int concurrency, int seconds, boolean record) throws InterruptedException {
		Histogram latency = Stats.histogram();
		long[] counts = new long[3];
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		CountDownLatch done = new CountDownLatch(concurrency);
		long start = System.nanoTime();
		for (int c = 0; c < concurrency; c++) {
			loop(end, latency, counts, done, record);
		}
		done.await();
		double elapsed = (System.nanoTime() - start) / 1e9;
		if (counts[2] > 0) {
			throw new RateLimitedException(counts[2]);
		}
		Map<String, Object> step = new LinkedHashMap<>();
		step.put("concurrency", concurrency);
		step.put("seconds", Stats.round(elapsed, 2));
		step.put("ok", counts[0]);
		step.put("errors", counts[1]);
		step.put("throughputPerSecond", Stats.round(counts[0] / elapsed, 1));
		step.put("latency", Stats.latency(latency));
		return step;
	}

	private void loop(long end, Histogram latency, long[] counts, CountDownLatch done, boolean record) {
		if (System.nanoTime() >= end) {
			done.countDown();
			return;
		}
		long started = System.nanoTime();
		send(this.counter.getAndIncrement()).whenComplete((status, failure) -> {
			long now = System.nanoTime();
			synchronized (latency) {
				if (status != null && status >= 200 && status < 300) {
					counts[0]++;
					latency.recordValue(now - started);
					if (record) {
						this.timeline.completed(now);
					}
				}
				else if (status != null && status == 429) {
					counts[2]++;
				}
				else {
					counts[1]++;
				}
			}
			if (status != null && status == 429) {
				done.countDown();
			}
			else {
				loop(end, latency, counts, done, record);
			}
		});
	}

	/**
	 * Ramp to saturation: 1, 4, 16, 64 concurrent clients (after a short warm-up).
	 */
	Map<String, Object> ramp(int stepSeconds, int warmUpSeconds) throws InterruptedException {
		Benchmarks.progress("ramp: warm-up %d s at 16 clients", warmUpSeconds);
		closedStep(16, warmUpSeconds, false);
		List<Map<String, Object>> steps = new ArrayList<>();
		double peak = 0;
		int peakAt = 0;
		for (int concurrency : new int[] { 1, 4, 16, 64 }) {
			this.timeline.phase("ramp c=" + concurrency);
			Map<String, Object> step = closedStep(concurrency, stepSeconds, true);
			steps.add(step);
			double throughput = (double) step.get("throughputPerSecond");
			Benchmarks.progress("ramp: %2d clients: %8.1f sends/s, errors %d, latency %s", concurrency, throughput,
					step.get("errors"), step.get("latency"));
			if (throughput > peak) {
				peak = throughput;
				peakAt = concurrency;
			}
		}
		Map<String, Object> ramp = new LinkedHashMap<>();
		ramp.put("model", "closed");
		ramp.put("stepSeconds", stepSeconds);
		ramp.put("steps", steps);
		ramp.put("peakThroughputPerSecond", peak);
		ramp.put("peakConcurrency", peakAt);
		double at64 = (double) steps.get(steps.size() - 1).get("throughputPerSecond");
		ramp.put("throughputAt64PercentOfPeak", (peak > 0) ? Stats.round(100 * at64 / peak, 1) : null);
		return ramp;
	}

	/** Open model at each rate: acknowledgement latency from the intended send time. */
	Map<String, Object> rates(List<Integer> rates, int seconds) throws InterruptedException {
		List<Map<String, Object>> results = new ArrayList<>();
		for (int rate : rates) {
			this.timeline.phase("rate " + rate + "/s");
			OpenLoop.Result result = openRun(rate, seconds);
			Map<String, Object> entry = describe(result);
			results.add(entry);
			Benchmarks.progress("rate %5d/s: achieved %8.1f/s, errors %d, %s", rate, result.achievedRate(),
					result.errors(), Stats.line(result.latency()));
		}
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("model", "open (latency from the intended send time)");
		section.put("secondsPerRate", seconds);
		section.put("rates", results);
		return section;
	}

	OpenLoop.Result openRun(double rate, double seconds) throws InterruptedException {
		OpenLoop.Result result = new OpenLoop(OpenLoop.Clock.SYSTEM, 1024).run(rate, seconds,
				(i, intended) -> send(this.counter.getAndIncrement()), this.timeline);
		if (result.rateLimited() > 0) {
			throw new RateLimitedException(result.rateLimited());
		}
		return result;
	}

	static Map<String, Object> describe(OpenLoop.Result result) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("offeredPerSecond", result.offeredRate());
		entry.put("seconds", result.seconds());
		entry.put("achievedPerSecond", Stats.round(result.achievedRate(), 1));
		entry.put("ok", result.ok());
		entry.put("errors", result.errors());
		entry.put("errorStatuses (-1: no answer)", result.errorStatuses());
		entry.put("latency", Stats.latency(result.latency()));
		return entry;
	}

	private static final Pattern MARKER = Pattern.compile("\"content\":\\s*\"e2e-(\\d+)-(\\d+)\"");

	/**
	 * Send -> the other member's socket: every chat's second member listens on
	 * {@code /ws}; the first sends at a fixed rate. Latency from the intended send time
	 * to the frame.
	 */
	Map<String, Object> endToEnd(String wsUrl, List<Integer> rates, int seconds) throws Exception {
		List<Map<String, Object>> results = new ArrayList<>();
		int[] current = { -1 };
		long[][] intended = { new long[0] };
		Histogram[] arrivals = { Stats.histogram() };
		long[] duplicates = { 0 };
		WebSockets.Listener listener = (socket, text, received) -> {
			if (!text.contains("message.created")) {
				return;
			}
			Matcher matcher = MARKER.matcher(text);
			if (matcher.find() && Integer.parseInt(matcher.group(1)) == current[0]) {
				int index = Integer.parseInt(matcher.group(2));
				long due = intended[0][index];
				if (due > 0) {
					arrivals[0].recordValue(Math.max(0, received - due));
					intended[0][index] = -1;
				}
				else {
					duplicates[0]++;
				}
			}
		};
		try (WebSockets sockets = new WebSockets(wsUrl, 64, listener)) {
			for (Chat chat : this.chats) {
				sockets.open(chat.b().token(), chat);
			}
			sockets.awaitOpened(30, TimeUnit.SECONDS);
			if (sockets.ready() < this.chats.size()) {
				throw new IllegalStateException(
						"Only " + sockets.ready() + " of " + this.chats.size() + " listening sockets became ready");
			}
			for (int rate : rates) {
				this.timeline.phase("e2e " + rate + "/s");
				int total = rate * seconds;
				long[] due = new long[total];
				Histogram histogram = Stats.histogram();
				// The selector thread reads these; a fresh array per rate, published
				// before the sends.
				synchronized (listener) {
					intended[0] = due;
					arrivals[0] = histogram;
					current[0] = rate;
				}
				OpenLoop.Result acks = new OpenLoop(OpenLoop.Clock.SYSTEM, 1024).run(rate, seconds, (i, when) -> {
					Chat chat = this.chats.get((int) (i % this.chats.size()));
					due[(int) i] = when;
					return this.api.send(chat.id(), chat.a(), "e2e-" + rate + "-" + i);
				}, this.timeline);
				if (acks.rateLimited() > 0) {
					throw new RateLimitedException(acks.rateLimited());
				}
				// Frames usually arrive before the 201; give stragglers a few seconds.
				long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (histogram.getTotalCount() < acks.ok() && System.nanoTime() < wait) {
					Thread.sleep(50);
				}
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("offeredPerSecond", rate);
				entry.put("seconds", seconds);
				entry.put("acknowledged", acks.ok());
				entry.put("sendErrors", acks.errors());
				long missing;
				synchronized (listener) {
					missing = acks.ok() - histogram.getTotalCount();
					entry.put("framesReceived", histogram.getTotalCount());
					entry.put("framesMissing", Math.max(0, missing));
					entry.put("sendToSocket", Stats.latency(histogram.copy()));
					entry.put("ackLatency", Stats.latency(acks.latency()));
					current[0] = -1;
				}
				results.add(entry);
				Benchmarks.progress("e2e %5d/s: %d frames of %d, send -> socket %s", rate,
						(long) entry.get("framesReceived"), acks.ok(), Stats.line(histogram));
			}
		}
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("listeners", this.chats.size());
		section.put("duplicateFrames", duplicates[0]);
		section.put("rates", results);
		return section;
	}

	static String format(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

}
