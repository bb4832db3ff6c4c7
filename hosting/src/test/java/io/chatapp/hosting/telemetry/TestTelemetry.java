package io.chatapp.hosting.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * Builds OTLP requests by hand (for store and API tests that need exact ids and times)
 * and serves a {@link TelemetryApi} on a free port.
 */
final class TestTelemetry {

	static final long BASE_NANOS = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z

	private static final ObjectMapper JSON = new ObjectMapper();

	private TestTelemetry() {
	}

	static Resource resource(String service, String instance) {
		Resource.Builder resource = Resource.newBuilder().addAttributes(attribute("service.name", service));
		if (instance != null) {
			resource.addAttributes(attribute("service.instance.id", instance));
		}
		return resource.build();
	}

	static KeyValue attribute(String key, String value) {
		return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
	}

	static ByteString id(long value, int bytes) {
		String hex = String.format("%0" + (bytes * 2) + "x", value);
		return ByteString.copyFrom(HexFormat.of().parseHex(hex));
	}

	static String traceId(long value) {
		return String.format("%032x", value);
	}

	static String spanId(long value) {
		return String.format("%016x", value);
	}

	static Span.Builder span(long traceId, long spanId, long parentSpanId, String name, long startMs, long durationMs) {
		Span.Builder span = Span.newBuilder()
			.setTraceId(id(traceId, 16))
			.setSpanId(id(spanId, 8))
			.setName(name)
			.setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
			.setStartTimeUnixNano(BASE_NANOS + startMs * 1_000_000)
			.setEndTimeUnixNano(BASE_NANOS + (startMs + durationMs) * 1_000_000);
		if (parentSpanId != 0) {
			span.setParentSpanId(id(parentSpanId, 8));
		}
		return span;
	}

	static ExportTraceServiceRequest traces(Resource resource, List<Span> spans) {
		return ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(ResourceSpans.newBuilder()
				.setResource(resource)
				.addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
			.build();
	}

	static LogRecord.Builder log(long timeMs, int severityNumber, String message) {
		return LogRecord.newBuilder()
			.setTimeUnixNano(BASE_NANOS + timeMs * 1_000_000)
			.setSeverityNumberValue(severityNumber)
			.setBody(AnyValue.newBuilder().setStringValue(message));
	}

	static ExportLogsServiceRequest logs(Resource resource, List<LogRecord> records) {
		return ExportLogsServiceRequest.newBuilder()
			.addResourceLogs(ResourceLogs.newBuilder()
				.setResource(resource)
				.addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(records)))
			.build();
	}

	static ExportMetricsServiceRequest gauge(Resource resource, String name, String seriesLabel, long timeMs,
			double value) {
		NumberDataPoint point = NumberDataPoint.newBuilder()
			.addAttributes(attribute("series", seriesLabel))
			.setTimeUnixNano(BASE_NANOS + timeMs * 1_000_000)
			.setAsDouble(value)
			.build();
		return metrics(resource, Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addDataPoints(point)));
	}

	static ExportMetricsServiceRequest metrics(Resource resource, Metric.Builder metric) {
		return ExportMetricsServiceRequest.newBuilder()
			.addResourceMetrics(ResourceMetrics.newBuilder()
				.setResource(resource)
				.addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric)))
			.build();
	}

	/**
	 * A {@link TelemetryApi} mounted at {@code /api/telemetry} on a free port, as the
	 * dashboard mounts it.
	 */
	static final class ApiServer implements AutoCloseable {

		private final HttpServer server;

		private final HttpClient client = HttpClient.newHttpClient();

		ApiServer(TelemetryStore store) {
			try {
				this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.server.createContext("/api/telemetry", new TelemetryApi(store));
			this.server.start();
		}

		/**
		 * GETs a path below {@code /api/telemetry}.
		 */
		Reply get(String path) {
			return send(HttpRequest.newBuilder(uri(path)).GET().build());
		}

		Reply send(HttpRequest request) {
			try {
				HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
				return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
						JSON.readTree(response.body()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/telemetry" + path);
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

	record Reply(int status, String contentType, JsonNode json) {
	}

}
