package io.chatapp.hosting.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.telemetry.LogStore.LogEntry;
import io.chatapp.hosting.telemetry.LogStore.Severity;
import io.chatapp.hosting.telemetry.MetricStore.Instrument;
import io.chatapp.hosting.telemetry.MetricStore.PointView;

import static io.chatapp.hosting.telemetry.TestTelemetry.attribute;
import static io.chatapp.hosting.telemetry.TestTelemetry.gauge;
import static io.chatapp.hosting.telemetry.TestTelemetry.id;
import static io.chatapp.hosting.telemetry.TestTelemetry.log;
import static io.chatapp.hosting.telemetry.TestTelemetry.logs;
import static io.chatapp.hosting.telemetry.TestTelemetry.metrics;
import static io.chatapp.hosting.telemetry.TestTelemetry.resource;
import static io.chatapp.hosting.telemetry.TestTelemetry.span;
import static io.chatapp.hosting.telemetry.TestTelemetry.spanId;
import static io.chatapp.hosting.telemetry.TestTelemetry.traceId;
import static io.chatapp.hosting.telemetry.TestTelemetry.traces;
import static org.assertj.core.api.Assertions.assertThat;

class TelemetryStoreTests {

	private final TelemetryStore store = new TelemetryStore();

	private final Resource chatsApi = resource("chats-api", "chats-api");

	@Test
	void logFloodKeepsTheNewestTenThousandPerResource() {
		for (int batch = 0; batch < 30; batch++) {
			List<LogRecord> records = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				int n = batch * 1000 + i;
				records.add(log(n, 9, "log " + n).build());
			}
			this.store.add(logs(this.chatsApi, records));
		}
		this.store.add(logs(resource("users-api", null), List.of(log(0, 9, "quiet").build())));

