package io.chatapp.hosting.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.telemetry.TestTelemetry.ApiServer;

import static io.chatapp.hosting.telemetry.TestTelemetry.logs;
import static io.chatapp.hosting.telemetry.TestTelemetry.metrics;
import static io.chatapp.hosting.telemetry.TestTelemetry.resource;
import static io.chatapp.hosting.telemetry.TestTelemetry.span;
import static io.chatapp.hosting.telemetry.TestTelemetry.traceId;
import static io.chatapp.hosting.telemetry.TestTelemetry.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the OTLP receiver does with requests too large or too many: answers 413 or 429 and
 * goes on answering, and stores only what fits the byte budgets.
 */
class OtlpReceiverLimitsTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final Resource chatsApi = resource("chats-api", "chats-api");

	private TelemetryStore store;

	private OtlpReceiver receiver;

	private ApiServer api;

	private void start(TelemetryStore store, OtlpReceiver.Limits limits) {
		this.store = store;
		this.receiver = new OtlpReceiver(store, "127.0.0.1", 0, 0, limits);
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
	void oneRequestOfHundredThousandSpansIsAnsweredAndTheStoreStaysWithinItsBudget() throws Exception {
		start(new TelemetryStore(), OtlpReceiver.Limits.defaults());
		byte[] hundredThousand = hundredThousandSpans();
		assertThat(hundredThousand.length).isGreaterThan(OtlpReceiver.Limits.defaults().maxRequestBytes());

		// As sent by the client: larger than the request limit, by
		// Content-Length.
		HttpResponse<String> plain = post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(hundredThousand), false);
		assertThat(plain.statusCode()).isEqualTo(413);
		assertThat(plain.body()).contains("larger than");
		// The same streamed without a length (chunked): cut off while reading.
		HttpResponse<String> chunked = post("/v1/traces",
				HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(hundredThousand)),
				false);
		assertThat(chunked.statusCode()).isEqualTo(413);
		assertThat(this.store.traces().spanCount()).isZero();

		// Compressed it fits the limits: stored a chunk at a time, evicted down to the
		// budget, the newest traces kept.
		HttpResponse<String> gzipped = post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(gzip(hundredThousand)),
				true);
		assertThat(gzipped.statusCode()).isEqualTo(200);
		TraceStore traces = this.store.traces();
		assertThat(traces.estimatedBytes()).isLessThanOrEqualTo(TelemetryStore.Limits.DEFAULT_TRACE_BYTES)
			.isGreaterThan(TelemetryStore.Limits.DEFAULT_TRACE_BYTES / 2);
		assertThat(traces.spanCount()).isLessThan(100_000);
		assertThat(traces.spans(traceId(1000))).hasValueSatisfying((spans) -> assertThat(spans).hasSize(100));
		assertThat(traces.spans(traceId(1))).isEmpty();

		// Both the receiver and the API go on answering.
		HttpResponse<String> small = post("/v1/traces", HttpRequest.BodyPublishers
			.ofByteArray(traces(this.chatsApi, List.of(span(5000, 1, 0, "after", 0, 1).build())).toByteArray()), false);
		assertThat(small.statusCode()).isEqualTo(200);
		assertThat(this.api.get("/traces/" + traceId(5000)).json().get("spans").get(0).get("name").asText())
			.isEqualTo("after");
		assertThat(this.api.get("/traces?limit=10").json().get("items")).hasSize(10);
	}

	@Test
	void aGzipBombIsAnswered413AndNothingIsStored() throws Exception {
		start(new TelemetryStore(), OtlpReceiver.Limits.defaults());
		// 20 MiB of one log record after another, some 60 KB compressed.
		ByteArrayOutputStream zipped = new ByteArrayOutputStream();
		byte[] record = logs(this.chatsApi, List.of(TestTelemetry.log(0, 9, "x".repeat(1000)).build())).toByteArray();
		try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
			for (int written = 0; written < 20 << 20; written += record.length) {
				out.write(record);
			}
		}
		assertThat(zipped.size()).isLessThan(1 << 20);

		HttpResponse<String> response = post("/v1/logs", HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()),
				true);

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("after decompression");
		assertThat(this.store.logs().count("chats-api")).isZero();
	}

	@Test
	void anOtlpJsonBodyOverItsLimitIsAnswered413PlainOrGzippedAndNothingIsStored() throws Exception {
		start(new TelemetryStore(), OtlpReceiver.Limits.defaults());
		// JSON is parsed whole, so its limit is lower than protobuf's: 1.5 MiB of spans
		// is
		// within the request limit but over the JSON one.
		List<Span> spans = new ArrayList<>();
		for (int i = 1; i <= 12_000; i++) {
			spans.add(span(i, i, 0, "span " + i, i, 1).build());
		}
		byte[] json = JsonFormat.printer().print(traces(this.chatsApi, spans)).getBytes(StandardCharsets.UTF_8);
		assertThat(json.length).isGreaterThan(OtlpReceiver.Limits.defaults().maxJsonBytes())
			.isLessThan(OtlpReceiver.Limits.defaults().maxRequestBytes());

		HttpResponse<String> plain = post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(json), false,
				"application/json");
		assertThat(plain.statusCode()).isEqualTo(413);
		HttpResponse<String> gzipped = post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(gzip(json)), true,
				"application/json");
		assertThat(gzipped.statusCode()).isEqualTo(413);
		assertThat(gzipped.body()).contains("after decompression");
		assertThat(this.store.traces().spanCount()).isZero();

		byte[] small = JsonFormat.printer()
			.print(traces(this.chatsApi, spans.subList(0, 10)))
			.getBytes(StandardCharsets.UTF_8);
		assertThat(post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(gzip(small)), true, "application/json")
			.statusCode()).isEqualTo(200);
		assertThat(this.store.traces().spanCount()).isEqualTo(10);
	}

	@Test
	void aBodyOverTheLimitIsAnswered413ByItsContentLength() throws Exception {
		start(new TelemetryStore(), new OtlpReceiver.Limits(64 * 1024, 256 * 1024, 64 * 1024, 2));

		HttpResponse<String> response = post("/v1/metrics",
				HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024 + 1]), false);

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).isEqualTo("Request larger than 65536 bytes");
		assertThat(post("/v1/metrics", HttpRequest.BodyPublishers.ofByteArray(new byte[0]), false).statusCode())
			.isEqualTo(200);
	}

	@Test
	void oneMetricWithManyPointsIsStoredInChunksWithinTheBudget() throws Exception {
		TelemetryStore.Limits limits = new TelemetryStore.Limits(10_000, 10_000, 200_000, 10_000, 1_000_000, 100,
				1 << 20, 1 << 20, 1 << 20);
		start(new TelemetryStore(limits), OtlpReceiver.Limits.defaults());
		Gauge.Builder gauge = Gauge.newBuilder();
		for (int i = 0; i < 50_000; i++) {
			gauge.addDataPoints(NumberDataPoint.newBuilder()
				.addAttributes(TestTelemetry.attribute("series", "s" + (i % 5)))
				.setTimeUnixNano(TestTelemetry.BASE_NANOS + i * 1_000_000L)
				.setAsDouble(i));
		}
		byte[] body = metrics(this.chatsApi, Metric.newBuilder().setName("queue.size").setGauge(gauge)).toByteArray();

		assertThat(post("/v1/metrics", HttpRequest.BodyPublishers.ofByteArray(body), false).statusCode())
			.isEqualTo(200);

		MetricStore metrics = this.store.metrics();
		assertThat(metrics.estimatedBytes()).isLessThanOrEqualTo(1 << 20);
		assertThat(metrics.pointCount("chats-api")).isBetween(1000, 49_999);
		assertThat(metrics.series("chats-api", "queue.size").orElseThrow().series().get(0).points()).last()
			.satisfies((point) -> assertThat(point.value()).isGreaterThanOrEqualTo(49_995));
	}

	@Test
	void requestsBeyondThoseInFlightAreAnswered429AtOnce() throws Exception {
		start(new TelemetryStore(), new OtlpReceiver.Limits(4 << 20, 16 << 20, 1 << 20, 1));
		byte[] body = traces(this.chatsApi, List.of(span(1, 1, 0, "slow", 0, 1).build())).toByteArray();
		try (Socket slow = new Socket("127.0.0.1", this.receiver.httpPort())) {
			OutputStream out = slow.getOutputStream();
			out.write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
					+ "Content-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body, 0, 5);
			out.flush();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.receiver.requestsInFlight() == 1);

			HttpResponse<String> rejected = post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(body), false);
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
			ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", this.receiver.grpcPort())
				.usePlaintext()
				.build();
			try {
				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel)
						.export(ExportTraceServiceRequest.getDefaultInstance()))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
			}
			finally {
				channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}

			out.write(body, 5, body.length - 5);
			out.flush();
			InputStream in = slow.getInputStream();
			String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(status).isEqualTo("HTTP/1.1 200");
		}
		assertThat(this.store.traces().spanCount()).isEqualTo(1);
		assertThat(post("/v1/traces", HttpRequest.BodyPublishers.ofByteArray(body), false).statusCode()).isEqualTo(200);
	}

	@Test
	void grpcRejectsAMessageThatInflatesPastTheLimit() throws Exception {
		start(new TelemetryStore(), new OtlpReceiver.Limits(1 << 20, 16 << 20, 1 << 20, 2));
		// 4 MiB of span name, a few KB with gzip.
		ExportTraceServiceRequest bomb = traces(this.chatsApi,
				List.of(span(1, 1, 0, "a".repeat(4 << 20), 0, 1).build()));
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", this.receiver.grpcPort())
			.usePlaintext()
			.maxInboundMessageSize(8 << 20)
			.build();
		try {
			TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel)
				.withCompression("gzip");
			// gRPC-java stops decompressing at the limit; as this happens while the
			// message is parsed, it reports an application error.
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub.export(bomb))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
			// Uncompressed, the frame's length alone is too large.
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).export(bomb))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

			assertThat(stub.export(traces(this.chatsApi, List.of(span(2, 1, 0, "small", 0, 1).build()))))
				.isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		assertThat(this.store.traces().spans(traceId(1))).isEmpty();
		assertThat(this.store.traces().spans(traceId(2))).isPresent();
	}

	@Test
	void hugeValuesAreCutWhenStored() throws Exception {
		start(new TelemetryStore(), OtlpReceiver.Limits.defaults());
		Span.Builder span = span(1, 1, 0, "n".repeat(100_000), 0, 1);
		for (int i = 0; i < 200; i++) {
			span.addAttributes(KeyValue.newBuilder()
				.setKey("key" + i)
				.setValue(AnyValue.newBuilder().setStringValue("v".repeat(10_000))));
		}
		for (int i = 0; i < 100; i++) {
			span.addEvents(Span.Event.newBuilder().setName("event " + i));
		}
		LogRecord.Builder record = TestTelemetry.log(0, 9, "m".repeat(1_000_000));
		assertThat(post("/v1/traces",
				HttpRequest.BodyPublishers
					.ofByteArray(gzip(traces(this.chatsApi, List.of(span.build())).toByteArray())),
				true)
			.statusCode()).isEqualTo(200);
		assertThat(post("/v1/logs",
				HttpRequest.BodyPublishers.ofByteArray(logs(this.chatsApi, List.of(record.build())).toByteArray()),
				false)
			.statusCode()).isEqualTo(200);

		TraceStore.Span stored = this.store.traces().spans(traceId(1)).orElseThrow().get(0);
		assertThat(stored.name()).hasSize(Otlp.MAX_STRING_LENGTH + 3);
		assertThat(stored.attributes()).hasSizeLessThanOrEqualTo(Otlp.MAX_ATTRIBUTES);
		assertThat(stored.attributes().values())
			.allSatisfy((value) -> assertThat(value.toString()).hasSizeLessThanOrEqualTo(Otlp.MAX_STRING_LENGTH + 3));
		assertThat(stored.events()).hasSize(TelemetryStore.MAX_EVENTS);
		assertThat(stored.estimatedSize()).isLessThan(200_000);
		assertThat(this.store.logs().find("chats-api", LogStore.Severity.TRACE, null, null, 1).get(0).message())
			.hasSize(Otlp.MAX_TEXT_LENGTH + 3);
	}

	private static byte[] hundredThousandSpans() {
		// 1000 traces of 100 spans, each with a few attributes: some 6 MB, as in the
		// issue.
		ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder().setResource(resource("load", null));
		ScopeSpans.Builder scope = ScopeSpans.newBuilder();
		List<Span> spans = new ArrayList<>();
		for (int trace = 1; trace <= 1000; trace++) {
			for (int i = 1; i <= 100; i++) {
				spans.add(span(trace, trace * 1000L + i, (i == 1) ? 0 : trace * 1000L + 1, "span " + i, i, 1)
					.addAttributes(TestTelemetry.attribute("http.route", "/api/chats/" + i))
					.build());
			}
		}
		scope.addAllSpans(spans);
		return ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(resourceSpans.addScopeSpans(scope))
			.build()
			.toByteArray();
	}

	private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, boolean gzip)
			throws IOException, InterruptedException {
		return post(path, body, gzip, "application/x-protobuf");
	}

	private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, boolean gzip, String contentType)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.receiver.httpEndpoint() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", contentType);
		if (gzip) {
			request.header("Content-Encoding", "gzip");
		}
		return this.http.send(request.POST(body).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static byte[] gzip(byte[] bytes) throws IOException {
		ByteArrayOutputStream zipped = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
			out.write(bytes);
		}
		return zipped.toByteArray();
	}

}
