import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures live delivery against a running ChatApp: how long after a send a message
 * reaches the other member's socket. Two fresh users share a direct chat; one sends
 * {@code --messages} messages at {@code --rate} per second, the other listens on
 * {@code /ws}. Prints percentiles of send-to-socket (the request's start to the frame) and
 * of acknowledgement-to-socket (the 201, which follows the commit, to the frame; negative
 * when the frame comes first).
 *
 * <p>
 * Needs only a JDK: {@code java tools/LiveLatency.java [--url http://127.0.0.1:5000]
 * [--messages 500] [--rate 20]}. The URL is the web origin (or chats-api and users-api
 * together behind one address).
 *
 * <p>
 * A quick check through the web origin; the benchmarks module ({@code ./bench.sh}, see
 * docs/benchmarks/README.md) measures the same without coordinated omission, at higher
 * rates and among many chats.
 */
public class LiveLatency {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new ConcurrentHashMap<>(Map.of("url", "http://127.0.0.1:5000", "messages", "500",
				"rate", "20"));
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		String url = options.get("url");
		int messages = Integer.parseInt(options.get("messages"));
		double rate = Double.parseDouble(options.get("rate"));

		String run = UUID.randomUUID().toString().substring(0, 8);
		String senderToken = register(url, "lat" + run + "a");
		String receiverToken = register(url, "lat" + run + "b");
		String receiverId = field(call(url, "GET", "/api/users/me", receiverToken, null), "id");
		String chat = field(call(url, "POST", "/api/chats", senderToken,
				"{\"type\":\"direct\",\"memberIds\":[\"" + receiverId + "\"]}"), "id");

		long[] sentAt = new long[messages];
		long[] ackedAt = new long[messages];
		long[] receivedAt = new long[messages];
		CountDownLatch received = new CountDownLatch(messages);
		Pattern marker = Pattern.compile("\"content\":\\s*\"latency-(\\d+)\"");
		CompletableFuture<Void> ready = new CompletableFuture<>();
		WebSocket socket = HTTP.newWebSocketBuilder()
			.buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/ws"), new WebSocket.Listener() {

				private final StringBuilder text = new StringBuilder();

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					this.text.append(data);
					if (last) {
						long now = System.nanoTime();
						String frame = this.text.toString();
						this.text.setLength(0);
						if (frame.contains("\"ready\"")) {
							ready.complete(null);
						}
						Matcher matcher = marker.matcher(frame);
						if (frame.contains("message.created") && matcher.find()) {
							int index = Integer.parseInt(matcher.group(1));
							if (receivedAt[index] == 0) {
								receivedAt[index] = now;
								received.countDown();
							}
						}
					}
					webSocket.request(1);
					return null;
				}

			})
			.join();
		socket.sendText("{\"type\":\"auth\",\"token\":\"" + receiverToken + "\"}", true).join();
		ready.get(10, TimeUnit.SECONDS);

		long interval = (long) (1_000_000_000L / rate);
		long start = System.nanoTime();
		for (int i = 0; i < messages; i++) {
			long due = start + i * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			sentAt[i] = System.nanoTime();
			call(url, "POST", "/api/chats/" + chat + "/messages", senderToken,
					"{\"content\":\"latency-" + i + "\",\"clientMessageId\":\"" + run + "-" + i + "\"}");
			ackedAt[i] = System.nanoTime();
			if (i % 25 == 0) {
				socket.sendText("{\"type\":\"ping\"}", true);
			}
		}
		if (!received.await(30, TimeUnit.SECONDS)) {
			System.out.println("Only " + (messages - received.getCount()) + " of " + messages + " arrived");
		}
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();

		double[] sendToSocket = new double[messages];
		double[] ackToSocket = new double[messages];
		for (int i = 0; i < messages; i++) {
			sendToSocket[i] = (receivedAt[i] - sentAt[i]) / 1e6;
			ackToSocket[i] = (receivedAt[i] - ackedAt[i]) / 1e6;
		}
		System.out.printf(Locale.ROOT, "%d messages at %.0f/s through %s%n", messages, rate, url);
		print("send -> other member's socket", sendToSocket);
		print("201 -> other member's socket", ackToSocket);
	}

	private static void print(String what, double[] millis) {
		double[] sorted = millis.clone();
		Arrays.sort(sorted);
		System.out.printf(Locale.ROOT, "%-32s p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n", what,
				percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted[sorted.length - 1]);
	}

	private static double percentile(double[] sorted, double p) {
		int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static String register(String url, String username) throws Exception {
		call(url, "POST", "/api/users", null, "{\"username\":\"" + username + "\",\"displayName\":\"" + username
				+ "\",\"email\":\"" + username + "@example.com\",\"password\":\"latency-check\"}");
		return field(call(url, "POST", "/api/auth/token", null,
				"{\"username\":\"" + username + "\",\"password\":\"latency-check\"}"), "accessToken");
	}

	private static String call(String url, String method, String path, String token, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (body != null) {
			request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
					+ response.body());
		}
		return response.body();
	}

	private static String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + name + " in " + json);
		}
		return matcher.group(1);
	}

}
