package io.chatapp.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of two chats-api instances is down (stopped, restarting): every request and every
 * WebSocket still reaches the other one, because a refused connection is tried again on
 * the next instance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OneInstanceDownTests {

	private static final ConfigurableApplicationContext chatsApi = StubChatsSocket.start();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry registry) throws IOException {
		String instances = "http://127.0.0.1:" + closedPort() + "," + StubChatsSocket.url(chatsApi);
		registry.add("chatapp.gateway.chats-api-urls", () -> instances);
	}

	@AfterAll
	static void stopUpstream() {
		chatsApi.close();
	}

	@Test
	void everyRequestReachesTheInstanceThatIsUpBodyIncluded() throws Exception {
		String body = "{\"content\":\"" + "x".repeat(2000) + "\"}";
		for (int i = 0; i < 4; i++) {
			HttpResponse<String> get = this.http.send(request("/api/chats").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> post = this.http
				.send(request("/api/chats/c1/messages").header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
			assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
			assertThat(post.body()).isEqualTo("{\"upstream\":\"stub\",\"bodyLength\":" + body.length() + "}");
		}
	}

	@Test
	void everySocketReachesTheInstanceThatIsUp() throws Exception {
		for (int i = 0; i < 4; i++) {
			TestSocket socket = TestSocket.connect(this.port, null);
			socket.send("hello " + i);

			assertThat(socket.next()).isEqualTo("echo:hello " + i);
			socket.socket.abort();
		}
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
