package io.chatapp.hosting.telemetry;

import java.net.http.HttpRequest;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.telemetry.TestTelemetry.ApiServer;
import io.chatapp.hosting.telemetry.TestTelemetry.Reply;

import static io.chatapp.hosting.telemetry.TestTelemetry.attribute;
import static io.chatapp.hosting.telemetry.TestTelemetry.gauge;
import static io.chatapp.hosting.telemetry.TestTelemetry.id;
import static io.chatapp.hosting.telemetry.TestTelemetry.log;
import static io.chatapp.hosting.telemetry.TestTelemetry.logs;
import static io.chatapp.hosting.telemetry.TestTelemetry.resource;
import static io.chatapp.hosting.telemetry.TestTelemetry.span;
import static io.chatapp.hosting.telemetry.TestTelemetry.spanId;
import static io.chatapp.hosting.telemetry.TestTelemetry.traceId;
import static io.chatapp.hosting.telemetry.TestTelemetry.traces;
import static org.assertj.core.api.Assertions.assertThat;

class TelemetryApiTests {

	private final TelemetryStore store = new TelemetryStore();

	private final Resource chatsApi = resource("chats-api", "chats-api");

	private final Resource chatsApi2 = resource("chats-api", "chats-api-2");

	private final Resource usersApi = resource("users-api", "users-api");

	private ApiServer api;

	@BeforeEach
	void fill() {
		// Trace 1: chats-api calls users-api over gRPC, 40 ms. Trace 2: chats-api-2, 90
		// ms,
		// with an error. Trace 3: users-api alone, 5 ms, the newest.
		this.store.add(traces(this.chatsApi, List.of(
				span(1, 11, 0, "POST /api/chats", 0, 40).setKind(Span.SpanKind.SPAN_KIND_SERVER)
					.addAttributes(attribute("http.route", "/api/chats"))
					.build(),
				span(1, 12, 11, "UsersService/GetUser", 5, 10).setKind(Span.SpanKind.SPAN_KIND_CLIENT).build())));
		this.store.add(traces(this.usersApi, List.of(span(1, 13, 12, "UsersService/GetUser", 6, 8)
			.setKind(Span.SpanKind.SPAN_KIND_SERVER)
			.addAttributes(
					KeyValue.newBuilder().setKey("rpc.grpc.status_code").setValue(AnyValue.newBuilder().setIntValue(0)))
			.build())));
		this.store.add(traces(this.chatsApi2,
				List.of(span(2, 21, 0, "GET /api/chats", 100, 90)
					.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
					.addEvents(Span.Event.newBuilder()
						.setName("exception")
						.setTimeUnixNano(TestTelemetry.BASE_NANOS + 150_000_000L)
						.addAttributes(attribute("exception.type", "java.lang.IllegalStateException")))
					.build())));
		this.store.add(traces(this.usersApi, List.of(span(3, 31, 0, "GET /health", 200, 5).build())));

		this.store.add(logs(this.chatsApi,
				List.of(log(1, 5, "debug detail").build(),
						log(2, 9, "chat created").setTraceId(id(1, 16)).setSpanId(id(11, 8)).build(),
						log(3, 13, "slow users-api").addAttributes(attribute("peer", "users-api")).build())));
		this.store.add(logs(this.chatsApi2, List.of(log(4, 17, "Request failed").build())));
		this.store.add(logs(this.usersApi, List.of(log(5, 9, "user registered").build())));

		this.store.add(gauge(this.chatsApi, "jvm.threads.live", "all", 1000, 20));
		this.store.add(gauge(this.chatsApi, "jvm.threads.live", "all", 2000, 22));
		this.store.add(gauge(this.usersApi, "jvm.threads.live", "all", 1000, 30));

		this.api = new ApiServer(this.store);
	}

	@AfterEach
	void close() {
		this.api.close();
	}

