package io.chatapp.hosting.dashboard;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/resources/{name}} with what the details panel shows: the process's
 * environment and command line with secrets flagged, its working directory and log file,
 * the last health check, restarts, replicas, and the error count of the list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceDetailsApiTests {

	private final Map<String, Instant> errorQueries = new ConcurrentHashMap<>();

	private DistributedApplication app;

	private Dashboard dashboard;

	private DashboardClient client;

	@BeforeAll
	void start() {
		Map<String, String> options = LightModels.options("resource-details");
		options.put("web.args", "--app.api-token=t0ken --verbose");
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options));
		Path jar = LightModels.fakeServiceJar();
		builder.addService("web", jar)
			.withHttpEndpoint(LightModels.freePort())
			.withEnvironment("WEB_DB_PASSWORD", "s3cret")
			.withReplicas(2);
		this.app = builder.build();
		this.dashboard = Dashboard.start(this.app, Dashboard.Settings.loopback(0), null, (resource, since) -> {
			this.errorQueries.put(resource, since);
			return resource.equals("web-2") ? 3 : 0;
		});
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
	void detailsShowHowTheProcessWasStartedWithSecretsFlagged() {
		JsonNode web = this.client.get("/api/resources/web").json();

		assertThat(web.get("service").asText()).isEqualTo("web");
		assertThat(web.get("replicas")).extracting(JsonNode::asText).containsExactly("web", "web-2");
		JsonNode password = find(web.get("environment"), "WEB_DB_PASSWORD");
		assertThat(password.get("value").asText()).isEqualTo("s3cret");
		assertThat(password.get("secret").asBoolean()).isTrue();
		assertThat(find(web.get("environment"), "SERVER_PORT").get("secret").asBoolean()).isFalse();
		assertThat(web.get("commandLine")).extracting((arg) -> arg.get("value").asText())
			.contains("-jar", jar().toString(), "--app.api-token=t0ken", "--verbose");
		assertThat(find(web.get("commandLine"), "--app.api-token").get("secret").asBoolean()).isTrue();
		assertThat(web.get("workingDirectory").asText()).endsWith("resource-details/web");
		assertThat(web.get("logFile").asText()).endsWith("resource-details/logs/web.log");
		JsonNode health = web.get("healthCheck");
		assertThat(health.get("healthy").asBoolean()).isTrue();
		assertThat(health.get("status").asInt()).isEqualTo(200);
		assertThat(health.get("body").asText()).isEqualTo("{\"status\":\"UP\"}");
		assertThat(health.get("target").asText()).endsWith("/health");
		assertThat(Instant.parse(health.get("time").asText())).isBefore(Instant.now().plusSeconds(1));
	}

	@Test
	void theListCountsEachReplicasErrorsSinceItStarted() {
		JsonNode items = this.client.get("/api/resources").json().get("items");

		assertThat(find(items, "web").get("errorCount").asInt()).isZero();
		assertThat(find(items, "web-2").get("errorCount").asInt()).isEqualTo(3);
		assertThat(this.errorQueries.get("web-2"))
			.isEqualTo(Instant.parse(find(items, "web-2").get("startTime").asText()));
	}

	@Test
	void aRestartIsCounted() {
		assertThat(this.client.get("/api/resources/web-2").json().get("restarts").asInt()).isZero();

		assertThat(this.client.post("/api/resources/web-2/restart", null).status()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			JsonNode web = this.client.get("/api/resources/web-2").json();
			assertThat(web.get("state").asText()).isEqualTo("HEALTHY");
			assertThat(web.get("restarts").asInt()).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@CsvSource({ "SPRING_DATASOURCE_PASSWORD,true", "CHATAPP_JWT_SIGNING_KEY,true", "--dashboard.token,true",
			"AWS_SECRET_ACCESS_KEY,true", "OTEL_SERVICE_NAME,false", "SERVER_PORT,false",
			"SPRING_KAFKA_BOOTSTRAP_SERVERS,false", "-XX:SharedArchiveFile,false" })
	void secretsAreRecognisedByName(String name, boolean secret) {
		assertThat(ResourcesApi.isSecret(name)).isEqualTo(secret);
	}

	private static Path jar() {
		return LightModels.fakeServiceJar();
	}

	private static JsonNode find(JsonNode items, String name) {
		for (JsonNode item : items) {
			if (item.get("name").asText().equals(name)) {
				return item;
			}
		}
		throw new AssertionError("No " + name + " in " + items);
	}

}
