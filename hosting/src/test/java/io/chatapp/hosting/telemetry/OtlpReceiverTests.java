package io.chatapp.hosting.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.telemetry.TestTelemetry.ApiServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Sends telemetry with the real OpenTelemetry SDK exporters (OTLP/HTTP protobuf and
 * OTLP/gRPC) to a running receiver and reads it back through the JSON API.
 */
class OtlpReceiverTests {

	private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

	private final HttpClient http = HttpClient.newHttpClient();

	private TelemetryStore store;

	private OtlpReceiver receiver;

	private ApiServer api;

	@BeforeEach
	void start() {
		start(new TelemetryStore());
	}

	private void start(TelemetryStore store) {
		stop();
		this.store = store;
		this.receiver = new OtlpReceiver(store, "127.0.0.1", 0, 0);
		this.receiver.start();
		this.api = new ApiServer(store);
	}

	@AfterEach
	void stop() {
		if (this.receiver != null) {
			this.receiver.close();
			this.api.close();
		}
	}

	@Test
	void spansOverHttpProtobufArriveWithTheirParentsAndAttributes() {
		String traceId;
		try (SdkTracerProvider tracing = tracing("chats-api", "chats-api-2",
				OtlpHttpSpanExporter.builder().setEndpoint(this.receiver.httpEndpoint() + "/v1/traces").build())) {
			Tracer tracer = tracing.get("test");
			Span request = tracer.spanBuilder("POST /api/chats")
				.setSpanKind(SpanKind.SERVER)
				.setAttribute(ROUTE, "/api/chats")
				.startSpan();
			try (Scope scope = request.makeCurrent()) {
				Span query = tracer.spanBuilder("INSERT chats").setSpanKind(SpanKind.CLIENT).startSpan();
				query.addEvent("rows inserted", Attributes.of(AttributeKey.longKey("rows"), 1L));
				query.setStatus(StatusCode.ERROR, "constraint violated");
				query.end();
			}
			request.end();
			traceId = request.getSpanContext().getTraceId();
			assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}

		JsonNode list = this.api.get("/traces?service=chats-api").json().get("items");
		assertThat(list).hasSize(1);
		assertThat(list.get(0).get("traceId").asText()).isEqualTo(traceId);
		assertThat(list.get(0).get("rootName").asText()).isEqualTo("POST /api/chats");
		assertThat(list.get(0).get("spanCount").asInt()).isEqualTo(2);
		assertThat(list.get(0).get("errorCount").asInt()).isEqualTo(1);

		JsonNode spans = this.api.get("/traces/" + traceId).json().get("spans");
		assertThat(spans).hasSize(2);
		JsonNode root = spans.get(0);
		JsonNode child = spans.get(1);
		assertThat(root.get("name").asText()).isEqualTo("POST /api/chats");
		assertThat(root.get("service").asText()).isEqualTo("chats-api");
		assertThat(root.get("instance").asText()).isEqualTo("chats-api-2");
		assertThat(root.get("kind").asText()).isEqualTo("SERVER");
		assertThat(root.get("parentSpanId").asText()).isEmpty();
		assertThat(root.get("attributes").get("http.route").asText()).isEqualTo("/api/chats");
		assertThat(child.get("parentSpanId").asText()).isEqualTo(root.get("spanId").asText());
		assertThat(child.get("status").get("code").asText()).isEqualTo("ERROR");
		assertThat(child.get("status").get("message").asText()).isEqualTo("constraint violated");
		assertThat(child.get("events").get(0).get("name").asText()).isEqualTo("rows inserted");
		assertThat(child.get("events").get(0).get("attributes").get("rows").asInt()).isEqualTo(1);
	}