	@Test
	void tracesAreListedNewestFirstWithTheirServices() {
		Reply reply = this.api.get("/traces");

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.contentType()).startsWith("application/json");
		JsonNode items = reply.json().get("items");
		assertThat(items).extracting((item) -> item.get("traceId").asText())
			.containsExactly(traceId(3), traceId(2), traceId(1));
		JsonNode first = items.get(2);
		assertThat(first.get("rootName").asText()).isEqualTo("POST /api/chats");
		assertThat(first.get("rootService").asText()).isEqualTo("chats-api");
		assertThat(first.get("services")).extracting(JsonNode::asText).containsExactly("chats-api", "users-api");
		assertThat(first.get("startTime").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
		assertThat(first.get("durationMs").asDouble()).isEqualTo(40.0);
		assertThat(first.get("spanCount").asInt()).isEqualTo(3);
		assertThat(items.get(1).get("errorCount").asInt()).isEqualTo(1);
	}

	@Test
	void tracesSortByDurationAndFilterByServiceAndAttribute() {
		assertThat(ids(this.api.get("/traces?sort=duration"))).containsExactly(traceId(2), traceId(1), traceId(3));
		// chats-api is the service of both replicas; chats-api-2 is one replica.
		assertThat(ids(this.api.get("/traces?service=chats-api"))).containsExactly(traceId(2), traceId(1));
		assertThat(ids(this.api.get("/traces?service=chats-api-2"))).containsExactly(traceId(2));
		assertThat(ids(this.api.get("/traces?service=users-api&limit=1"))).containsExactly(traceId(3));
		assertThat(ids(this.api.get("/traces?attribute=http.route%3D%2Fapi%2Fchats"))).containsExactly(traceId(1));
		assertThat(ids(this.api.get("/traces?attribute=rpc.grpc.status_code=0&attribute=http.route=/api/chats")))
			.containsExactly(traceId(1));
		assertThat(ids(this.api.get("/traces?attribute=http.route=/nothing"))).isEmpty();
	}

	@Test
	void traceDetailShowsSpansInStartOrderAcrossServices() {
		JsonNode trace = this.api.get("/traces/" + traceId(1)).json();

		assertThat(trace.get("traceId").asText()).isEqualTo(traceId(1));
		JsonNode spans = trace.get("spans");
		assertThat(spans).extracting((span) -> span.get("spanId").asText())
			.containsExactly(spanId(11), spanId(12), spanId(13));
		assertThat(spans.get(0).get("parentSpanId").asText()).isEmpty();
		assertThat(spans.get(1).get("parentSpanId").asText()).isEqualTo(spanId(11));
		assertThat(spans.get(2).get("parentSpanId").asText()).isEqualTo(spanId(12));
		assertThat(spans.get(2).get("service").asText()).isEqualTo("users-api");
		assertThat(spans.get(2).get("kind").asText()).isEqualTo("SERVER");
		assertThat(spans.get(2).get("startOffsetMs").asDouble()).isEqualTo(6.0);
		assertThat(spans.get(2).get("durationMs").asDouble()).isEqualTo(8.0);
		assertThat(spans.get(2).get("attributes").get("rpc.grpc.status_code").isNumber()).isTrue();
		assertThat(spans.get(0).get("attributes").get("http.route").asText()).isEqualTo("/api/chats");
	}

	@Test
	void traceDetailCarriesStatusEventsAndInstance() {
		JsonNode span = this.api.get("/traces/" + traceId(2)).json().get("spans").get(0);

		assertThat(span.get("service").asText()).isEqualTo("chats-api");
		assertThat(span.get("instance").asText()).isEqualTo("chats-api-2");
		assertThat(span.get("status").get("code").asText()).isEqualTo("ERROR");
		assertThat(span.get("status").get("message").asText()).isEqualTo("boom");
		assertThat(span.get("events").get(0).get("name").asText()).isEqualTo("exception");
		assertThat(span.get("events").get(0).get("time").asText()).isEqualTo("2026-01-01T00:00:00.150Z");
		assertThat(span.get("events").get(0).get("attributes").get("exception.type").asText())
			.isEqualTo("java.lang.IllegalStateException");
	}

	@Test
	void unknownTraceIs404() {
		Reply reply = this.api.get("/traces/" + traceId(99));

		assertThat(reply.status()).isEqualTo(404);
		assertThat(reply.json().get("error").asText()).contains(traceId(99));
	}

