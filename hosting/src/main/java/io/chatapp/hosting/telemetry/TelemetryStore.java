package io.chatapp.hosting.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import io.chatapp.hosting.telemetry.LogStore.LogEntry;
import io.chatapp.hosting.telemetry.LogStore.Severity;
import io.chatapp.hosting.telemetry.MetricStore.Instrument;
import io.chatapp.hosting.telemetry.TraceStore.Event;
import io.chatapp.hosting.telemetry.TraceStore.Link;

/**
 * The dashboard's telemetry: what the services sent over OTLP, kept in memory within
 * fixed limits (like the Aspire dashboard's) and within a byte budget per signal (over an
 * estimate of the retained size), the oldest evicted first. Thread-safe.
 *
 * <p>
 * {@link OtlpReceiver} fills it, {@link TelemetryApi} reads it.
 */
public final class TelemetryStore {

	// Spans and log records are converted and stored this many at a time, so that a large
	// request never exists twice in memory.
	private static final int CHUNK = 1000;

	/** Events kept per span (the first ones). */
	static final int MAX_EVENTS = 32;

	/** Links kept per span (the first ones). */
	static final int MAX_LINKS = 32;

	/** Attributes kept per event or link. */
	static final int MAX_EVENT_ATTRIBUTES = 16;

	/** Explicit histogram bounds kept per point. */
	static final int MAX_BUCKETS = 256;

	private final Limits limits;

	private final TraceStore traces;

	private final LogStore logs;

	private final MetricStore metrics;

	private final Map<String, TelemetryResource> resources;

	/**
	 * A store with the {@linkplain Limits#defaults() default limits}.
	 */
	public TelemetryStore() {
		this(Limits.defaults());
	}

