package io.chatapp.hosting.dashboard;

import java.util.HexFormat;
import java.util.List;

import com.google.protobuf.ByteString;
import io.chatapp.hosting.telemetry.TelemetryStore;
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
import io.opentelemetry.proto.trace.v1.Status;

/**
 * Fills a telemetry store with what sending a chat message produces, for pages to show
 * without the whole system: chats-api handles the request and asks users-api over gRPC,
 * the outbox relay publishes to Kafka, and chats-worker consumes it in a trace of its own
 * that links back to the publish.
 */
final class SyntheticTelemetry {

	static final String SEND_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final String WORKER_TRACE = "7a3c1f0e9b8d4c2a8e6f5d4c3b2a1908";

	private SyntheticTelemetry() {
	}

	static TelemetryStore fill(TelemetryStore store) {
		long start = System.currentTimeMillis() - 5_000;
		Span.Builder request = span(SEND_TRACE, "a000000000000001", null, "POST /api/chats/{chatId}/messages", start,
				48, Span.SpanKind.SPAN_KIND_SERVER)
			.addAttributes(attribute("http.request.method", "POST"))
			.addAttributes(attribute("http.route", "/api/chats/{chatId}/messages"))
			.addAttributes(attribute("http.response.status_code", "201"));
		Span.Builder grpcClient = span(SEND_TRACE, "a000000000000002", "a000000000000001", "users.v1.Users/GetUsers",
				start + 3, 9, Span.SpanKind.SPAN_KIND_CLIENT)
			.addAttributes(attribute("rpc.system", "grpc"))
			.addAttributes(attribute("rpc.service", "users.v1.Users"));
		Span.Builder insert = span(SEND_TRACE, "a000000000000003", "a000000000000001", "INSERT chats.outbox",
				start + 15, 5, Span.SpanKind.SPAN_KIND_CLIENT)
			.addAttributes(attribute("db.system.name", "postgresql"));
		Span.Builder publish = span(SEND_TRACE, "a000000000000004", "a000000000000001", "chat.events publish",
				start + 30, 6, Span.SpanKind.SPAN_KIND_PRODUCER)
			.addAttributes(attribute("messaging.system", "kafka"))
			.addAttributes(attribute("messaging.destination.name", "chat.events"));
		Span.Builder grpcServer = span(SEND_TRACE, "b000000000000001", "a000000000000002", "users.v1.Users/GetUsers",
				start + 4, 7, Span.SpanKind.SPAN_KIND_SERVER)
			.addAttributes(attribute("rpc.system", "grpc"))
			.addAttributes(attribute("rpc.service", "users.v1.Users"));
		Span.Builder select = span(SEND_TRACE, "b000000000000002", "b000000000000001", "SELECT users.users", start + 5,
				4, Span.SpanKind.SPAN_KIND_CLIENT)
			.addAttributes(attribute("db.system.name", "postgresql"));
		Span.Builder consume = span(WORKER_TRACE, "c000000000000001", null, "chat.events process", start + 40, 12,
				Span.SpanKind.SPAN_KIND_CONSUMER)
			.addAttributes(attribute("messaging.system", "kafka"))
			.addAttributes(attribute("messaging.consumer.group.name", "chats-worker"))
			.addLinks(Span.Link.newBuilder().setTraceId(id(SEND_TRACE)).setSpanId(id("a000000000000004")))
			.addEvents(Span.Event.newBuilder()
				.setName("notification stored")
				.setTimeUnixNano((start + 49) * 1_000_000)
				.addAttributes(attribute("notifications", "1")));
		Span.Builder failed = span("5e8d2c1b0a9f4e3d2c1b0a9f8e7d6c5b", "a000000000000009", null,
				"GET /api/chats/{chatId}", start + 2_000, 7, Span.SpanKind.SPAN_KIND_SERVER)
			.addAttributes(attribute("http.response.status_code", "500"))
			.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));

		store.add(traces("chats-api", request, grpcClient, insert, publish, failed));
		store.add(traces("users-api", grpcServer, select));
		store.add(traces("chats-worker", consume));
		store.add(logs("chats-api", log(start + 20, 9, "Message stored in chat 42", SEND_TRACE, "a000000000000001"),
				log(start + 2_005, 17, "Request failed: boom", "5e8d2c1b0a9f4e3d2c1b0a9f8e7d6c5b",
						"a000000000000009")));
		store.add(logs("users-api", log(start + 6, 9, "Looked up 2 users", SEND_TRACE, "b000000000000001")));
		store.add(logs("chats-worker",
				log(start + 50, 13, "Notification for bob is slow", WORKER_TRACE, "c000000000000001")));
		for (int i = 0; i < 20; i++) {
			long time = start - 20_000 + i * 1_000L;
			store.add(gauge("chats-api", "jvm.memory.used", "By", time, 60e6 + 8e6 * Math.sin(i / 3.0)));
		}
		return store;
	}

	private static Resource resource(String service) {
		return Resource.newBuilder()
			.addAttributes(attribute("service.name", service))
			.addAttributes(attribute("service.instance.id", service))
			.build();
	}

	private static KeyValue attribute(String key, String value) {
		return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
	}

	private static ByteString id(String hex) {
		return ByteString.copyFrom(HexFormat.of().parseHex(hex));
	}

	private static Span.Builder span(String traceId, String spanId, String parentId, String name, long startMs,
			long durationMs, Span.SpanKind kind) {
		Span.Builder span = Span.newBuilder()
			.setTraceId(id(traceId))
			.setSpanId(id(spanId))
			.setName(name)
			.setKind(kind)
			.setStartTimeUnixNano(startMs * 1_000_000)
			.setEndTimeUnixNano((startMs + durationMs) * 1_000_000);
		if (parentId != null) {
			span.setParentSpanId(id(parentId));
		}
		return span;
	}

	private static ExportTraceServiceRequest traces(String service, Span.Builder... spans) {
		ScopeSpans.Builder scope = ScopeSpans.newBuilder();
		for (Span.Builder span : spans) {
			scope.addSpans(span);
		}
		return ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service)).addScopeSpans(scope))
			.build();
	}

	private static LogRecord log(long timeMs, int severityNumber, String message, String traceId, String spanId) {
		return LogRecord.newBuilder()
			.setTimeUnixNano(timeMs * 1_000_000)
			.setSeverityNumberValue(severityNumber)
			.setBody(AnyValue.newBuilder().setStringValue(message))
			.setTraceId(id(traceId))
			.setSpanId(id(spanId))
			.addAttributes(attribute("logger.name", "io.chatapp.example"))
			.build();
	}

	private static ExportLogsServiceRequest logs(String service, LogRecord... records) {
		return ExportLogsServiceRequest.newBuilder()
			.addResourceLogs(ResourceLogs.newBuilder()
				.setResource(resource(service))
				.addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records))))
			.build();
	}

	private static ExportMetricsServiceRequest gauge(String service, String name, String unit, long timeMs,
			double value) {
		NumberDataPoint point = NumberDataPoint.newBuilder()
			.addAttributes(attribute("jvm.memory.type", "heap"))
			.setTimeUnixNano(timeMs * 1_000_000)
			.setAsDouble(value)
			.build();
		return ExportMetricsServiceRequest.newBuilder()
			.addResourceMetrics(ResourceMetrics.newBuilder()
				.setResource(resource(service))
				.addScopeMetrics(ScopeMetrics.newBuilder()
					.addMetrics(Metric.newBuilder()
						.setName(name)
						.setUnit(unit)
						.setDescription("Measure of memory used.")
						.setGauge(Gauge.newBuilder().addDataPoints(point)))))
			.build();
	}

}