	@Test
	void logsAreNewestFirstAndFilterByResourceLevelTextAndTrace() {
		JsonNode all = this.api.get("/logs").json().get("items");
		assertThat(all).extracting((item) -> item.get("message").asText())
			.containsExactly("user registered", "Request failed", "slow users-api", "chat created", "debug detail");
		JsonNode created = all.get(3);
		assertThat(created.get("resource").asText()).isEqualTo("chats-api");
		assertThat(created.get("severity").asText()).isEqualTo("INFO");
		assertThat(created.get("traceId").asText()).isEqualTo(traceId(1));
		assertThat(created.get("spanId").asText()).isEqualTo(spanId(11));
		assertThat(created.get("time").asText()).isEqualTo("2026-01-01T00:00:00.002Z");

		assertThat(messages("/logs?resource=chats-api&level=info")).containsExactly("Request failed", "slow users-api",
				"chat created");
		assertThat(messages("/logs?resource=chats-api-2")).containsExactly("Request failed");
		assertThat(messages("/logs?level=WARN")).containsExactly("Request failed", "slow users-api");
		assertThat(messages("/logs?q=USERS-API")).containsExactly("slow users-api");
		assertThat(messages("/logs?traceId=" + traceId(1))).containsExactly("chat created");
		assertThat(messages("/logs?limit=2")).containsExactly("user registered", "Request failed");
	}

	@Test
	void metricsListInstrumentsPerResourceAndTheirSeries() {
		JsonNode resources = this.api.get("/metrics").json().get("resources");
		assertThat(resources.fieldNames()).toIterable().containsExactly("chats-api", "users-api");
		assertThat(resources.get("chats-api").get(0).get("name").asText()).isEqualTo("jvm.threads.live");
		assertThat(resources.get("chats-api").get(0).get("type").asText()).isEqualTo("gauge");

		JsonNode series = this.api.get("/metrics/series?resource=chats-api&name=jvm.threads.live").json();
		assertThat(series.get("name").asText()).isEqualTo("jvm.threads.live");
		assertThat(series.get("series").get(0).get("attributes").get("series").asText()).isEqualTo("all");
		assertThat(series.get("series").get(0).get("points")).extracting((point) -> point.get("value").asDouble())
			.containsExactly(20.0, 22.0);
	}

	@Test
	void traceDetailCarriesTheLogsOfItsTracesOldestFirst() {
		this.store.add(logs(this.usersApi,
				List.of(log(7, 13, "user lookup slow").setTraceId(id(1, 16)).setSpanId(id(13, 8)).build(),
						log(1, 9, "request received").setTraceId(id(1, 16)).setSpanId(id(11, 8)).build())));

		JsonNode logs = this.api.get("/traces/" + traceId(1)).json().get("logs");

		assertThat(logs).extracting((item) -> item.get("message").asText())
			.containsExactly("request received", "chat created", "user lookup slow");
		assertThat(logs.get(2).get("spanId").asText()).isEqualTo(spanId(13));
		assertThat(logs.get(2).get("resource").asText()).isEqualTo("users-api");
		assertThat(logs.get(2).get("severity").asText()).isEqualTo("WARN");
		assertThat(this.api.get("/traces/" + traceId(3)).json().get("logs")).isEmpty();
	}

	@Test
	void seriesSayWhatToChartAndMarkGapsAndAWindowLeavesOutOlderPoints() {
		for (int i = 0; i < 5; i++) {
			this.store.add(gauge(this.chatsApi, "queue.size", "all", 10_000 + i * 1000L, i));
		}
		this.store.add(gauge(this.chatsApi, "queue.size", "all", 10_000 + 47 * 60_000L, 9));

		JsonNode body = this.api.get("/metrics/series?resource=chats-api&name=queue.size").json();
		assertThat(body.get("statistic").asText()).isEqualTo("value");
		assertThat(body.get("monotonic").asBoolean()).isFalse();
		JsonNode points = body.get("series").get(0).get("points");
		assertThat(points).extracting((point) -> point.path("gap").asBoolean())
			.containsExactly(false, false, false, false, false, true);

		JsonNode recent = this.api
			.get("/metrics/series?resource=chats-api&name=queue.size&since=2026-01-01T00:00:12.500Z")
			.json()
			.get("series")
			.get(0)
			.get("points");
		assertThat(recent).extracting((point) -> point.get("value").asDouble()).containsExactly(3.0, 4.0, 9.0);
		assertError("/metrics/series?resource=chats-api&name=queue.size&since=yesterday", 400, "since");
	}

