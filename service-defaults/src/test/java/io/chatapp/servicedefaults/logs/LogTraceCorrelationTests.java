package io.chatapp.servicedefaults.logs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chatapp.servicedefaults.web.ProblemException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log records written while serving a request carry the request's trace and span, in the
 * exported OTLP record (its trace and span id fields) and in the console line; every
 * failed request leaves one such record.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chatapp.web.public-paths=/public/**", "spring.application.name=log-trace-test",
				"management.opentelemetry.logging.export.schedule-delay=50ms",
				"management.opentelemetry.tracing.export.schedule-delay=50ms",
				// Kafka is on the test classpath only for the Kafka health tests.
				"spring.autoconfigure.exclude=org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration" })
class LogTraceCorrelationTests {

	private static final Logger log = LoggerFactory.getLogger(LogTraceCorrelationTests.class);

	private static final String TOKEN = "secret-token-" + UUID.randomUUID();

	private static final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	InMemoryLogRecordExporter logs;

	@Autowired
	InMemorySpanExporter spans;

	@LocalServerPort
	int port;

	@Test
	void aRecordLoggedWhileServingARequestCarriesItsTraceAndSpan(CapturedOutput output) throws Exception {
		String marker = "marker-" + UUID.randomUUID();

		get("/public/log?marker=" + marker);

		LogRecordData record = awaitRecord(marker);
		// Other tests call the same route; the span to match is the one of this request.
		SpanData server = serverSpan("/public/log", record.getSpanContext().getTraceId());
		assertThat(record.getSpanContext().getSpanId()).isEqualTo(server.getSpanId());
		assertThat(output).contains("[" + server.getTraceId() + "-" + server.getSpanId() + "] ");
	}

	@Test
	void aConsoleLineOutsideATraceHasNoEmptyCorrelationBlock(CapturedOutput output) {
		String marker = "outside-" + UUID.randomUUID();

		log.info("Not in a trace: {}", marker);

		String line = output.getAll().lines().filter((it) -> it.contains(marker)).findFirst().orElseThrow();
		// Spring Boot's default would print "[" and 49 blanks and "]".
		assertThat(line).doesNotContain("[-]").doesNotContainPattern("\\[ {20,}\\]");
	}

	@Test
	void aServerErrorIsLoggedAtErrorWithItsExceptionInTheRequestsTrace() throws Exception {
		String marker = UUID.randomUUID().toString();

		HttpResponse<String> response = get("/public/fail/" + marker);

		assertThat(response.statusCode()).isEqualTo(500);
		LogRecordData record = awaitRecord("GET /public/fail/{id} -> 500 Internal Server Error");
		assertThat(record.getSeverity()).isEqualTo(Severity.ERROR);
		assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.type")))
			.isEqualTo(IllegalStateException.class.getName());
		assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.message"))).contains(marker);
		serverSpan("/public/fail/{id}", record.getSpanContext().getTraceId());
	}

	@Test
	void clientErrorsAreLoggedOnceAtInfoWithTheirProblemTitleInTheRequestsTrace() throws Exception {
		assertThat(get("/public/conflict").statusCode()).isEqualTo(409);
		assertThat(get("/public/no-such-thing").statusCode()).isEqualTo(404);
		assertThat(get("/public/count?n=x").statusCode()).isEqualTo(400);

		LogRecordData conflict = awaitRecord("GET /public/conflict -> 409 Conflict");
		assertThat(conflict.getSeverity()).isEqualTo(Severity.INFO);
		serverSpan("/public/conflict", conflict.getSpanContext().getTraceId());
		LogRecordData notFound = awaitRecord("GET /public/no-such-thing -> 404 Not Found");
		assertThat(notFound.getSpanContext().isValid()).isTrue();
		awaitRecord("GET /public/count -> 400 Invalid request");
		assertThat(records("/public/conflict -> 409")).hasSize(1);
	}

	@Test
	void aRefusedTokenIsLoggedWithoutTheToken() throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(uri("/api/private")).header("Authorization", "Bearer " + TOKEN).build(),
				BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(401);
		LogRecordData record = awaitRecord("GET /api/private -> 401 Unauthorized");
		assertThat(record.getSpanContext().isValid()).isTrue();
		assertThat(this.logs.getFinishedLogRecordItems())
			.noneSatisfy((item) -> assertThat(item.getBodyValue().asString() + item.getAttributes()).contains(TOKEN));
	}

	@Test
	void aFailingProbeIsNotLoggedAsAFailedRequest() throws Exception {
		assertThat(get("/actuator/no-such-endpoint").statusCode()).isGreaterThanOrEqualTo(400);
		String marker = "after-probe-" + UUID.randomUUID();
		get("/public/log?marker=" + marker);
		awaitRecord(marker);

		assertThat(records("/actuator/no-such-endpoint")).isEmpty();
	}

	@Test
	void aBodyTooLargeIsLoggedInsideTheRequestsTrace() throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/public/log?marker=big"))
			.POST(BodyPublishers.ofString("x".repeat(70 * 1024)))
			.build(), BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(413);
		LogRecordData record = awaitRecord("POST /public/log -> 413 Request too large");
		assertThat(record.getSpanContext().isValid()).isTrue();
	}

	private LogRecordData awaitRecord(String text) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> records(text), (found) -> !found.isEmpty()).get(0);
	}

	private List<LogRecordData> records(String text) {
		return this.logs.getFinishedLogRecordItems()
			.stream()
			.filter((item) -> item.getBodyValue() != null && item.getBodyValue().asString().contains(text))
			.toList();
	}

	/**
	 * The server span for {@code route} in the given trace; fails when that trace has no
	 * such span.
	 */
	private SpanData serverSpan(String route, String traceId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getName().endsWith(" " + route) && span.getTraceId().equals(traceId))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LoggingController.class)
	static class TestApplication {

		@Bean
		InMemoryLogRecordExporter logRecordExporter() {
			return InMemoryLogRecordExporter.create();
		}

		@Bean
		InMemorySpanExporter spanExporter() {
			return InMemorySpanExporter.create();
		}

		@Bean
		JwtDecoder jwtDecoder() {
			return (token) -> {
				throw new BadJwtException("No token is valid here");
			};
		}

	}

	@RestController
	static class LoggingController {

		@GetMapping("/public/log")
		String log(@RequestParam String marker) {
			log.info("Handling {}", marker);
			return "logged";
		}

		@GetMapping("/public/fail/{id}")
		String fail(@PathVariable String id) {
			throw new IllegalStateException("Failed on purpose: " + id);
		}

		@GetMapping("/public/conflict")
		String conflict() {
			throw ProblemException.conflict("Already there", List.of());
		}

		@GetMapping("/public/count")
		int count(@RequestParam int n) {
			return n;
		}

		@GetMapping("/api/private")
		String secret() {
			return "secret";
		}

	}

}
