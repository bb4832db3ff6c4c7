package io.chatapp.reliability;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Sends messages at a steady rate from several senders, each on its own thread, the way a
 * careful client does: every message has a unique {@code clientMessageId}, and a send
 * that fails (error, timeout, no connection) is retried with the same id until it is
 * acknowledged (201, or 200 for a repeat). A sender has one message in flight at a time,
 * so its messages reach the server in order. Every response is counted by status.
 */
final class LoadGenerator {

	private final List<ChatClient> clients;

	private final List<Sender> senders;

	private final Duration interval;

	private final List<Thread> threads = new ArrayList<>();

	private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();

	private final Map<String, String> attempted = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();

	private final List<String> rejected = new CopyOnWriteArrayList<>();

	private final List<String> serverErrorSamples = new CopyOnWriteArrayList<>();

	private final LongAdder errorsWithoutProblemJson = new LongAdder();

	private final AtomicLong longestAckWaitNanos = new AtomicLong();

	private volatile boolean stopping;

	private volatile boolean abandoning;

	/**
	 * @param client the API client
	 * @param senders who sends where
	 * @param messagesPerSecond the total rate, spread evenly over the senders
	 */
	LoadGenerator(ChatClient client, List<Sender> senders, double messagesPerSecond) {
		this(List.of(client), senders, messagesPerSecond);
	}

	/**
	 * @param clients one per instance of the API: sender {@code i} uses
	 * {@code clients[i % clients.size()]}, so the senders are spread evenly
	 * @param senders who sends where
	 * @param messagesPerSecond the total rate, spread evenly over the senders
	 */
	LoadGenerator(List<ChatClient> clients, List<Sender> senders, double messagesPerSecond) {
		this.clients = List.copyOf(clients);
		this.senders = List.copyOf(senders);
		this.interval = Duration.ofNanos((long) (1e9 * senders.size() / messagesPerSecond));
	}

	void start() {
		for (int i = 0; i < this.senders.size(); i++) {
			Sender sender = this.senders.get(i);
			ChatClient client = this.clients.get(i % this.clients.size());
			Thread thread = new Thread(() -> run(client, sender), "load-" + sender.prefix());
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * Stops sending new messages; messages not yet acknowledged are still retried until
	 * they are, or until the timeout, after which they are given up (and reported as not
	 * acknowledged).
	 * @param timeout how long to keep retrying
	 */
	void stop(Duration timeout) {
		this.stopping = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread thread : this.threads) {
			long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
			try {
				thread.join(left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		this.abandoning = true;
		for (Thread thread : this.threads) {
			try {
				thread.join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Messages acknowledged by the server, by {@code clientMessageId}. */
	Map<String, Acknowledged> acknowledged() {
		return Map.copyOf(this.acknowledged);
	}

	/** Every message the client tried to send: {@code clientMessageId} to chat id. */
	Map<String, String> attempted() {
		return Map.copyOf(this.attempted);
	}

	/** Responses by HTTP status, plus {@code timeout} and {@code no connection}. */
	Map<String, Long> responses() {
		Map<String, Long> counts = new TreeMap<>();
		this.responses.forEach((key, count) -> counts.put(key, count.sum()));
		return counts;
	}

	long count(String response) {
		return Optional.ofNullable(this.responses.get(response)).map(LongAdder::sum).orElse(0L);
	}

	/**
	 * Sends answered with a status that a retry cannot fix (a 4xx other than 408/429).
	 */
	List<String> rejected() {
		return List.copyOf(this.rejected);
	}

	/** Error responses (4xx/5xx) whose body was not {@code application/problem+json}. */
	long errorsWithoutProblemJson() {
		return this.errorsWithoutProblemJson.sum();
	}

	/** A few bodies of 5xx responses other than 503, for the report. */
	List<String> serverErrorSamples() {
		return List.copyOf(this.serverErrorSamples);
	}

	/** The longest a message waited from its first attempt to its acknowledgement. */
	Duration longestAckWait() {
		return Duration.ofNanos(this.longestAckWaitNanos.get());
	}

	private void run(ChatClient client, Sender sender) {
		long next = System.nanoTime();
		int number = 0;
		while (!this.stopping) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				SystemUnderTest.sleep(Duration.ofNanos(wait));
			}
			// After a stall the sender resumes its rate; it does not burst to catch up.
			next = Math.max(next + this.interval.toNanos(), System.nanoTime());
			number++;
			deliver(client, sender, sender.prefix() + "-" + number, number);
		}
	}

	private void deliver(ChatClient client, Sender sender, String clientMessageId, int number) {
		this.attempted.put(clientMessageId, sender.chatId());
		String content = "message " + number + " from " + sender.user().username();
		long begin = System.nanoTime();
		Duration backoff = Duration.ofMillis(100);
		while (!this.abandoning) {
			try {
				HttpResponse<String> response = client.send(sender.user(), sender.chatId(), clientMessageId, content);
				int status = response.statusCode();
				record(Integer.toString(status));
				if (status == 200 || status == 201) {
					JsonNode message = ChatClient.parse(response.body());
					this.acknowledged.put(clientMessageId,
							new Acknowledged(sender.chatId(), message.get("id").asText(), message.get("seq").asLong()));
					this.longestAckWaitNanos.accumulateAndGet(System.nanoTime() - begin, Math::max);
					return;
				}
				checkProblemJson(response);
				if (status >= 400 && status < 500 && status != 408 && status != 429) {
					this.rejected.add(clientMessageId + " -> " + status + " " + response.body());
					return;
				}
			}
			catch (HttpTimeoutException ex) {
				record("timeout");
			}
			catch (IOException ex) {
				record("no connection");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			SystemUnderTest.sleep(backoff);
			backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
					: backoff.multipliedBy(2);
		}
	}

	private void checkProblemJson(HttpResponse<String> response) {
		String type = response.headers().firstValue("Content-Type").orElse("");
		if (!type.startsWith("application/problem+json")) {
			this.errorsWithoutProblemJson.increment();
		}
		if (response.statusCode() >= 500 && response.statusCode() != 503 && this.serverErrorSamples.size() < 3) {
			this.serverErrorSamples.add(response.statusCode() + " " + type + " " + response.body());
		}
	}

	private void record(String response) {
		this.responses.computeIfAbsent(response, (key) -> new LongAdder()).increment();
	}

	/**
	 * One sending client.
	 *
	 * @param user the sender
	 * @param chatId the chat it sends to
	 * @param prefix makes its {@code clientMessageId}s unique
	 */
	record Sender(ChatClient.User user, String chatId, String prefix) {
	}

	/**
	 * What the server acknowledged for a message.
	 *
	 * @param chatId the chat
	 * @param messageId the message id it returned
	 * @param seq the seq it returned
	 */
	record Acknowledged(String chatId, String messageId, long seq) {
	}

}
