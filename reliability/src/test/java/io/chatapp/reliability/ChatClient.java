package io.chatapp.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The public API as a client uses it: register and log in, create chats, send messages.
 * Setting up (users, chats) retries a few times, since a scenario may begin right after
 * the previous one's recovery; sending does not retry here, the load generator decides.
 */
final class ChatClient {

	static final String PASSWORD = "correct horse battery staple";

	private static final ObjectMapper json = new ObjectMapper();

	private final String usersApi;

	private final String chatsApi;

	private final Duration requestTimeout;

	private final HttpClient http;

	ChatClient(String usersApi, String chatsApi, Duration requestTimeout) {
		this.usersApi = usersApi;
		this.chatsApi = chatsApi;
		this.requestTimeout = requestTimeout;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
	}

	/**
	 * Registers a user and logs in.
	 * @param username 3 to 32 of {@code [a-z0-9_.-]}
	 * @return the user with a token
	 */
	User register(String username) {
		String body = json(Map.of("username", username, "displayName", username, "email", username + "@example.com",
				"password", PASSWORD));
		JsonNode user = setup("POST", this.usersApi + "/api/users", null, body, 201);
		JsonNode token = setup("POST", this.usersApi + "/api/auth/token", null,
				json(Map.of("username", username, "password", PASSWORD)), 200);
		return new User(user.get("id").asText(), username, token.get("accessToken").asText());
	}

	String createDirectChat(User owner, User other) {
		String body = json(Map.of("type", "direct", "memberIds", List.of(other.id())));
		return setup("POST", this.chatsApi + "/api/chats", owner.token(), body, 201).get("id").asText();
	}

	String createGroupChat(User owner, List<User> others, String title) {
		String body = json(
				Map.of("type", "group", "title", title, "memberIds", others.stream().map(User::id).toList()));
		return setup("POST", this.chatsApi + "/api/chats", owner.token(), body, 201).get("id").asText();
	}

	/**
	 * One send attempt.
	 * @param sender who sends
	 * @param chatId where
	 * @param clientMessageId the idempotency key, the same on every retry
	 * @param content the text
	 * @return the response
	 * @throws IOException on a transport failure or a timeout (no response at all)
	 */
	HttpResponse<String> send(User sender, String chatId, String clientMessageId, String content)
			throws IOException, InterruptedException {
		String body = json(Map.of("content", content, "clientMessageId", clientMessageId));
		return this.http.send(
				request("POST", this.chatsApi + "/api/chats/" + chatId + "/messages", sender.token(), body),
				HttpResponse.BodyHandlers.ofString());
	}

	static JsonNode parse(String body) {
		try {
			return json.readTree(body);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Not JSON: " + body, ex);
		}
	}

	private JsonNode setup(String method, String url, String token, String body, int expected) {
		RuntimeException failure = null;
		for (int attempt = 0; attempt < 10; attempt++) {
			try {
				HttpResponse<String> response = this.http.send(request(method, url, token, body),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == expected) {
					return parse(response.body());
				}
				failure = new IllegalStateException(
						method + " " + url + " -> " + response.statusCode() + " " + response.body());
				if (response.statusCode() < 500 && response.statusCode() != 429) {
					throw failure;
				}
			}
			catch (IOException ex) {
				failure = new IllegalStateException(method + " " + url + ": " + ex, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			SystemUnderTest.sleep(Duration.ofSeconds(1));
		}
		throw failure;
	}

	private HttpRequest request(String method, String url, String token, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(this.requestTimeout)
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request.build();
	}

	private static String json(Object value) {
		try {
			return json.writeValueAsString(value);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A registered user.
	 *
	 * @param id the user id
	 * @param username the login
	 * @param token a bearer token
	 */
	record User(String id, String username, String token) {
	}

}