	@Test
	void spansOverGrpcArriveAndKafkaLinksJoinProducerAndConsumerTraces() {
		Span send;
		Span process;
		try (SdkTracerProvider chatsApi = tracing("chats-api", null,
				OtlpHttpSpanExporter.builder().setEndpoint(this.receiver.httpEndpoint() + "/v1/traces").build());
				SdkTracerProvider worker = tracing("chats-worker", "chats-worker",
						OtlpGrpcSpanExporter.builder().setEndpoint(this.receiver.grpcEndpoint()).build())) {
			send = chatsApi.get("test").spanBuilder("chat.events send").setSpanKind(SpanKind.PRODUCER).startSpan();
			send.end();
			// The consumer starts a new trace that links to the producer, as Kafka
			// instrumentation does for batches.
			process = worker.get("test")
				.spanBuilder("chat.events process")
				.setNoParent()
				.setSpanKind(SpanKind.CONSUMER)
				.addLink(send.getSpanContext())
				.startSpan();
			process.end();
			assertThat(chatsApi.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
			assertThat(worker.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}
		String producerTrace = send.getSpanContext().getTraceId();
		String consumerTrace = process.getSpanContext().getTraceId();
		assertThat(consumerTrace).isNotEqualTo(producerTrace);

		for (String traceId : new String[] { producerTrace, consumerTrace }) {
			JsonNode spans = this.api.get("/traces/" + traceId).json().get("spans");
			assertThat(spans).extracting((span) -> span.get("service").asText())
				.containsExactly("chats-api", "chats-worker");
			assertThat(spans.get(1).get("traceId").asText()).isEqualTo(consumerTrace);
			assertThat(spans.get(1).get("links").get(0).get("spanId").asText())
				.isEqualTo(send.getSpanContext().getSpanId());
		}
		assertThat(this.api.get("/traces?service=chats-worker").json().get("items").get(0).get("traceId").asText())
			.isEqualTo(consumerTrace);
	}

	@Test
	void gzipCompressedSpansArriveOverHttpAndGrpc() {
		try (SdkTracerProvider overHttp = tracing("users-api", null,
				OtlpHttpSpanExporter.builder()
					.setEndpoint(this.receiver.httpEndpoint() + "/v1/traces")
					.setCompression("gzip")
					.build());
				SdkTracerProvider overGrpc = tracing("chats-api", null,
						OtlpGrpcSpanExporter.builder()
							.setEndpoint(this.receiver.grpcEndpoint())
							.setCompression("gzip")
							.build())) {
			overHttp.get("test").spanBuilder("over http").startSpan().end();
			overGrpc.get("test").spanBuilder("over grpc").startSpan().end();
			assertThat(overHttp.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
			assertThat(overGrpc.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}

		assertThat(this.api.get("/traces").json().get("items").findValuesAsText("rootName"))
			.containsExactlyInAnyOrder("over http", "over grpc");
	}

	@Test
	void logsOverHttpAndGrpcArriveWithLevelsAndTraceContext() {
		String traceId;
		try (SdkLoggerProvider overHttp = logging("chats-api", "chats-api",
				OtlpHttpLogRecordExporter.builder().setEndpoint(this.receiver.httpEndpoint() + "/v1/logs").build());
				SdkLoggerProvider overGrpc = logging("users-api", "users-api",
						OtlpGrpcLogRecordExporter.builder().setEndpoint(this.receiver.grpcEndpoint()).build());
				SdkTracerProvider tracing = SdkTracerProvider.builder().build()) {
			Logger logger = overHttp.get("io.chatapp.chats.ChatController");
			logger.logRecordBuilder().setSeverity(Severity.DEBUG).setBody("loading chat").emit();
			Span span = tracing.get("test").spanBuilder("POST /api/chats").startSpan();
			traceId = span.getSpanContext().getTraceId();
			logger.logRecordBuilder()
				.setContext(Context.current().with(span))
				.setSeverity(Severity.INFO)
				.setSeverityText("INFO")
				.setBody("chat created")
				.setAttribute(AttributeKey.stringKey("chat.id"), "c-1")
				.emit();
			span.end();
			logger.logRecordBuilder().setSeverity(Severity.WARN).setBody("users-api is slow").emit();
			overGrpc.get("io.chatapp.users.UserService")
				.logRecordBuilder()
				.setSeverity(Severity.ERROR)
				.setBody("registration failed")
				.emit();
			assertThat(overHttp.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
			assertThat(overGrpc.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}

		JsonNode chats = this.api.get("/logs?resource=chats-api&level=INFO").json().get("items");
		assertThat(chats.findValuesAsText("message")).containsExactly("users-api is slow", "chat created");
		JsonNode created = chats.get(1);
		assertThat(created.get("severity").asText()).isEqualTo("INFO");
		assertThat(created.get("traceId").asText()).isEqualTo(traceId);
		assertThat(created.get("scope").asText()).isEqualTo("io.chatapp.chats.ChatController");
		assertThat(created.get("attributes").get("chat.id").asText()).isEqualTo("c-1");
		JsonNode users = this.api.get("/logs?resource=users-api").json().get("items");
		assertThat(users.get(0).get("severity").asText()).isEqualTo("ERROR");
		assertThat(users.get(0).get("message").asText()).isEqualTo("registration failed");
		assertThat(this.api.get("/logs?traceId=" + traceId).json().get("items")).hasSize(1);
	}

	@Test
	void metricsOverHttpAndGrpcArriveAsSeries() {
		try (SdkMeterProvider overHttp = metering("chats-api",
				OtlpHttpMetricExporter.builder().setEndpoint(this.receiver.httpEndpoint() + "/v1/metrics").build());
				SdkMeterProvider overGrpc = metering("users-api",
						OtlpGrpcMetricExporter.builder().setEndpoint(this.receiver.grpcEndpoint()).build())) {
			Meter meter = overHttp.get("test");
			LongCounter sent = meter.counterBuilder("chat.messages.sent").setUnit("{message}").build();
			DoubleHistogram duration = meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
			sent.add(3);
			duration.record(0.010, Attributes.of(ROUTE, "/api/chats"));
			duration.record(0.030, Attributes.of(ROUTE, "/api/chats"));
			assertThat(overHttp.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
			duration.record(0.100, Attributes.of(ROUTE, "/api/chats"));
			assertThat(overHttp.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

			overGrpc.get("test").upDownCounterBuilder("db.pool.active").build().add(4);
			assertThat(overGrpc.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}

		// The SDK adds metrics about itself (otel.sdk.*).
		JsonNode resources = this.api.get("/metrics").json().get("resources");
		assertThat(resources.get("chats-api").findValuesAsText("name")).contains("chat.messages.sent",
				"http.server.request.duration");
		assertThat(type(resources.get("chats-api"), "chat.messages.sent")).isEqualTo("sum");
		assertThat(type(resources.get("chats-api"), "http.server.request.duration")).isEqualTo("histogram");
		assertThat(resources.get("users-api").findValuesAsText("name")).contains("db.pool.active");

		// The counter did not change between the two exports: one value, first and last
		// seen.
		JsonNode sent = this.api.get("/metrics/series?resource=chats-api&name=chat.messages.sent").json();
		assertThat(sent.get("unit").asText()).isEqualTo("{message}");
		assertThat(sent.get("series").get(0).get("points").findValuesAsText("value")).containsOnly("3.0");

		// The cumulative histogram becomes one point per export interval.
		JsonNode duration = this.api.get("/metrics/series?resource=chats-api&name=http.server.request.duration").json();
		JsonNode series = duration.get("series").get(0);
		assertThat(series.get("attributes").get("http.route").asText()).isEqualTo("/api/chats");
		JsonNode points = series.get("points");
		assertThat(points).hasSize(2);
		assertThat(points.get(0).get("count").asLong()).isEqualTo(2);
		assertThat(points.get(0).get("value").asDouble()).isCloseTo(0.020, offset(1e-9));
		assertThat(points.get(0).get("p50").isNumber()).isTrue();
		assertThat(points.get(1).get("count").asLong()).isEqualTo(1);
		assertThat(points.get(1).get("value").asDouble()).isCloseTo(0.100, offset(1e-9));

		JsonNode pool = this.api.get("/metrics/series?resource=users-api&name=db.pool.active").json();
		assertThat(pool.get("series").get(0).get("points").get(0).get("value").asDouble()).isEqualTo(4.0);
	}

	@Test
	void floodThroughTheReceiverStaysWithinTheLimits() {
		start(new TelemetryStore(new TelemetryStore.Limits(100, 50, 10_000, 100, 100, 10)));
		try (SdkLoggerProvider logging = SdkLoggerProvider.builder()
			.setResource(resource("chats-api", null))
			.addLogRecordProcessor(BatchLogRecordProcessor.builder(
					OtlpHttpLogRecordExporter.builder().setEndpoint(this.receiver.httpEndpoint() + "/v1/logs").build())
				.setMaxQueueSize(5000)
				.setMaxExportBatchSize(500)
				.build())
			.build();
				SdkTracerProvider tracing = SdkTracerProvider.builder()
					.setResource(resource("chats-api", null))
					.addSpanProcessor(BatchSpanProcessor
						.builder(OtlpHttpSpanExporter.builder()
							.setEndpoint(this.receiver.httpEndpoint() + "/v1/traces")
							.build())
						.setMaxQueueSize(5000)
						.setMaxExportBatchSize(500)
						.build())
					.build()) {
			for (int i = 0; i < 2000; i++) {
				logging.get("flood").logRecordBuilder().setSeverity(Severity.INFO).setBody("log " + i).emit();
				tracing.get("flood").spanBuilder("span " + i).startSpan().end();
			}
			assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
			assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
		}

		assertThat(this.store.logs().count("chats-api")).isEqualTo(100);
		assertThat(this.store.traces().traceCount()).isEqualTo(50);
		assertThat(this.api.get("/logs?limit=1").json().get("items").get(0).get("message").asText())
			.isEqualTo("log 1999");
		assertThat(this.api.get("/traces?limit=10000").json().get("items")).hasSize(50);
	}

	@Test
	void emptyExportRequestsAreAnswered200() throws Exception {
		for (String signal : new String[] { "traces", "metrics", "logs" }) {
			HttpResponse<byte[]> protobuf = post("/v1/" + signal, "application/x-protobuf", new byte[0], false);
			assertThat(protobuf.statusCode()).as(signal).isEqualTo(200);
			assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
			assertThat(protobuf.body()).isEmpty();

			HttpResponse<byte[]> json = post("/v1/" + signal, "application/json", "{}".getBytes(), false);
			assertThat(json.statusCode()).as(signal).isEqualTo(200);
			assertThat(new String(json.body(), StandardCharsets.UTF_8).trim()).isEqualTo("{\n}");
		}

		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", this.receiver.grpcPort())
			.usePlaintext()
			.build();
		try {
			assertThat(TraceServiceGrpc.newBlockingStub(channel).export(ExportTraceServiceRequest.getDefaultInstance()))
				.isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
			assertThat(MetricsServiceGrpc.newBlockingStub(channel)
				.export(ExportMetricsServiceRequest.getDefaultInstance())
				.isInitialized()).isTrue();
			assertThat(LogsServiceGrpc.newBlockingStub(channel)
				.export(ExportLogsServiceRequest.getDefaultInstance())
				.isInitialized()).isTrue();
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		assertThat(this.store.resources()).isEmpty();
	}

	@Test
	void otlpJsonWithHexIdsIsAccepted() throws Exception {
		String body = """
				{"resourceSpans":[{"resource":{"attributes":[
				  {"key":"service.name","value":{"stringValue":"chats-api"}}]},
				 "scopeSpans":[{"scope":{"name":"manual"},"spans":[
				  {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
				   "name":"json span","kind":2,"startTimeUnixNano":"1767225600000000000",
				   "endTimeUnixNano":"1767225600005000000",
				   "attributes":[{"key":"note","value":{"stringValue":"\\"traceId\\":\\"00\\""}}]}]}]}]}
				""";
		HttpResponse<byte[]> gzipped = post("/v1/traces", "application/json; charset=utf-8",
				body.getBytes(StandardCharsets.UTF_8), true);

		assertThat(gzipped.statusCode()).isEqualTo(200);
		JsonNode span = this.api.get("/traces/5b8efff798038103d269b633813fc60c").json().get("spans").get(0);
		assertThat(span.get("spanId").asText()).isEqualTo("eee19b7ec3c1b174");
		assertThat(span.get("kind").asText()).isEqualTo("SERVER");
		assertThat(span.get("durationMs").asDouble()).isEqualTo(5.0);
		assertThat(span.get("attributes").get("note").asText()).isEqualTo("\"traceId\":\"00\"");
	}

	@Test
	void wrongRequestsAreRejected() throws Exception {
		assertThat(post("/v1/spans", "application/x-protobuf", new byte[0], false).statusCode()).isEqualTo(404);
		assertThat(post("/v1/traces", "text/plain", new byte[0], false).statusCode()).isEqualTo(415);
		assertThat(post("/v1/traces", "application/x-protobuf", new byte[] { 1, 2, 3 }, false).statusCode())
			.isEqualTo(400);
		HttpResponse<byte[]> get = this.http.send(
				HttpRequest.newBuilder(URI.create(this.receiver.httpEndpoint() + "/v1/traces")).GET().build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(get.statusCode()).isEqualTo(405);
	}

	private HttpResponse<byte[]> post(String path, String contentType, byte[] body, boolean gzip)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.receiver.httpEndpoint() + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", contentType);
		if (gzip) {
			ByteArrayOutputStream zipped = new ByteArrayOutputStream();
			try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
				out.write(body);
			}
			body = zipped.toByteArray();
			request.header("Content-Encoding", "gzip");
		}
		return this.http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
				HttpResponse.BodyHandlers.ofByteArray());
	}

	private static Resource resource(String service, String instance) {
		Attributes attributes = (instance != null)
				? Attributes.of(AttributeKey.stringKey("service.name"), service,
						AttributeKey.stringKey("service.instance.id"), instance)
				: Attributes.of(AttributeKey.stringKey("service.name"), service);
		return Resource.create(attributes);
	}

	private static SdkTracerProvider tracing(String service, String instance, SpanExporter exporter) {
		return SdkTracerProvider.builder()
			.setResource(resource(service, instance))
			.addSpanProcessor(SimpleSpanProcessor.create(exporter))
			.build();
	}

	private static SdkLoggerProvider logging(String service, String instance, LogRecordExporter exporter) {
		return SdkLoggerProvider.builder()
			.setResource(resource(service, instance))
			.addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
			.build();
	}

	private static SdkMeterProvider metering(String service, MetricExporter exporter) {
		// A long interval: the test exports with forceFlush.
		return SdkMeterProvider.builder()
			.setResource(resource(service, null))
			.registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
			.build();
	}

	private static String type(JsonNode instruments, String name) {
		for (JsonNode instrument : instruments) {
			if (instrument.get("name").asText().equals(name)) {
				return instrument.get("type").asText();
			}
		}
		return null;
	}

}
