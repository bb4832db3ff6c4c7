package io.chatapp.apphost.telemetry;

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

import io.chatapp.apphost.telemetry.LogStore.LogEntry;
import io.chatapp.apphost.telemetry.LogStore.Severity;
import io.chatapp.apphost.telemetry.MetricStore.Instrument;
import io.chatapp.apphost.telemetry.TraceStore.Event;
import io.chatapp.apphost.telemetry.TraceStore.Link;

/**
 * The dashboard's telemetry: what the services sent over OTLP, kept in memory within
 * fixed limits (like the Aspire dashboard's), the oldest evicted first. Thread-safe.
 *
 * <p>
 * {@link OtlpReceiver} fills it, {@link TelemetryApi} reads it.
 */
public final class TelemetryStore {

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
		this.traces = new TraceStore(limits.traces(), limits.spans(), limits.spansPerTrace());
		this.logs = new LogStore(limits.logsPerResource(), limits.resources());
		this.metrics = new MetricStore(limits.metricPointsPerResource(), limits.resources());
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
				String scope = scopeSpans.getScope().getName();
				for (Span span : scopeSpans.getSpansList()) {
					spans.add(span(span, resource, scope));
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
				String scope = scopeLogs.getScope().getName();
				for (LogRecord record : scopeLogs.getLogRecordsList()) {
					long time = (record.getTimeUnixNano() != 0) ? record.getTimeUnixNano()
							: record.getObservedTimeUnixNano();
					entries.add(new LogEntry(0, time, resource, scope,
							Severity.of(record.getSeverityNumberValue(), record.getSeverityText()),
							Otlp.text(record.getBody()), Otlp.hex(record.getTraceId()), Otlp.hex(record.getSpanId()),
							Otlp.attributes(record.getAttributesList())));
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
		return resource;
	}

	private static TraceStore.Span span(Span span, TelemetryResource resource, String scope) {
		List<Event> events = new ArrayList<>();
		for (Span.Event event : span.getEventsList()) {
			events.add(new Event(event.getName(), event.getTimeUnixNano(), Otlp.attributes(event.getAttributesList())));
		}
		List<Link> links = new ArrayList<>();
		for (Span.Link link : span.getLinksList()) {
			links.add(new Link(Otlp.hex(link.getTraceId()), Otlp.hex(link.getSpanId()),
					Otlp.attributes(link.getAttributesList())));
		}
		Status status = span.getStatus();
		return new TraceStore.Span(Otlp.hex(span.getTraceId()), Otlp.hex(span.getSpanId()),
				Otlp.hex(span.getParentSpanId()), span.getName(), resource, scope, kind(span.getKind()),
				span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), statusCode(status.getCode()),
				status.getMessage(), Otlp.attributes(span.getAttributesList()), events, links);
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
				Instrument instrument = instrument(metric, "gauge");
				metric.getGauge().getDataPointsList().forEach((point) -> addNumber(resource, instrument, point));
			}
			case SUM -> {
				Instrument instrument = instrument(metric, "sum");
				metric.getSum().getDataPointsList().forEach((point) -> addNumber(resource, instrument, point));
			}
			case HISTOGRAM -> {
				Instrument instrument = instrument(metric, "histogram");
				boolean cumulative = metric.getHistogram()
					.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
				for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), cumulative, point.getCount(),
								point.getSum(), toDoubles(point.getExplicitBoundsList()),
								toLongs(point.getBucketCountsList()));
					}
				}
			}
			case EXPONENTIAL_HISTOGRAM -> {
				Instrument instrument = instrument(metric, "exponentialHistogram");
				boolean cumulative = metric.getExponentialHistogram()
					.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
				for (ExponentialHistogramDataPoint point : metric.getExponentialHistogram().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), cumulative, point.getCount(),
								point.getSum(), new double[0], new long[0]);
					}
				}
			}
			case SUMMARY -> {
				// Summaries are cumulative by definition.
				Instrument instrument = instrument(metric, "summary");
				for (SummaryDataPoint point : metric.getSummary().getDataPointsList()) {
					if (!noValue(point.getFlags())) {
						this.metrics.addHistogram(resource, instrument, Otlp.attributes(point.getAttributesList()),
								point.getStartTimeUnixNano(), point.getTimeUnixNano(), true, point.getCount(),
								point.getSum(), new double[0], new long[0]);
					}
				}
			}
			default -> {
			}
		}
	}

	private void addNumber(TelemetryResource resource, Instrument instrument, NumberDataPoint point) {
		if (noValue(point.getFlags())) {
			return;
		}
		double value = (point.getValueCase() == NumberDataPoint.ValueCase.AS_INT) ? point.getAsInt()
				: point.getAsDouble();
		this.metrics.addValue(resource, instrument, Otlp.attributes(point.getAttributesList()), point.getTimeUnixNano(),
				value);
	}

	private static Instrument instrument(Metric metric, String type) {
		return new Instrument(metric.getName(), metric.getUnit(), metric.getDescription(), type);
	}

	private static boolean noValue(int flags) {
		return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
	}

	private static double[] toDoubles(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).toArray();
	}

	private static long[] toLongs(List<Long> values) {
		return values.stream().mapToLong(Long::longValue).toArray();
	}

	/**
	 * How much telemetry to keep. Exceeding a limit evicts the oldest entries.
	 *
	 * @param logsPerResource log records per resource (Aspire: 10,000)
	 * @param traces traces in all (Aspire: 10,000), whole traces are evicted
	 * @param spans spans in all, so that huge traces cannot exhaust the memory
	 * @param spansPerTrace spans kept per trace; later spans of a full trace are dropped
	 * @param metricPointsPerResource metric points per resource (Aspire: 50,000)
	 * @param resources distinct resources; the one heard from least recently goes first
	 */
	public record Limits(int logsPerResource, int traces, int spans, int spansPerTrace, int metricPointsPerResource,
			int resources) {

		public Limits {
			if (logsPerResource < 1 || traces < 1 || spans < 1 || spansPerTrace < 1 || metricPointsPerResource < 1
					|| resources < 1) {
				throw new IllegalArgumentException("Telemetry limits must be positive");
			}
		}

		/**
		 * Aspire's defaults: 10,000 log records per resource, 10,000 traces, 50,000
		 * metric points per resource; at most 200,000 spans, 10,000 per trace and 100
		 * resources.
		 * @return the default limits
		 */
		public static Limits defaults() {
			return new Limits(10_000, 10_000, 200_000, 10_000, 50_000, 100);
		}

	}

}
