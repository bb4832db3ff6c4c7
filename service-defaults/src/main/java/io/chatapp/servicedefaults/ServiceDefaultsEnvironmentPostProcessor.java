package io.chatapp.servicedefaults;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Default configuration shared by every ChatApp service, added with the lowest precedence
 * so that any application property, environment variable or argument overrides it.
 *
 * <p>
 * Runs after Spring Boot has mapped the standard {@code OTEL_*} environment variables to
 * its properties, so it can tell whether an OTLP endpoint was given.
 */
public class ServiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "chatappServiceDefaults";

	/**
	 * Kafka 4 prints every client's configuration from {@code AbstractConfig}'s logger;
	 * older clients used the concrete class's.
	 */
	static final List<String> KAFKA_CONFIG_LOGGERS = List.of("org.apache.kafka.common.config.AbstractConfig",
			"org.apache.kafka.clients.producer.ProducerConfig", "org.apache.kafka.clients.consumer.ConsumerConfig",
			"org.apache.kafka.clients.admin.AdminClientConfig", "org.apache.kafka.common.utils.AppInfoParser");

	/**
	 * {@code [traceId-spanId] } from the MDC that Micrometer Tracing fills, dropped whole
	 * when neither is set (the block is then exactly {@code "[-] "}).
	 */
	static final String CORRELATION_PATTERN = "%replace([%X{traceId:-}-%X{spanId:-}] ){'^.-. $', ''}";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		// /alive: the process is live; /health: ready, every health check included
		// (database, Kafka, ...).
		defaults.put("management.endpoints.web.exposure.include", "health,info,metrics");
		defaults.put("management.endpoint.health.probes.enabled", "true");
		defaults.put("management.endpoint.health.group.liveness.include", "livenessState");
		defaults.put("management.endpoint.health.group.liveness.additional-path", "server:/alive");
		defaults.put("management.endpoint.health.group.readiness.include", "*");
		defaults.put("management.endpoint.health.group.readiness.additional-path", "server:/health");
		defaults.put("management.endpoint.health.group.readiness.show-components", "always");
		// Traces: everything is sampled locally; W3C trace context across HTTP, gRPC and
		// Kafka.
		defaults.put("management.tracing.sampling.probability", "1.0");
		defaults.put("management.tracing.propagation.type", "w3c");
		// Spring Security observes each filter of every request (timers and a span per
		// filter): a measurable share of a request's cost, while the HTTP server span
		// already covers the request.
		defaults.put("management.observations.enable.spring.security", "false");
		// Database spans: one per statement, named after what it does ("SELECT outbox");
		// no spans for taking a connection or reading a result set, and never the
		// statement's parameter values (they can be passwords or tokens).
		defaults.put("jdbc.includes", "query");
		defaults.put("jdbc.datasource-proxy.include-parameter-values", "false");
		defaults.put("spring.kafka.template.observation-enabled", "true");
		defaults.put("spring.kafka.listener.observation-enabled", "true");
		// Metrics go out over OTLP only when an endpoint is configured
		// (OTEL_EXPORTER_OTLP_ENDPOINT or
		// the Spring property); otherwise the registry would retry localhost:4318
		// forever.
		defaults.put("management.otlp.metrics.export.enabled",
				Boolean.toString(environment.containsProperty("management.otlp.metrics.export.url")));
		// Logs: every Kafka client prints its whole configuration (a screenful) and its
		// version at INFO when it starts; WARN keeps their warnings.
		for (String logger : KAFKA_CONFIG_LOGGERS) {
			defaults.put("logging.level." + logger, "WARN");
		}
		// The trace and span of the record, only when there is one: "[trace-span] " in
		// requests and consumers, nothing at all elsewhere (Spring Boot's default prints
		// an empty block of blanks on every other line).
		defaults.put("logging.pattern.correlation", CORRELATION_PATTERN);
		// Errors: RFC 9457 problem details, never a stack trace.
		defaults.put("spring.mvc.problemdetails.enabled", "true");
		defaults.put("server.error.include-stacktrace", "never");
		defaults.put("server.error.include-message", "always");
		defaults.put("server.shutdown", "graceful");
		defaults.put("springdoc.api-docs.version", "openapi_3_1");
		defaults.put("spring.grpc.client.channel.default.deadline", "5s");
		// With the database down, a request fails within seconds (503) instead of
		// holding its thread for Hikari's default 30 s.
		defaults.put("spring.datasource.hikari.connection-timeout", "3000");
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