		assertThat(this.store.logs().count("chats-api")).isEqualTo(10_000);
		assertThat(this.store.logs().count("users-api")).isEqualTo(1);
		List<LogEntry> all = this.store.logs().find("chats-api", Severity.TRACE, null, null, 10_000);
		assertThat(all).hasSize(10_000);
		assertThat(all.get(0).message()).isEqualTo("log 29999");
		assertThat(all.get(all.size() - 1).message()).isEqualTo("log 20000");
	}

	@Test
	void concurrentWritersAndReadersKeepTheLimits() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int writer = 0; writer < 3; writer++) {
				int offset = writer * 1_000_000;
				work.add(pool.submit(() -> {
					for (int i = 0; i < 10_000; i++) {
						this.store.add(logs(this.chatsApi, List.of(log(offset + i, 9, "log").build())));
						this.store.add(traces(this.chatsApi, List.of(span(offset + i + 1, 1, 0, "s", i, 1).build())));
					}
				}));
			}
			work.add(pool.submit(() -> {
				for (int i = 0; i < 200; i++) {
					this.store.logs().find(null, Severity.INFO, "log", null, 50);
					this.store.traces().list("chats-api", Map.of(), true, 50);
				}
			}));
			for (Future<?> one : work) {
				one.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}

		assertThat(this.store.logs().count("chats-api")).isEqualTo(10_000);
		assertThat(this.store.traces().traceCount()).isEqualTo(10_000);
		assertThat(this.store.traces().spanCount()).isEqualTo(10_000);
	}

	@Test
	void traceFloodEvictsWholeOldestTraces() {
		// The trace count limit, not the byte budget, is what this flood reaches.
		TelemetryStore store = new TelemetryStore(TelemetryStore.Limits.defaults().withTotalBytes(256L << 20));
		for (int batch = 0; batch < 15; batch++) {
			List<Span> spans = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				long trace = batch * 1000 + i + 1;
				spans.add(span(trace, trace * 2, 0, "root", trace, 10).build());
				spans.add(span(trace, trace * 2 + 1, trace * 2, "child", trace, 5).build());
			}
			store.add(traces(this.chatsApi, spans));
		}

		TraceStore traces = store.traces();
		assertThat(traces.traceCount()).isEqualTo(10_000);
		assertThat(traces.spanCount()).isEqualTo(20_000);
		assertThat(traces.spans(traceId(5000))).isEmpty();
		assertThat(traces.spans(traceId(5001))).hasValueSatisfying((spans) -> assertThat(spans).hasSize(2));
		assertThat(traces.spans(traceId(15000))).isPresent();
	}

	@Test
	void oneHugeTraceIsCappedAndTheSpanLimitEvictsOldTraces() {
		TelemetryStore small = new TelemetryStore(new TelemetryStore.Limits(10, 100, 500, 200, 10, 10));
		List<Span> spans = new ArrayList<>();
		for (int i = 1; i <= 1000; i++) {
			spans.add(span(1, i, 0, "span " + i, i, 1).build());
		}
		small.add(traces(this.chatsApi, spans));
		assertThat(small.traces().spanCount()).isEqualTo(200);
		assertThat(small.traces().droppedSpans()).isEqualTo(800);

		for (long trace = 2; trace <= 5; trace++) {
			List<Span> more = new ArrayList<>();
			for (int i = 1; i <= 100; i++) {
				more.add(span(trace, trace * 1000 + i, 0, "span", i, 1).build());
			}
			small.add(traces(this.chatsApi, more));
		}
		// 200 + 4 * 100 spans exceed 500: the oldest (and largest) trace goes.
		assertThat(small.traces().spanCount()).isEqualTo(400);
		assertThat(small.traces().spans(traceId(1))).isEmpty();
	}

	@Test
	void metricFloodKeepsTheNewestFiftyThousandPointsPerResource() {
		for (int i = 0; i < 150_000; i++) {
			this.store.add(gauge(this.chatsApi, "queue.size", "s" + (i % 3), i, i));
		}

		assertThat(this.store.metrics().pointCount("chats-api")).isEqualTo(50_000);
		List<PointView> first = this.store.metrics()
			.series("chats-api", "queue.size")
			.orElseThrow()
			.series()
			.get(0)
			.points();
		assertThat(first).hasSizeBetween(16_666, 16_667);
		assertThat(first.get(first.size() - 1).value()).isGreaterThanOrEqualTo(149_997);
		assertThat(first.get(0).value()).isGreaterThanOrEqualTo(100_000);
	}

	@Test
	void unchangedGaugeValuesExtendOnePointInsteadOfAddingPoints() {
		for (int i = 0; i < 100_000; i++) {
			this.store.add(gauge(this.chatsApi, "threads", "all", i, (i < 50_000) ? 7 : 8));
		}

		List<PointView> points = this.store.metrics()
			.series("chats-api", "threads")
			.orElseThrow()
			.series()
			.get(0)
			.points();
		assertThat(points).extracting(PointView::value).containsExactly(7.0, 8.0);
		assertThat(points.get(1).timeNanos() - points.get(1).firstNanos()).isEqualTo(49_999 * 1_000_000L);
	}

	@Test
	void floodOfNewResourcesKeepsTheMostRecentHundred() {
		for (int i = 0; i < 1000; i++) {
			Resource resource = resource("service-" + i, null);
			this.store.add(logs(resource, List.of(log(i, 9, "hello").build())));
			this.store.add(gauge(resource, "up", "all", i, 1));
		}

		assertThat(this.store.resources()).hasSize(100);
		assertThat(this.store.logs().resourceCount()).isEqualTo(100);
		assertThat(this.store.metrics().resourceCount()).isEqualTo(100);
		assertThat(this.store.logs().count("service-999")).isEqualTo(1);
		assertThat(this.store.logs().count("service-0")).isZero();
	}

	@Test
	void linkedTracesAreShownTogetherInBothDirections() {
		Span producer = span(1, 11, 0, "chat.events send", 0, 2).setKind(Span.SpanKind.SPAN_KIND_PRODUCER).build();
		Span consumer = span(2, 21, 0, "chat.events process", 5, 3).setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
			.addLinks(Span.Link.newBuilder().setTraceId(id(1, 16)).setSpanId(id(11, 8)))
			.build();
		Span consumerChild = span(2, 22, 21, "INSERT notifications", 6, 1).build();
		this.store.add(traces(this.chatsApi, List.of(producer)));
		this.store.add(traces(resource("chats-worker", "chats-worker"), List.of(consumer, consumerChild)));

		assertThat(this.store.traces().spans(traceId(1)).orElseThrow()).extracting(TraceStore.Span::spanId)
			.containsExactly(spanId(11), spanId(21), spanId(22));
		assertThat(this.store.traces().spans(traceId(2)).orElseThrow()).extracting(TraceStore.Span::spanId)
			.containsExactly(spanId(11), spanId(21), spanId(22));
	}

	@Test
	void theLinkIndexShrinksWhenLinkedTracesAreEvicted() {
		TelemetryStore small = new TelemetryStore(new TelemetryStore.Limits(10, 100, 10_000, 100, 10, 10));
		for (long trace = 1; trace <= 5000; trace++) {
			// Each trace links to a trace that never arrives and to its predecessor.
			small.add(traces(this.chatsApi,
					List.of(span(trace, trace, 0, "consume", trace, 1)
						.addLinks(Span.Link.newBuilder().setTraceId(id(1_000_000 + trace, 16)).setSpanId(id(1, 8)))
						.addLinks(Span.Link.newBuilder().setTraceId(id(trace - 1, 16)).setSpanId(id(trace - 1, 8)))
						.build())));
		}

		assertThat(small.traces().traceCount()).isEqualTo(100);
		assertThat(small.traces().linkIndexSize()).isLessThanOrEqualTo(3 * 100);
	}

	@Test
	void cumulativeHistogramsAreStoredPerIntervalWithPercentiles() {
		// Buckets: (-inf,10] (10,20] (20,50] (50,+inf)
		this.store.add(histogram(1000, 10, 150, new long[] { 5, 5, 0, 0 }));
		this.store.add(histogram(2000, 10, 150, new long[] { 5, 5, 0, 0 }));
		this.store.add(histogram(3000, 20, 550, new long[] { 5, 5, 10, 0 }));

		List<PointView> points = this.store.metrics()
			.series("chats-api", "http.server.request.duration")
			.orElseThrow()
			.series()
			.get(0)
			.points();
		// The second export changed nothing: no point for that interval.
		assertThat(points).hasSize(2);
		assertThat(points.get(0).count()).isEqualTo(10);
		assertThat(points.get(0).value()).isEqualTo(15.0);
		assertThat(points.get(1).count()).isEqualTo(10);
		assertThat(points.get(1).value()).isEqualTo(40.0);
		// All ten of the interval fell into (20,50]: p50 halfway through it.
		assertThat(points.get(1).quantile(0.5)).isEqualTo(35.0);
	}

	@Test
	void storesFedFarPastTheirByteBudgetsStayWithinThemAndKeepTheNewest() {
		TelemetryStore small = new TelemetryStore(
				new TelemetryStore.Limits(10_000, 10_000, 200_000, 10_000, 50_000, 100, 1 << 20, 1 << 20, 1 << 20));
		String text = "x".repeat(500);
		for (int batch = 0; batch < 100; batch++) {
			List<LogRecord> records = new ArrayList<>();
			List<Span> spans = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				int n = batch * 100 + i;
				records.add(log(n, 9, "log " + n + " " + text).build());
				spans.add(span(n + 1, 1, 0, "span " + n, n, 1).addAttributes(attribute("text", text)).build());
				small.add(gauge(this.chatsApi, "queue.size", "s" + (n % 7), n, n));
			}
			small.add(logs(this.chatsApi, records));
			small.add(traces(this.chatsApi, spans));
		}

		// 10,000 of each, some 10 MB estimated per signal: about a tenth fits.
		assertThat(small.logs().estimatedBytes()).isLessThanOrEqualTo(1 << 20).isGreaterThan(1 << 19);
		assertThat(small.logs().count("chats-api")).isBetween(100, 5000);
		assertThat(small.logs().find(null, Severity.TRACE, null, null, 1).get(0).message()).startsWith("log 9999 ");
		assertThat(small.traces().estimatedBytes()).isLessThanOrEqualTo(1 << 20).isGreaterThan(1 << 19);
		assertThat(small.traces().traceCount()).isBetween(100, 5000);
		assertThat(small.traces().spans(traceId(10_000))).isPresent();
		assertThat(small.traces().spans(traceId(1))).isEmpty();
		assertThat(small.estimatedBytes()).isLessThanOrEqualTo(3 << 20);
	}

	@Test
	void metricsFedFarPastTheirByteBudgetStayWithinItAndKeepTheNewest() {
		TelemetryStore small = new TelemetryStore(
				new TelemetryStore.Limits(10_000, 10_000, 200_000, 10_000, 1_000_000, 100, 1 << 20, 1 << 20, 1 << 20));
		for (int i = 0; i < 200_000; i++) {
			// Ever new series too: each costs its attributes.
			small.add(gauge(this.chatsApi, "queue.size", "s" + (i % 1000), i, i));
		}

		assertThat(small.metrics().estimatedBytes()).isLessThanOrEqualTo(1 << 20).isGreaterThan(1 << 19);
		assertThat(small.metrics().pointCount("chats-api")).isBetween(1000, 100_000);
		List<PointView> points = small.metrics()
			.series("chats-api", "queue.size")
			.orElseThrow()
			.series()
			.stream()
			.flatMap((series) -> series.points().stream())
			.toList();
		assertThat(points).extracting(PointView::value).contains(199_999.0).doesNotContain(0.0);
	}

	@Test
	void aChattyResourceDoesNotPushOutAQuietOnesLogs() {
		TelemetryStore small = new TelemetryStore(
				new TelemetryStore.Limits(10_000, 10_000, 200_000, 10_000, 50_000, 100, 1 << 20, 1 << 20, 1 << 20));
		small.add(logs(resource("users-api", null), List.of(log(0, 17, "the one error").build())));
		for (int i = 0; i < 20_000; i++) {
			small.add(logs(this.chatsApi, List.of(log(i, 9, "chatty " + i + " " + "x".repeat(200)).build())));
		}

		assertThat(small.logs().estimatedBytes()).isLessThanOrEqualTo(1 << 20);
		assertThat(small.logs().count("users-api")).isEqualTo(1);
		assertThat(small.logs().count("chats-api")).isLessThan(20_000);
	}

	@Test
	void resourcesThatChangeTheirAttributesAreNotKeptOncePerRecord() {
		TelemetryStore small = new TelemetryStore(
				new TelemetryStore.Limits(10_000, 10_000, 200_000, 10_000, 50_000, 100, 1 << 20, 1 << 20, 1 << 20));
		for (int i = 0; i < 1000; i++) {
			Resource changing = Resource.newBuilder()
				.addAttributes(attribute("service.name", "chats-api"))
				.addAttributes(attribute("noise", i + "y".repeat(4000)))
				.build();
			small.add(logs(changing, List.of(log(i, 9, "log " + i).build())));
		}

		// 1000 records, each with its own 8 KB of resource attributes, would be 8 MB.
		List<LogEntry> all = small.logs().find("chats-api", Severity.TRACE, null, null, 10_000);
		assertThat(all).hasSize(1000);
		assertThat(all).allSatisfy((entry) -> assertThat(entry.resource().attributes()).isEmpty());
		assertThat(small.resources()).singleElement()
			.satisfies((resource) -> assertThat(resource.attributes().get("noise").toString()).startsWith("999y"));
	}

	@Test
	void resourceNamesFollowTheAppHostsReplicaNames() {
		assertThat(TelemetryResource.name("chats-api", "")).isEqualTo("chats-api");
		assertThat(TelemetryResource.name("chats-api", "chats-api")).isEqualTo("chats-api");
		assertThat(TelemetryResource.name("chats-api", "chats-api-2")).isEqualTo("chats-api-2");
		assertThat(TelemetryResource.name("chats-api", "a1b2")).isEqualTo("chats-api-a1b2");
		assertThat(TelemetryResource.of(Resource.getDefaultInstance()).name()).isEqualTo("unknown_service");
	}

	@Test
	void anUnchangedGaugeIsNotExtendedAcrossASilenceAndThePointAfterItIsMarked() {
		for (int i = 0; i < 10; i++) {
			this.store.add(gauge(this.chatsApi, "threads", "all", i * 1000L, 7));
		}
		// 47 minutes without a report, then the same value again.
		long after = 9000 + 47 * 60_000L;
		this.store.add(gauge(this.chatsApi, "threads", "all", after, 7));
		this.store.add(gauge(this.chatsApi, "threads", "all", after + 1000, 7));

		List<PointView> points = points("threads");
		assertThat(points).hasSize(2);
		assertThat(points.get(0).gap()).isFalse();
		assertThat(points.get(0).timeNanos() - points.get(0).firstNanos()).isEqualTo(9000 * 1_000_000L);
		assertThat(points.get(1).gap()).isTrue();
		assertThat(points.get(1).firstNanos()).isEqualTo(TestTelemetry.BASE_NANOS + after * 1_000_000L);
	}

	@Test
	void aSlowerExportIntervalIsLearnedAfterTwoLongSilences() {
		for (int i = 0; i < 5; i++) {
			this.store.add(gauge(this.chatsApi, "threads", "all", i * 1000L, i));
		}
		for (int i = 1; i <= 3; i++) {
			this.store.add(gauge(this.chatsApi, "threads", "all", 4000 + i * 60_000L, 10 + i));
		}

		assertThat(points("threads")).extracting(PointView::gap)
			.containsExactly(false, false, false, false, false, true, false, false);
	}

	@Test
	void aCounterThatRestartedIsMarkedAndKnownAsMonotonic() {
		this.store.add(counter(1, 1000, 5));
		this.store.add(counter(1, 2000, 9));
		this.store.add(counter(3000, 3000, 1));

		assertThat(points("chat.messages.sent")).extracting(PointView::gap).containsExactly(false, false, true);
		Instrument instrument = this.store.metrics().instruments().get("chats-api").get(0);
		assertThat(instrument.monotonic()).isTrue();
		assertThat(instrument.temporality()).isEqualTo("cumulative");
		assertThat(instrument.unit()).isEqualTo("{messages}");
	}

	@Test
	void equalValuesOfADeltaSumAreKeptAsSeparatePoints() {
		for (int i = 1; i <= 3; i++) {
			this.store.add(metrics(this.chatsApi,
					Metric.newBuilder()
						.setName("requests")
						.setSum(Sum.newBuilder()
							.setIsMonotonic(true)
							.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
							.addDataPoints(NumberDataPoint.newBuilder()
								.setTimeUnixNano(TestTelemetry.BASE_NANOS + i * 1_000_000_000L)
								.setAsInt(3)))));
		}

		assertThat(points("requests")).extracting(PointView::value).containsExactly(3.0, 3.0, 3.0);
		assertThat(this.store.metrics().instruments().get("chats-api").get(0).temporality()).isEqualTo("delta");
	}

	@Test
	void exponentialHistogramsHavePercentilesFromTheirBuckets() {
		// Scale 0: base 2, buckets (1,2] (2,4] (4,8] from offset 0.
		this.store.add(exponential(1000, 10, List.of(0L, 0L, 10L)));
		this.store.add(exponential(2000, 20, List.of(10L, 0L, 10L)));

		List<PointView> points = points("http.client.duration");
		assertThat(points).hasSize(2);
		// All ten of the first interval between 4 and 8: p50 halfway.
		assertThat(points.get(0).quantile(0.5)).isEqualTo(6.0);
		// The second interval's ten were all in (1,2].
		assertThat(points.get(1).count()).isEqualTo(10);
		assertThat(points.get(1).quantile(0.5)).isEqualTo(1.5);
		assertThat(points.get(1).quantile(0.99)).isBetween(1.9, 2.0);
	}

	@Test
	void summariesKeepTheSendersQuantiles() {
		this.store.add(metrics(this.chatsApi, Metric.newBuilder()
			.setName("chat.send.duration")
			.setUnit("ms")
			.setSummary(Summary.newBuilder()
				.addDataPoints(SummaryDataPoint.newBuilder()
					.setStartTimeUnixNano(TestTelemetry.BASE_NANOS)
					.setTimeUnixNano(TestTelemetry.BASE_NANOS + 1_000_000_000L)
					.setCount(4)
					.setSum(40)
					.addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(8))
					.addQuantileValues(
							SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.95).setValue(19))))));

		PointView point = points("chat.send.duration").get(0);
		assertThat(point.value()).isEqualTo(10.0);
		assertThat(point.quantile(0.5)).isEqualTo(8.0);
		assertThat(point.quantile(0.95)).isEqualTo(19.0);
		assertThat(point.quantile(0.99)).isNaN();
	}

	private List<PointView> points(String name) {
		return this.store.metrics().series("chats-api", name).orElseThrow().series().get(0).points();
	}

	private io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest counter(long startMs, long timeMs,
			long value) {
		return metrics(this.chatsApi,
				Metric.newBuilder()
					.setName("chat.messages.sent")
					.setUnit("{messages}")
					.setSum(Sum.newBuilder()
						.setIsMonotonic(true)
						.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
						.addDataPoints(NumberDataPoint.newBuilder()
							.setStartTimeUnixNano(TestTelemetry.BASE_NANOS + startMs * 1_000_000)
							.setTimeUnixNano(TestTelemetry.BASE_NANOS + timeMs * 1_000_000)
							.setAsInt(value))));
	}

	private io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest exponential(long timeMs, long count,
			List<Long> buckets) {
		return metrics(this.chatsApi,
				Metric.newBuilder()
					.setName("http.client.duration")
					.setUnit("ms")
					.setExponentialHistogram(ExponentialHistogram.newBuilder()
						.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
						.addDataPoints(ExponentialHistogramDataPoint.newBuilder()
							.setStartTimeUnixNano(TestTelemetry.BASE_NANOS)
							.setTimeUnixNano(TestTelemetry.BASE_NANOS + timeMs * 1_000_000)
							.setCount(count)
							.setSum(count * 3.0)
							.setScale(0)
							.setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
								.setOffset(0)
								.addAllBucketCounts(buckets)))));
	}

	private io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest histogram(long timeMs, long count,
			double sum, long[] buckets) {
		HistogramDataPoint.Builder point = HistogramDataPoint.newBuilder()
			.addAttributes(attribute("http.route", "/api/chats"))
			.setStartTimeUnixNano(TestTelemetry.BASE_NANOS)
			.setTimeUnixNano(TestTelemetry.BASE_NANOS + timeMs * 1_000_000)
			.setCount(count)
			.setSum(sum)
			.addAllExplicitBounds(List.of(10.0, 20.0, 50.0));
		for (long bucket : buckets) {
			point.addBucketCounts(bucket);
		}
		return metrics(this.chatsApi,
				Metric.newBuilder()
					.setName("http.server.request.duration")
					.setUnit("ms")
					.setHistogram(Histogram.newBuilder()
						.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
						.addDataPoints(point)));
	}

}
