package io.chatapp.apphost;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Starts the real model (Kafka broker, PostgreSQL, migration job, services) once, drives
 * it over HTTP like a client, stops it and checks that nothing is left running. The chats
 * part runs only when the chats jars have been built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppHostEndToEndTests {

	private static final ObjectMapper json = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private Map<String, String> options;

	private DistributedApplication app;

	private final List<Long> pids = new ArrayList<>();

	@BeforeAll
	void startTheSystem() {
		assumeTrue(TestModels.jarExists("users-api"), "users-api has not been built");
		this.options = TestModels.options("end-to-end");
		this.app = AppHost.build(AppHostOptions.of(this.options));
		this.app.start();
		this.app.resources().forEach((resource) -> this.pids.addAll(resource.pids()));
	}

	@AfterAll
	void stopTheSystem() {
		if (this.app != null) {
			this.app.stop();
		}
	}

	@Test
	@Order(1)
	void everyResourceThatCanStartIsReady() {
		assertThat(state("kafka")).isEqualTo(ResourceState.HEALTHY);
		assertThat(state("postgres")).isEqualTo(ResourceState.HEALTHY);
		assertThat(this.app.resource("db-migration").orElseThrow().snapshot().exitCode()).isZero();
		assertThat(state("users-api")).isEqualTo(ResourceState.HEALTHY);
		assertThat(this.pids).hasSizeGreaterThanOrEqualTo(4);
	}

	@Test
	@Order(2)
	void aUserRegistersGetsATokenAndReadsTheirProfile() throws Exception {
		String username = "alice" + UUID.randomUUID().toString().substring(0, 8);
		String token = registerAndLogIn(username);
		JsonNode me = call("GET", users("/api/users/me"), token, null, 200);
		assertThat(me.get("username").asText()).isEqualTo(username);
	}

	@Test
	@Order(3)
	void aDirectMessageReachesTheWorker() throws Exception {
		assumeTrue(state("chats-api") == ResourceState.HEALTHY, "chats-api is not running");
		assumeTrue(state("chats-worker") == ResourceState.HEALTHY, "chats-worker is not running");
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String aliceToken = registerAndLogIn("alice" + suffix);
		String bobToken = registerAndLogIn("bob" + suffix);
		String bobId = call("GET", users("/api/users/me"), bobToken, null, 200).get("id").asText();

		JsonNode chat = call("POST", chats("/api/chats"), aliceToken,
				"{\"type\":\"direct\",\"memberIds\":[\"" + bobId + "\"]}", 201);
		String chatId = chat.get("id").asText();
		call("POST", chats("/api/chats/" + chatId + "/messages"), aliceToken, "{\"content\":\"hello bob\"}", 201);

		// The worker consumes chat.events and writes Bob's notification.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			JsonNode notifications = call("GET", chats("/api/notifications"), bobToken, null, 200);
			assertThat(notifications.get("items"))
				.anySatisfy((item) -> assertThat(item.get("chatId").asText()).isEqualTo(chatId));
		});
	}

	@Test
	@Order(4)
	void stoppingLeavesNoProcessAndNoBusyPort() {
		this.app.stop();
		assertThat(this.pids)
			.allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
		assertThat(this.app.liveRecordedProcesses()).isEmpty();
		for (String key : List.of("kafka.port", "kafka.controller-port", "postgres.port", "users-api.port",
				"users-api.grpc-port", "chats-api.port", "chats-worker.port")) {
			assertThat(Processes.isFree(Integer.parseInt(this.options.get(key)))).as(key + " is free").isTrue();
		}
	}

	private ResourceState state(String name) {
		return this.app.resource(name).orElseThrow().state();
	}

	private String registerAndLogIn(String username) throws Exception {
		call("POST", users("/api/users"), null, "{\"username\":\"" + username + "\",\"displayName\":\"" + username
				+ "\",\"email\":\"" + username + "@example.com\",\"password\":\"correct horse battery\"}", 201);
		JsonNode token = call("POST", users("/api/auth/token"), null,
				"{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}", 200);
		return token.get("accessToken").asText();
	}

	private String users(String path) {
		return "http://127.0.0.1:" + this.options.get("users-api.port") + path;
	}

	private String chats(String path) {
		return "http://127.0.0.1:" + this.options.get("chats-api.port") + path;
	}

	private JsonNode call(String method, String url, String token, String body, int expectedStatus) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + url + " -> " + response.body()).isEqualTo(expectedStatus);
		return json.readTree(response.body().isEmpty() ? "{}" : response.body());
	}

}
