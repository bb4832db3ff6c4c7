package io.chatapp.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway over real sockets: stub upstreams stand in for users-api and two chats-api
 * instances, and every request goes through the gateway's own HTTP port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.web.resources.static-locations=classpath:/test-static/")
class GatewayTests {

	private static final StubUpstream usersApi = StubUpstream.start("users-api");

	private static final StubUpstream chatsApi1 = StubUpstream.start("chats-api-1");

	private static final StubUpstream chatsApi2 = StubUpstream.start("chats-api-2");

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry registry) {
		registry.add("chatapp.web.users-api-url", usersApi::url);
		registry.add("chatapp.web.chats-api-urls", () -> chatsApi1.url() + "," + chatsApi2.url());
	}

	@AfterAll
	static void stopUpstreams() {
		usersApi.close();
		chatsApi1.close();
		chatsApi2.close();
	}

	@BeforeEach
	void forgetRequests() {
		usersApi.received().clear();
		chatsApi1.received().clear();
		chatsApi2.received().clear();
	}

	@ParameterizedTest
	@CsvSource({ "/api/users/me, users-api", "/api/users?search=ali&limit=20, users-api",
			"/api/users/6f1c1d52-0000-4000-8000-000000000001, users-api", "/api/auth/token, users-api",
			"/api/chats, chats-api", "/api/chats?limit=5&cursor=abc, chats-api",
			"/api/chats/c1/messages?before=9, chats-api", "/api/sync?since=t1&timeout=10, chats-api",
			"/api/messages/search?q=hi, chats-api", "/api/notifications?unreadOnly=true, chats-api",
			"/api/notifications/read, chats-api" })
	void eachPrefixGoesToItsServiceWithPathAndQueryUnchanged(String pathAndQuery, String service) throws Exception {
		HttpResponse<String> response = get(pathAndQuery);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("X-Upstream").orElseThrow()).startsWith(service);
		StubUpstream.Received received = all(service).get(0);
		URI sent = URI.create(pathAndQuery);
		assertThat(received.path()).isEqualTo(sent.getRawPath());
		assertThat(received.query()).isEqualTo(sent.getRawQuery());
	}

	@Test
	void requestHeadersAndBodyPassThrough() throws Exception {
		String body = "{\"content\":\"h\u00e9llo \ud83d\udc4b\",\"clientMessageId\":\"m-1\"}";
		HttpResponse<String> response = this.http
			.send(request("/api/chats/c1/messages").header("Authorization", "Bearer abc.def.ghi")
				.header("Content-Type", "application/json")
				.header("Idempotency-Key", "k-42")
				.header("Accept-Language", "de")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		StubUpstream.Received received = all("chats-api").get(0);
		assertThat(received.method()).isEqualTo("POST");
		assertThat(received.body()).isEqualTo(body);
		assertThat(received.headers().getFirst("Authorization")).isEqualTo("Bearer abc.def.ghi");
		assertThat(received.headers().getFirst("Content-Type")).isEqualTo("application/json");
		assertThat(received.headers().getFirst("Idempotency-Key")).isEqualTo("k-42");
		assertThat(received.headers().getFirst("Accept-Language")).isEqualTo("de");
	}

	@Test
	void createdStatusAndLocationComeBackUnchanged() throws Exception {
		HttpResponse<String> response = this.http.send(request("/api/users").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.headers().firstValue("Location"))
			.hasValue("/api/users/6f1c1d52-0000-4000-8000-000000000001");
		assertThat(response.body()).isEqualTo("{\"id\":\"6f1c1d52-0000-4000-8000-000000000001\"}");
		assertThat(usersApi.received().get(0).body()).isEqualTo("{\"username\":\"alice\"}");
	}

	@Test
	void anUpstreamsProblemComesBackUnchanged() throws Exception {
		HttpResponse<String> response = get("/api/chats/conflict");

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body())
			.isEqualTo("{\"type\":\"https://chatapp.io/problems/conflict\",\"title\":\"Conflict\","
					+ "\"status\":409,\"detail\":\"already there\"}");
	}

	@Test
	void rateLimitedKeepsItsRetryAfter() throws Exception {
		HttpResponse<String> response = get("/api/chats/limited");

		assertThat(response.statusCode()).isEqualTo(429);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
		assertThat(response.body()).contains("rate-limited");
	}

	@Test
	void aLongPollIsWaitedFor() throws Exception {
		HttpResponse<String> response = get("/api/sync?since=t1&timeout=1500");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"events\":[],\"nextToken\":\"t2\"}");
	}

	@Test
	void chatsApiRequestsAreSpreadOverBothInstances() throws Exception {
		for (int i = 0; i < 6; i++) {
			assertThat(get("/api/chats").statusCode()).isEqualTo(200);
		}

		assertThat(chatsApi1.received()).hasSize(3);
		assertThat(chatsApi2.received()).hasSize(3);
	}

	@Test
	void aBodyOverTheLimitIsRefusedBeforeItReachesAnUpstream() throws Exception {
		HttpResponse<String> response = this.http
			.send(request("/api/chats/c1/messages").header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("x".repeat(65 * 1024)))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(all("chats-api")).isEmpty();
	}

	@Test
	void theRootServesTheClientsPageRevalidatedOnEveryLoad() throws Exception {
		HttpResponse<String> response = get("/");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(response.body()).contains("<title>test page</title>");
	}

	@Test
	void scriptsAndStylesHaveTheirContentTypes() throws Exception {
		HttpResponse<String> script = get("/app.js");
		HttpResponse<String> style = get("/style.css");

		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
		assertThat(script.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
	}

	@Test
	void anUnknownPathIsAProblemNotAnHtmlPage() throws Exception {
		HttpResponse<String> response = get("/api/nothing-here");

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void healthAndAliveAnswer() throws Exception {
		assertThat(get("/health").statusCode()).isEqualTo(200);
		assertThat(get("/alive").statusCode()).isEqualTo(200);
	}

	private java.util.List<StubUpstream.Received> all(String service) {
		if (service.equals("users-api")) {
			return usersApi.received();
		}
		java.util.List<StubUpstream.Received> both = new java.util.ArrayList<>(chatsApi1.received());
		both.addAll(chatsApi2.received());
		return both;
	}

	private HttpResponse<String> get(String pathAndQuery) throws Exception {
		return this.http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String pathAndQuery) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
			.timeout(Duration.ofSeconds(10));
	}

}
