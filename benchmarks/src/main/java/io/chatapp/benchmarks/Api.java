package io.chatapp.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ChatApp REST calls the benchmark makes, over one HTTP/1.1 client (a connection per
 * request in flight, kept alive). Given several chats-api instances, sends take them in
 * turn, as a load balancer in front of stateless instances would; every other call goes
 * to the first.
 */
final class Api {

	static final ObjectMapper JSON = new ObjectMapper();

	private final String chatsUrl;

	private final List<String> sendUrls;

	private final AtomicLong sends = new AtomicLong();

	private final String usersUrl;

	private final HttpClient http;

	private final AtomicLong messageIds = new AtomicLong();

	private final String run;

	/**
	 * @param chatsUrls chats-api base URLs, comma-separated
	 * @param usersUrl users-api base URL
	 * @param run a tag that makes this run's names and ids unique
	 */
	Api(String chatsUrls, String usersUrl, String run) {
		this.sendUrls = List.of(chatsUrls.split(","));
		this.chatsUrl = this.sendUrls.get(0);
		this.usersUrl = usersUrl;
		this.run = run;
		// Few threads: the load generator shares the machine with the system it measures.
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.executor(Executors.newFixedThreadPool(2, daemon("bench-http")))
			.build();
	}

	static java.util.concurrent.ThreadFactory daemon(String name) {
		AtomicLong count = new AtomicLong();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	HttpClient http() {
		return this.http;
	}

	/** A registered user with a token. */
	record User(String name, String id, String token) {
	}

	/**
	 * Registers fresh users, a few at a time: registration hashes passwords with Argon2
	 * and answers 429 when too many are being hashed, which is retried with back-off.
	 */
	List<User> register(String prefix, int count) throws Exception {
		List<CompletableFuture<User>> pending = new ArrayList<>();
		List<User> users = new ArrayList<>();
		java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4, daemon("bench-register"));
		for (int i = 0; i < count; i++) {
			String name = ("b" + this.run + prefix + i).toLowerCase();
			pending.add(CompletableFuture.supplyAsync(() -> registerOne(name), pool));
			if (pending.size() == 4 || i == count - 1) {
				for (CompletableFuture<User> user : pending) {
					users.add(user.join());
				}
				pending.clear();
			}
		}
		pool.shutdown();
		return users;
	}

	private User registerOne(String name) {
		try {
			String password = "bench-password-" + this.run;
			String body = "{\"username\":\"" + name + "\",\"displayName\":\"" + name + "\",\"email\":\"" + name
					+ "@bench.example.com\",\"password\":\"" + password + "\"}";
			JsonNode user = retrying("POST", this.usersUrl + "/api/users", null, body);
			JsonNode token = retrying("POST", this.usersUrl + "/api/auth/token", null,
					"{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
			return new User(name, user.get("id").asText(), token.get("accessToken").asText());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not register " + name + ": " + ex.getMessage(), ex);
		}
	}

	/** Creates a direct chat (two users) or a group, as {@code owner}. */
	String createChat(User owner, List<User> others) throws Exception {
		StringBuilder members = new StringBuilder();
		for (User other : others) {
			members.append(members.isEmpty() ? "" : ",").append('"').append(other.id()).append('"');
		}
		String type = (others.size() == 1) ? "direct" : "group";
		String title = (others.size() == 1) ? "" : ",\"title\":\"bench " + this.run + "\"";
		return retrying("POST", this.chatsUrl + "/api/chats", owner.token(),
				"{\"type\":\"" + type + "\"" + title + ",\"memberIds\":[" + members + "]}")
			.get("id")
			.asText();
	}

	/** A request that answers 429 or 503 is retried with back-off for up to a minute. */
	JsonNode retrying(String method, String url, String token, String body) throws Exception {
		long backoff = 100;
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			HttpResponse<String> response = this.http.send(request(method, url, token, body),
					HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			if (status < 300) {
				return JSON.readTree(response.body());
			}
			if ((status == 429 || status == 503) && System.nanoTime() < deadline) {
				Thread.sleep(backoff);
				backoff = Math.min(backoff * 2, 2000);
				continue;
			}
			throw new IOException(method + " " + url + " answered " + status + ": " + response.body());
		}
	}

	HttpRequest request(String method, String url, String token, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return request.build();
	}

	/**
	 * Sends one message; completes with the HTTP status, or -1 when the request failed
	 * without one.
	 */
	CompletableFuture<Integer> send(String chatId, User sender, String content) {
		String id = this.run + "-" + this.messageIds.incrementAndGet();
		String body = "{\"content\":\"" + content + "\",\"clientMessageId\":\"" + id + "\"}";
		String url = this.sendUrls.get((int) (this.sends.getAndIncrement() % this.sendUrls.size()));
		HttpRequest request = request("POST", url + "/api/chats/" + chatId + "/messages", sender.token(), body);
		// A kept-alive connection the server closed just as the request went out fails
		// without an answer; the send is idempotent, so it is sent once more, as a client
		// would, and its latency still counts from the first attempt.
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
			.handle((response, failure) -> (failure != null) ? null : response.statusCode())
			.thenCompose((status) -> (status != null) ? CompletableFuture.completedFuture(status)
					: this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
						.handle((response, failure) -> (failure != null) ? -1 : response.statusCode()));
	}

	/** A GET whose body is read and dropped; completes with the status. */
	int get(String path, String token) throws Exception {
		return this.http
			.send(request("GET", this.chatsUrl + path, token, null), HttpResponse.BodyHandlers.ofByteArray())
			.statusCode();
	}

	static JsonNode getJson(HttpClient http, String url) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			return null;
		}
		return JSON.readTree(response.body());
	}

}
