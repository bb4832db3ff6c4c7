package io.chatapp.apphost;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.ResourceState;
import io.chatapp.hosting.dashboard.Dashboard;
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
 * Starts the real model (Kafka broker, PostgreSQL, migration job, services) once with its
 * dashboard, drives it over HTTP like a client, checks what the dashboard shows
 * (resources, a trace across the services, Kafka topics), stops it and checks that
 * nothing is left running. The chats part runs only when the chats jars have been built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppHostEndToEndTests {

	private static final ObjectMapper json = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private Map<String, String> options;

	private DistributedApplication app;

	private Dashboard dashboard;

	private final List<Long> pids = new ArrayList<>();

	@BeforeAll
	void startTheSystem() {
		assumeTrue(TestModels.jarExists("users-api"), "users-api has not been built");
		this.options = TestModels.options("end-to-end");
		this.app = AppHost.build(HostOptions.of(this.options));
		// As AppHost.main does: the dashboard and its OTLP receiver first.
		this.dashboard = Dashboard.start(this.app, HostOptions.of(this.options));
		this.app.start();
		this.app.resources().forEach((resource) -> this.pids.addAll(resource.pids()));
	}

	@AfterAll
	void stopTheSystem() {
		if (this.app != null) {
			this.app.stop();
		}
		if (this.dashboard != null) {
			this.dashboard.close();
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
	void theDashboardListsEveryResourceReady() throws Exception {
		JsonNode items = call("GET", dashboard("/api/resources"), null, null, 200).get("items");
		List<String> names = new ArrayList<>();
		for (JsonNode item : items) {
			names.add(item.get("name").asText());
			if (item.get("state").asText().equals("UNAVAILABLE")) {
				continue;
			}
			if (item.get("kind").asText().equals("job")) {
				assertThat(item.get("stateLabel").asText()).as(item.toString()).isEqualTo("Exited (0)");
			}
			else {
				assertThat(item.get("state").asText()).as(item.toString()).isEqualTo("HEALTHY");
				assertThat(item.get("startTime").asText()).isNotBlank();
			}
		}
		assertThat(names).containsExactly("kafka", "postgres", "db-migration", "users-api", "chats-api", "chats-worker",
				"web");
	}

	@Test
	@Order(5)
	void aTraceCrossesChatsApiUsersApiAndTheWorker() {
		assumeTrue(state("chats-api") == ResourceState.HEALTHY, "chats-api is not running");
		assumeTrue(state("chats-worker") == ResourceState.HEALTHY, "chats-worker is not running");
		// The chat created in @Order(3): chats-api asked users-api over gRPC, the outbox
		// went through Kafka to the worker. One trace (with the traces it links to)
		// holds spans of all three.
		Set<String> wanted = Set.of("chats-api", "users-api", "chats-worker");
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			JsonNode traces = call("GET", dashboard("/api/telemetry/traces?service=chats-api&limit=100"), null, null,
					200)
				.get("items");
			Set<String> best = new HashSet<>();
			for (JsonNode trace : traces) {
				JsonNode detail = call("GET", dashboard("/api/telemetry/traces/" + trace.get("traceId").asText()), null,
						null, 200);
				Set<String> services = new HashSet<>();
				detail.get("spans").forEach((span) -> services.add(span.get("service").asText()));
				if (services.containsAll(wanted)) {
					best = services;
					break;
				}
				best = (services.size() > best.size()) ? services : best;
			}
			assertThat(best).containsAll(wanted);
		});
	}

	@Test
	@Order(6)
	void theKafkaPageListsChatEventsWithTwelvePartitions() throws Exception {
		assumeTrue(state("chats-api") == ResourceState.HEALTHY, "chats-api is not running");
		JsonNode topics = call("GET", dashboard("/api/kafka/topics"), null, null, 200).get("items");
		assertThat(topics).anySatisfy((topic) -> {
			assertThat(topic.get("name").asText()).isEqualTo("chat.events");
			assertThat(topic.get("partitionCount").asInt()).isEqualTo(12);
		});
	}

	@Test
	@Order(7)
	void theBrowsersOriginReachesUsersApiAndChatsApi() throws Exception {
		assumeTrue(state("web") == ResourceState.HEALTHY, "web is not running");
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String username = "carol" + suffix;
		call("POST", web("/api/users"), null,
				"{\"username\":\"" + username + "\",\"displayName\":\"Carol\",\"email\":\"" + username
						+ "@example.com\",\"password\":\"correct horse battery\"}",
				201);
		String token = call("POST", web("/api/auth/token"), null,
				"{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}", 200)
			.get("accessToken")
			.asText();
		assertThat(call("GET", web("/api/users/me"), token, null, 200).get("username").asText()).isEqualTo(username);
		call("GET", web("/api/users/me"), null, null, 401);
		if (state("chats-api") == ResourceState.HEALTHY) {
			JsonNode chat = call("POST", web("/api/chats"), token,
					"{\"type\":\"group\",\"title\":\"web\",\"memberIds\":[]}", 201);
			assertThat(
					call("GET", web("/api/chats/" + chat.get("id").asText()), token, null, 200).get("title").asText())
				.isEqualTo("web");
		}
	}

	@Test
	@Order(8)
	void stoppingLeavesNoProcessAndNoBusyPort() {
		this.app.stop();
		this.dashboard.close();
		assertThat(this.pids)
			.allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
		assertThat(this.app.liveRecordedProcesses()).isEmpty();
		for (String key : List.of("kafka.port", "kafka.controller-port", "postgres.port", "users-api.port",
				"users-api.grpc-port", "chats-api.port", "chats-worker.port", "web.port", "dashboard.port",
				"otlp.http-port", "otlp.grpc-port")) {
			assertThat(TestModels.isFree(Integer.parseInt(this.options.get(key)))).as(key + " is free").isTrue();
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

	private String web(String path) {
		return "http://127.0.0.1:" + this.options.get("web.port") + path;
	}

	private String dashboard(String path) {
		return "http://127.0.0.1:" + this.options.get("dashboard.port") + path;
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
