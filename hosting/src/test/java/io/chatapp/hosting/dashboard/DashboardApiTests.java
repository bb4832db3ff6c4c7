package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.telemetry.TelemetryApi;
import io.chatapp.hosting.telemetry.TelemetryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's resource, console-log and page endpoints over a light real model: a job
 * {@code setup} and a service {@code web}, both real child processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiTests {

	private DistributedApplication app;

	private Dashboard dashboard;

	private DashboardClient client;

	@BeforeAll
	void start() {
		this.app = LightModels.jobAndService("api");
		// Before the model, as the AppHost does: start times come from the state changes.
		this.dashboard = Dashboard.start(this.app, Dashboard.Settings.loopback(0),
				new TelemetryApi(new TelemetryStore()));
		this.client = new DashboardClient(this.dashboard.url());
		this.app.start();
	}

	@AfterAll
	void stop() {
		if (this.app != null) {
			this.app.stop();
		}
		if (this.dashboard != null) {
			this.dashboard.close();
		}
	}

	@Test
	void resourcesListEveryResourceWithStateHealthStartTimeAndEndpoints() {
		JsonNode items = this.client.get("/api/resources").json().get("items");
		assertThat(items).extracting((item) -> item.get("name").asText()).containsExactly("setup", "web");

		JsonNode setup = items.get(0);
		assertThat(setup.get("kind").asText()).isEqualTo("job");
		assertThat(setup.get("state").asText()).isEqualTo("EXITED");
		assertThat(setup.get("stateLabel").asText()).isEqualTo("Exited (0)");
		assertThat(setup.get("exitCode").asInt()).isZero();

		JsonNode web = this.client.get("/api/resources/web").json();
		assertThat(web.get("kind").asText()).isEqualTo("project");
		assertThat(web.get("state").asText()).isEqualTo("HEALTHY");
		assertThat(web.get("health").asText()).isEqualTo("Healthy");
		assertThat(web.get("startTime").asText()).isNotBlank();
		assertThat(web.get("pids")).hasSize(1);
		assertThat(web.get("endpoints").get(0).get("href").asText()).startsWith("http://127.0.0.1:");
		assertThat(web.get("actions").get("stop").asBoolean()).isTrue();
		assertThat(web.get("actions").get("start").asBoolean()).isFalse();
	}

	@Test
	void theAppHostReportsItsApplicationProfileProcessAndTimeToReady() {
		JsonNode apphost = this.client.get("/api/apphost").json();
		assertThat(apphost.get("name").asText()).isEqualTo("Light");
		assertThat(apphost.get("services")).extracting(JsonNode::asText).containsExactly("setup", "web");
		assertThat(apphost.get("profile").asText()).isEqualTo("development");
		assertThat(apphost.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
		// The model is started in this test's JVM, after the JVM itself started.
		assertThat(apphost.get("readyInMs").asLong()).isPositive();
		assertThat(this.client.get("/api/apphost/nothing").status()).isEqualTo(404);
	}

	@Test
	void badResourceRequestsAnswer4xxJson() {
		assertError(this.client.get("/api/resources/nope"), 404, "No resource named nope");
		assertError(this.client.post("/api/resources/web/explode", null), 404, "Unknown action");
		assertError(this.client.get("/api/resources/web/stop"), 405, "GET");
		assertError(this.client.post("/api/resources", null), 405, "POST");
		assertError(this.client.post("/api/resources/web/start", null), 409, "Cannot start web");
		assertError(this.client.get("/api/nothing-here"), 404, "No API");
	}

	@Test
	void aServiceStopsStartsAndRestartsThroughTheApi() {
		long firstPid = this.client.get("/api/resources/web").json().get("pids").get(0).asLong();

		assertThat(this.client.post("/api/resources/web/stop", null).status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.client.get("/api/resources/web").json().get("state").asText(), "EXITED"::equals);
		JsonNode stopped = this.client.get("/api/resources/web").json();
		assertThat(stopped.get("pids")).isEmpty();
		assertThat(stopped.get("actions").get("start").asBoolean()).isTrue();
		assertThat(stopped.get("stopTime").asText()).isNotBlank();

		assertThat(this.client.post("/api/resources/web/start", null).status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.client.get("/api/resources/web").json().get("state").asText(), "HEALTHY"::equals);

		assertThat(this.client.post("/api/resources/web/restart", null).status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			JsonNode web = this.client.get("/api/resources/web").json();
			assertThat(web.get("state").asText()).isEqualTo("HEALTHY");
			assertThat(web.get("pids")).hasSize(1);
			assertThat(web.get("pids").get(0).asLong()).isNotEqualTo(firstPid);
		});
	}

	@Test
	void consoleLogsTailOneResourceOrAllAndSearch() {
		JsonNode all = this.client.get("/api/logs/console").json();
		assertThat(all.get("items")).extracting((item) -> item.get("resource").asText()).contains("setup", "web");
		assertThat(all.get("items"))
			.anySatisfy((item) -> assertThat(item.get("text").asText()).isEqualTo("setup job done"));
		long last = all.get("last").asLong();

		// Something new: only it comes after "last".
		String word = "marker" + UUID.randomUUID().toString().substring(0, 8);
		String web = this.client.get("/api/resources/web").json().get("endpoints").get(0).get("href").asText();
		new DashboardClient(web).get("/say?text=" + word);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode newer = this.client.get("/api/logs/console?resource=web&after=" + last).json();
			assertThat(newer.get("items")).extracting((item) -> item.get("text").asText()).contains("web says " + word);
			assertThat(newer.get("items")).allSatisfy((item) -> {
				assertThat(item.get("seq").asLong()).isGreaterThan(last);
				assertThat(item.get("resource").asText()).isEqualTo("web");
			});
		});

		JsonNode found = this.client.get("/api/logs/console?q=" + word.toUpperCase()).json();
		assertThat(found.get("items")).hasSize(1);
		assertThat(found.get("items").get(0).get("text").asText()).isEqualTo("web says " + word);

		assertError(this.client.get("/api/logs/console?resource=nope"), 404, "No resource named nope");
		assertError(this.client.get("/api/logs/console?after=yesterday"), 400, "after must be a number");
		assertError(this.client.get("/api/logs/console?limit=0"), 400, "limit must be a number");
	}

	@Test
	void pagesAndAssetsComeFromTheJar() {
		for (String page : List.of("/", "/console", "/structured", "/traces", "/trace", "/metrics", "/kafka")) {
			DashboardClient.Reply reply = this.client.get(page);
			assertThat(reply.status()).as(page).isEqualTo(200);
			assertThat(reply.contentType()).as(page).startsWith("text/html");
			assertThat(reply.text()).as(page).contains("/static/common.js").doesNotContain("https://");
		}
		assertThat(this.client.get("/static/app.css").contentType()).startsWith("text/css");
		assertThat(this.client.get("/static/resources.js").contentType()).startsWith("text/javascript");
		assertThat(this.client.get("/static/nope.js").status()).isEqualTo(404);
		assertThat(this.client.get("/static/../Dashboard.class").status()).isEqualTo(404);
		assertThat(this.client.get("/no-such-page").status()).isEqualTo(404);
	}

	@Test
	void theTelemetryApiIsMounted() {
		DashboardClient.Reply traces = this.client.get("/api/telemetry/traces");
		assertThat(traces.status()).isEqualTo(200);
		assertThat(traces.json().get("items")).isEmpty();
		assertThat(this.client.get("/api/telemetry/traces/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
	}

	@Test
	void aForeignHostOrOriginIsRefused() throws IOException {
		// DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own Host.
		assertThat(rawRequest("GET /api/resources HTTP/1.1\r\nHost: evil.example:" + this.dashboard.port()
				+ "\r\nConnection: close\r\n\r\n"))
			.startsWith("HTTP/1.1 403");
		assertThat(rawRequest("POST /api/resources/web/stop HTTP/1.1\r\nHost: 127.0.0.1:" + this.dashboard.port()
				+ "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			.startsWith("HTTP/1.1 403");
		assertThat(rawRequest("GET /api/resources HTTP/1.1\r\nHost: localhost:" + this.dashboard.port()
				+ "\r\nConnection: close\r\n\r\n"))
			.startsWith("HTTP/1.1 200");
	}

	private String rawRequest(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.dashboard.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	static void assertError(DashboardClient.Reply reply, int status, String message) {
		assertThat(reply.status()).as(reply.text()).isEqualTo(status);
		assertThat(reply.contentType()).startsWith("application/json");
		assertThat(reply.json().get("error").asText()).contains(message);
	}

}
