package io.chatapp.servicedefaults;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.LoggerContext;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logs and traces leave the process over OTLP/HTTP when endpoints are configured: a tiny
 * HTTP server stands in for the collector and records what it receives.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.application.name=otel-test",
				"management.opentelemetry.logging.export.schedule-delay=100ms",
				"management.opentelemetry.tracing.export.schedule-delay=100ms" })
class OpenTelemetryExportTests {

	private static final Logger log = LoggerFactory.getLogger(OpenTelemetryExportTests.class);

	private static final List<Received> received = new CopyOnWriteArrayList<>();

	private static final HttpServer collector = startCollector();

	@Autowired
	ObservationRegistry observations;

	@DynamicPropertySource
	static void otlpEndpoints(DynamicPropertyRegistry registry) {
		String base = "http://127.0.0.1:" + collector.getAddress().getPort();
		registry.add("management.opentelemetry.logging.export.otlp.endpoint", () -> base + "/v1/logs");
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", () -> base + "/v1/traces");
	}

	@AfterAll
	static void stopCollector() {
		collector.stop(0);
	}

	@Test
	void theOpenTelemetryAppenderIsAttachedToTheRootLogger() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

		assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("OTEL"))
			.isInstanceOf(OpenTelemetryAppender.class)
			.satisfies((appender) -> assertThat(appender.isStarted()).isTrue());
	}

	@Test
	void aLogLineIsExportedToTheLogsEndpoint() {
		String marker = "log-marker-" + UUID.randomUUID();

		log.info("Exported over OTLP: {}", marker);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received).anySatisfy((request) -> {
			assertThat(request.path()).isEqualTo("/v1/logs");
			assertThat(request.body()).contains(marker);
		}));
	}

	@Test
	void aSpanIsExportedToTheTracesEndpoint() {
		String name = "span-marker-" + UUID.randomUUID();

		Observation.createNotStarted(name, this.observations).observe(() -> log.info("inside the span"));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received).anySatisfy((request) -> {
			assertThat(request.path()).isEqualTo("/v1/traces");
			assertThat(request.body()).contains(name);
		}));
	}

	private static HttpServer startCollector() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", (exchange) -> {
				try (InputStream body = exchange.getRequestBody()) {
					// Protobuf keeps strings as plain UTF-8, so markers can be found in
					// the raw body.
					received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
							new String(body.readAllBytes(), StandardCharsets.ISO_8859_1)));
				}
				exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Received(String method, String path, String body) {
		Received {
			assertThat(method).isEqualTo("POST");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