	@Test
	void summariesShowTheirQuantilesAndCountersTheirRate() {
		this.store.add(TestTelemetry.metrics(this.chatsApi, Metric.newBuilder()
			.setName("chat.send")
			.setUnit("ms")
			.setSummary(Summary.newBuilder()
				.addDataPoints(SummaryDataPoint.newBuilder()
					.setStartTimeUnixNano(TestTelemetry.BASE_NANOS)
					.setTimeUnixNano(TestTelemetry.BASE_NANOS + 1_000_000_000L)
					.setCount(2)
					.setSum(30)
					.addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(12))
					.addQuantileValues(
							SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.999).setValue(18))))));
		this.store.add(TestTelemetry.metrics(this.chatsApi, Metric.newBuilder()
			.setName("chat.sent")
			.setUnit("{messages}")
			.setSum(Sum.newBuilder()
				.setIsMonotonic(true)
				.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
				.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(TestTelemetry.BASE_NANOS).setAsInt(3)))));

		JsonNode summary = this.api.get("/metrics/series?resource=chats-api&name=chat.send").json();
		assertThat(summary.get("statistic").asText()).isEqualTo("percentiles");
		JsonNode point = summary.get("series").get(0).get("points").get(0);
		assertThat(point.get("value").asDouble()).isEqualTo(15.0);
		assertThat(point.get("p50").asDouble()).isEqualTo(12.0);
		assertThat(point.get("percentiles").get("p99.9").asDouble()).isEqualTo(18.0);
		assertThat(point.has("p99")).isFalse();

		JsonNode counter = this.api.get("/metrics/series?resource=chats-api&name=chat.sent").json();
		assertThat(counter.get("statistic").asText()).isEqualTo("rate");
		assertThat(counter.get("monotonic").asBoolean()).isTrue();
		assertThat(counter.get("temporality").asText()).isEqualTo("cumulative");
		assertThat(counter.get("unit").asText()).isEqualTo("{messages}");
		assertThat(TelemetryApi.percentileName(0.9)).isEqualTo("p90");
		assertThat(TelemetryApi.percentileName(0.95)).isEqualTo("p95");
	}

	@Test
	void resourcesAreListedByName() {
		JsonNode items = this.api.get("/resources").json().get("items");

		assertThat(items).extracting((item) -> item.get("name").asText())
			.containsExactly("chats-api", "chats-api-2", "users-api");
		assertThat(items.get(1).get("service").asText()).isEqualTo("chats-api");
		assertThat(items.get(1).get("instance").asText()).isEqualTo("chats-api-2");
		assertThat(items.get(1).get("attributes").get("service.name").asText()).isEqualTo("chats-api");
	}

	@Test
	void badInputIsAnsweredWithAJsonError() {
		assertError("/traces?limit=0", 400, "limit");
		assertError("/traces?limit=abc", 400, "limit");
		assertError("/logs?limit=10001", 400, "limit");
		assertError("/traces?sort=name", 400, "sort");
		assertError("/traces?attribute=novalue", 400, "attribute");
		assertError("/logs?level=LOUD", 400, "level");
		assertError("/metrics/series?resource=chats-api", 400, "name is required");
		assertError("/metrics/series?resource=chats-api&name=nothing", 404, "nothing");
		assertError("/metrics/series?resource=nobody&name=jvm.threads.live", 404, "nobody");
		assertError("/spans", 404, "/spans");
		assertError("/traces/" + traceId(1) + "/more", 404, "more");

		Reply post = this.api
			.send(HttpRequest.newBuilder(this.api.uri("/traces")).POST(HttpRequest.BodyPublishers.noBody()).build());
		assertThat(post.status()).isEqualTo(405);
	}

	private void assertError(String path, int status, String message) {
		Reply reply = this.api.get(path);
		assertThat(reply.status()).as(path).isEqualTo(status);
		assertThat(reply.json().get("error").asText()).as(path).contains(message);
	}

	private List<String> ids(Reply reply) {
		assertThat(reply.status()).isEqualTo(200);
		return reply.json().get("items").findValuesAsText("traceId");
	}

	private List<String> messages(String path) {
		Reply reply = this.api.get(path);
		assertThat(reply.status()).as(path).isEqualTo(200);
		return reply.json().get("items").findValuesAsText("message");
	}

}