	/**
	 * A store with the given limits.
	 * @param limits how much to keep
	 */
	public TelemetryStore(Limits limits) {
		this.limits = limits;
		this.traces = new TraceStore(limits.traces(), limits.spans(), limits.spansPerTrace(), limits.traceBytes());
		this.logs = new LogStore(limits.logsPerResource(), limits.resources(), limits.logBytes());
		this.metrics = new MetricStore(limits.metricPointsPerResource(), limits.resources(), limits.metricBytes());
		this.resources = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, TelemetryResource> eldest) {
				return size() > limits.resources();
			}
		};
	}

	public Limits limits() {
		return this.limits;
	}

	/**
	 * Stores the spans of an OTLP trace export.
	 * @param request the export request
	 */
	public void add(ExportTraceServiceRequest request) {
		for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
			TelemetryResource resource = resource(TelemetryResource.of(resourceSpans.getResource()));
			List<TraceStore.Span> spans = new ArrayList<>();
			for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
				String scope = Otlp.truncate(scopeSpans.getScope().getName());
				for (Span span : scopeSpans.getSpansList()) {
					spans.add(span(span, resource, scope));
					if (spans.size() == CHUNK) {
						this.traces.add(spans);
						spans.clear();
					}
				}
			}
			this.traces.add(spans);
		}
	}

	/**
	 * Stores the records of an OTLP logs export.
	 * @param request the export request
	 */
	public void add(ExportLogsServiceRequest request) {
		for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
			TelemetryResource resource = resource(TelemetryResource.of(resourceLogs.getResource()));
			List<LogEntry> entries = new ArrayList<>();
			for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
				String scope = Otlp.truncate(scopeLogs.getScope().getName());
				for (LogRecord record : scopeLogs.getLogRecordsList()) {
					long time = (record.getTimeUnixNano() != 0) ? record.getTimeUnixNano()
							: record.getObservedTimeUnixNano();
					entries.add(new LogEntry(0, time, resource, scope,
							Severity.of(record.getSeverityNumberValue(), record.getSeverityText()),
							Otlp.text(record.getBody()), Otlp.hex(record.getTraceId()), Otlp.hex(record.getSpanId()),
							Otlp.attributes(record.getAttributesList())));
					if (entries.size() == CHUNK) {
						this.logs.add(entries);
						entries.clear();
					}
				}
			}
			this.logs.add(entries);
		}
	}

	/**
	 * Stores the points of an OTLP metrics export.
	 * @param request the export request
	 */
	public void add(ExportMetricsServiceRequest request) {
		for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
			TelemetryResource resource = resource(TelemetryResource.of(resourceMetrics.getResource()));
			for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
				for (Metric metric : scopeMetrics.getMetricsList()) {
					addMetric(resource, metric);
				}
			}
		}
	}

	/**
	 * Forgets all telemetry.
	 */
	public void clear() {
		this.traces.clear();
		this.logs.clear();
		this.metrics.clear();
		synchronized (this.resources) {
			this.resources.clear();
		}
	}

	/**
	 * How many ERROR (or FATAL) log records a resource sent since a time: the error badge
	 * on the resources page.
	 * @param resource the resource name, e.g. {@code orders-api-2}
	 * @param since the earliest record time counted
	 * @return the number of stored records
	 */
	public int errorCount(String resource, Instant since) {
		return this.logs.countSince(resource, LogStore.Severity.ERROR,
				since.getEpochSecond() * 1_000_000_000L + since.getNano());
	}

	TraceStore traces() {
		return this.traces;
	}

	LogStore logs() {
		return this.logs;
	}

	MetricStore metrics() {
		return this.metrics;
	}

	List<TelemetryResource> resources() {
		synchronized (this.resources) {
			return new ArrayList<>(this.resources.values());
		}
	}

	private TelemetryResource resource(TelemetryResource resource) {
		synchronized (this.resources) {
			// The latest attributes win (a restarted service may report a new process
			// id).
			this.resources.put(resource.name(), resource);
		}
		return resource.reference();
	}

	/**
	 * The estimated heap size of the stored spans, log records and metrics.
	 * @return bytes, at most the sum of the byte budgets
	 */
	public long estimatedBytes() {
		return this.traces.estimatedBytes() + this.logs.estimatedBytes() + this.metrics.estimatedBytes();
	}

	private static TraceStore.Span span(Span span, TelemetryResource resource, String scope) {
		List<Event> events = new ArrayList<>();
		for (Span.Event event : span.getEventsList()) {
			if (events.size() == MAX_EVENTS) {
				break;
			}
			events.add(new Event(Otlp.truncate(event.getName()), event.getTimeUnixNano(),
					Otlp.attributes(event.getAttributesList(), MAX_EVENT_ATTRIBUTES)));
		}
		List<Link> links = new ArrayList<>();
		for (Span.Link link : span.getLinksList()) {
			if (links.size() == MAX_LINKS) {
				break;
			}
			links.add(new Link(Otlp.hex(link.getTraceId()), Otlp.hex(link.getSpanId()),
					Otlp.attributes(link.getAttributesList(), MAX_EVENT_ATTRIBUTES)));
		}
		Status status = span.getStatus();
		return new TraceStore.Span(Otlp.hex(span.getTraceId()), Otlp.hex(span.getSpanId()),
				Otlp.hex(span.getParentSpanId()), Otlp.truncate(span.getName()), resource, scope, kind(span.getKind()),
				span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), statusCode(status.getCode()),
				Otlp.truncate(status.getMessage()), Otlp.attributes(span.getAttributesList()), events, links);
	}

	private static String kind(Span.SpanKind kind) {
		return switch (kind) {
			case SPAN_KIND_SERVER -> "SERVER";
			case SPAN_KIND_CLIENT -> "CLIENT";
			case SPAN_KIND_PRODUCER -> "PRODUCER";
			case SPAN_KIND_CONSUMER -> "CONSUMER";
			case SPAN_KIND_INTERNAL -> "INTERNAL";
			default -> "UNSPECIFIED";
		};
	}

	private static String statusCode(Status.StatusCode code) {
		return switch (code) {
			case STATUS_CODE_OK -> "OK";
			case STATUS_CODE_ERROR -> "ERROR";
			default -> "UNSET";
		};
	}

	private void addMetric(TelemetryResource resource, Metric metric) {
		switch (metric.getDataCase()) {
			case GAUGE -> {
				Instrument instrument = instrument(metric, "gauge", false, "");
				metric.getGauge().getDataPointsList().forEach((point) -> addNumber(resource, instrument, point, false));
			}
			case SUM -> {
				boolean cumulative = metric.getSum()
					.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
				Instrument instrument = instrument(metric, "sum", metric.getSum().getIsMonotonic(),
						cumulative ? "cumulative" : "delta");
				metric.getSum()
					.getDataPointsList()
					.forEach((point) -> addNumber(resource, instrument, point, cumulative));
			}
			case HISTOGRAM -> {
				boolean cumulative = metric.getHistogram()
					.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
				Instrument instrument = instrument(metric, "histogram", false, cumulative ? "cumulative" : "delta");
				for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), cumulative, point.getCount(),
								point.getSum(), toDoubles(point.getExplicitBoundsList()),
								toLongs(point.getBucketCountsList()), null);
					}
				}
			}
			case EXPONENTIAL_HISTOGRAM -> {
				boolean cumulative = metric.getExponentialHistogram()
					.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
				Instrument instrument = instrument(metric, "exponentialHistogram", false,
						cumulative ? "cumulative" : "delta");
				for (ExponentialHistogramDataPoint point : metric.getExponentialHistogram().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						ExplicitBuckets buckets = ExplicitBuckets.of(point);
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), cumulative, point.getCount(),
								point.getSum(), buckets.bounds(), buckets.counts(), null);
					}
				}
			}
			case SUMMARY -> {
				// Summaries are cumulative by definition; their quantiles are the
				// sender's (Micrometer's percentiles over its own time window).
				Instrument instrument = instrument(metric, "summary", false, "cumulative");
				for (SummaryDataPoint point : metric.getSummary().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), true, point.getCount(),
								point.getSum(), new double[0], new long[0], quantiles(point));
					}
				}
			}
			default -> {
			}
		}
	}

	private void addNumber(TelemetryResource resource, Instrument instrument, NumberDataPoint point,
			boolean cumulative) {
		if (noValue(point.getFlags())) {
			return;
		}
		double value = (point.getValueCase() == NumberDataPoint.ValueCase.AS_INT) ? point.getAsInt()
				: point.getAsDouble();
		this.metrics.addValue(resource, instrument, Otlp.attributes(point.getAttributesList()),
				cumulative ? point.getStartTimeUnixNano() : 0, point.getTimeUnixNano(), value);
	}

	private static double[] quantiles(SummaryDataPoint point) {
		int count = Math.min(point.getQuantileValuesCount(), MAX_BUCKETS);
		if (count == 0) {
			return null;
		}
		double[] pairs = new double[2 * count];
		for (int i = 0; i < count; i++) {
			pairs[2 * i] = point.getQuantileValues(i).getQuantile();
			pairs[2 * i + 1] = point.getQuantileValues(i).getValue();
		}
		return pairs;
	}

	private static Instrument instrument(Metric metric, String type, boolean monotonic, String temporality) {
		return new Instrument(Otlp.truncate(metric.getName()), Otlp.truncate(metric.getUnit()),
				Otlp.truncate(metric.getDescription()), type, monotonic, temporality);
	}

	private static boolean noValue(int flags) {
		return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
	}

	private static double[] toDoubles(List<Double> values) {
		return values.stream().limit(MAX_BUCKETS).mapToDouble(Double::doubleValue).toArray();
	}

	private static long[] toLongs(List<Long> values) {
		return values.stream().limit(MAX_BUCKETS + 1).mapToLong(Long::longValue).toArray();
	}

	/**
	 * An exponential histogram's positive buckets as explicit ones, so that percentiles
	 * are estimated the same way: bucket {@code offset + i} holds the values in
	 * {@code (base^(offset+i), base^(offset+i+1)]} with {@code base = 2^(2^-scale)}; the
	 * zero bucket (and any negative values, rare for durations and sizes) comes first,
	 * below the lowest positive bound.
	 *
	 * @param bounds upper bounds
	 * @param counts counts, one more than bounds
	 */
	record ExplicitBuckets(double[] bounds, long[] counts) {

		static ExplicitBuckets of(ExponentialHistogramDataPoint point) {
			List<Long> positive = point.getPositive().getBucketCountsList();
			int size = Math.min(positive.size(), MAX_BUCKETS - 1);
			if (size == 0) {
				return new ExplicitBuckets(new double[0], new long[0]);
			}
			double base = Math.pow(2, Math.pow(2, -point.getScale()));
			int offset = point.getPositive().getOffset();
			double[] bounds = new double[size + 1];
			long[] counts = new long[size + 2];
			bounds[0] = Math.pow(base, offset);
			long negative = point.getNegative().getBucketCountsList().stream().mapToLong(Long::longValue).sum();
			counts[0] = point.getZeroCount() + negative;
			for (int i = 0; i < size; i++) {
				bounds[i + 1] = Math.pow(base, offset + i + 1);
				counts[i + 1] = positive.get(i);
			}
			return new ExplicitBuckets(bounds, counts);
		}

	}

	/**
	 * How much telemetry to keep. Exceeding a limit evicts the oldest entries.
	 *
	 * <p>
	 * The byte budgets are over an estimate of the retained heap size that errs on the
	 * large side; they are what bounds the memory in practice (10,000 traces of real
	 * spans take far more than the default 16 MiB).
	 *
	 * @param logsPerResource log records per resource (Aspire: 10,000)
	 * @param traces traces in all (Aspire: 10,000), whole traces are evicted
	 * @param spans spans in all, so that huge traces cannot exhaust the memory
	 * @param spansPerTrace spans kept per trace; later spans of a full trace are dropped
	 * @param metricPointsPerResource metric points per resource (Aspire: 50,000)
	 * @param resources distinct resources; the one heard from least recently goes first
	 * @param traceBytes estimated bytes of all spans; one trace may take a quarter of it,
	 * later spans of a trace that large are dropped
	 * @param logBytes estimated bytes of all log records
	 * @param metricBytes estimated bytes of all metric series and points
	 */
	public record Limits(int logsPerResource, int traces, int spans, int spansPerTrace, int metricPointsPerResource,
			int resources, long traceBytes, long logBytes, long metricBytes) {

		/** Default byte budget of the spans: 16 MiB. */
		public static final long DEFAULT_TRACE_BYTES = 16L << 20;

		/** Default byte budget of the log records: 8 MiB. */
		public static final long DEFAULT_LOG_BYTES = 8L << 20;

		/** Default byte budget of the metrics: 8 MiB. */
		public static final long DEFAULT_METRIC_BYTES = 8L << 20;

		public Limits {
			if (logsPerResource < 1 || traces < 1 || spans < 1 || spansPerTrace < 1 || metricPointsPerResource < 1
					|| resources < 1 || traceBytes < 1 || logBytes < 1 || metricBytes < 1) {
				throw new IllegalArgumentException("Telemetry limits must be positive");
			}
		}

		/**
		 * Count limits with the default byte budgets.
		 */
		public Limits(int logsPerResource, int traces, int spans, int spansPerTrace, int metricPointsPerResource,
				int resources) {
			this(logsPerResource, traces, spans, spansPerTrace, metricPointsPerResource, resources, DEFAULT_TRACE_BYTES,
					DEFAULT_LOG_BYTES, DEFAULT_METRIC_BYTES);
		}

		/**
		 * Aspire's defaults: 10,000 log records per resource, 10,000 traces, 50,000
		 * metric points per resource; at most 200,000 spans, 10,000 per trace and 100
		 * resources; and 16 MiB of spans, 8 MiB of log records and 8 MiB of metrics (a
		 * quarter of the AppHost's 128 MiB heap in all).
		 * @return the default limits
		 */
		public static Limits defaults() {
			return new Limits(10_000, 10_000, 200_000, 10_000, 50_000, 100);
		}

		/**
		 * The same count limits with another byte budget for all signals together, split
		 * like the defaults (half for spans, a quarter each for logs and metrics).
		 * @param totalBytes the budget of all stores together
		 * @return the limits
		 */
		public Limits withTotalBytes(long totalBytes) {
			return new Limits(this.logsPerResource, this.traces, this.spans, this.spansPerTrace,
					this.metricPointsPerResource, this.resources, totalBytes / 2, totalBytes / 4, totalBytes / 4);
		}

	}

}
