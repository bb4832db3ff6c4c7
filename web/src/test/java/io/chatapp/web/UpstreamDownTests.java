package io.chatapp.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing listens where users-api and chats-api should be: the browser gets a 503 problem
 * with {@code Retry-After}, and a WebSocket is closed with 1013 (try again later).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamDownTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry registry) throws IOException {
		String usersApi = "http://127.0.0.1:" + closedPort();
		String chatsApi = "http://127.0.0.1:" + closedPort() + ",http://127.0.0.1:" + closedPort();
		registry.add("chatapp.web.users-api-url", () -> usersApi);
		registry.add("chatapp.web.chats-api-urls", () -> chatsApi);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/users/me", "/api/auth/token", "/api/chats", "/api/sync?timeout=100" })
	void anUpstreamThatIsDownIsA503ProblemWithRetryAfter(String path) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Authorization", "Bearer abc")
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(response.body()).contains("\"status\":503", "\"title\":\"Service Unavailable\"", "not reachable");
	}

	@Test
	void aWebSocketIsClosedWithTryAgainLater() throws Exception {
		TestSocket socket = TestSocket.connect(this.port, null);

		assertThat(socket.awaitClose()).isEqualTo(1013);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
