package io.chatapp.hosting.telemetry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * Reads an OTLP protobuf export request from a stream into a {@link TelemetryStore} a
 * chunk at a time (at most {@value #CHUNK_ITEMS} spans, log records or metric points, or
 * about {@value #CHUNK_BYTES} bytes of them), so that a request of any size is never held
 * in memory as a whole: parsed protobuf messages take several times their encoded size.
 *
 * <p>
 * All three requests share one shape: {@code repeated Resource<X> = 1}, each with
 * {@code Resource resource = 1} and {@code repeated Scope<X> = 2}, each with
 * {@code InstrumentationScope scope = 1} and {@code repeated <item> = 2}. A resource or
 * scope sent after its items (allowed, but no exporter does it) makes those items wait as
 * bytes until it arrives.
 */
final class OtlpStream {

	static final int CHUNK_ITEMS = 1000;

	static final int CHUNK_BYTES = 1 << 20;

	private static final int RESOURCES = 1;

	private static final int RESOURCE = 1;

	private static final int SCOPES = 2;

	private static final int SCOPE = 1;

	private static final int ITEMS = 2;

	private static final ExtensionRegistryLite NO_EXTENSIONS = ExtensionRegistryLite.getEmptyRegistry();

	static {
		check(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, ResourceSpans.RESOURCE_FIELD_NUMBER,
				ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, ScopeSpans.SCOPE_FIELD_NUMBER, ScopeSpans.SPANS_FIELD_NUMBER);
		check(ExportLogsServiceRequest.RESOURCE_LOGS_FIELD_NUMBER, ResourceLogs.RESOURCE_FIELD_NUMBER,
				ResourceLogs.SCOPE_LOGS_FIELD_NUMBER, ScopeLogs.SCOPE_FIELD_NUMBER, ScopeLogs.LOG_RECORDS_FIELD_NUMBER);
		check(ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER, ResourceMetrics.RESOURCE_FIELD_NUMBER,
				ResourceMetrics.SCOPE_METRICS_FIELD_NUMBER, ScopeMetrics.SCOPE_FIELD_NUMBER,
				ScopeMetrics.METRICS_FIELD_NUMBER);
	}

	private OtlpStream() {
	}

	private static void check(int... fieldNumbers) {
		if (fieldNumbers[0] != RESOURCES || fieldNumbers[1] != RESOURCE || fieldNumbers[2] != SCOPES
				|| fieldNumbers[3] != SCOPE || fieldNumbers[4] != ITEMS) {
			throw new IllegalStateException("Unexpected OTLP field numbers");
		}
	}

	static void traces(CodedInputStream in, TelemetryStore store) throws IOException {
		read(in, new Items<>(Span.parser(),
				(resource, scope,
						spans) -> store.add(ExportTraceServiceRequest.newBuilder()
							.addResourceSpans(ResourceSpans.newBuilder()
								.setResource(resource)
								.addScopeSpans(ScopeSpans.newBuilder().setScope(scope).addAllSpans(spans)))
							.build())));
	}

	static void logs(CodedInputStream in, TelemetryStore store) throws IOException {
		read(in, new Items<>(LogRecord.parser(),
				(resource, scope,
						records) -> store.add(ExportLogsServiceRequest.newBuilder()
							.addResourceLogs(ResourceLogs.newBuilder()
								.setResource(resource)
								.addScopeLogs(ScopeLogs.newBuilder().setScope(scope).addAllLogRecords(records)))
							.build())));
	}

	static void metrics(CodedInputStream in, TelemetryStore store) throws IOException {
		read(in, new Metrics(store));
	}

	private static void read(CodedInputStream in, ItemReader items) throws IOException {
		int tag;
		while ((tag = in.readTag()) != 0) {
			if (tag == lengthDelimited(RESOURCES)) {
				int limit = in.pushLimit(in.readRawVarint32());
				readResource(in, items);
				in.popLimit(limit);
			}
			else if (!in.skipField(tag)) {
				return;
			}
		}
	}

	private static void readResource(CodedInputStream in, ItemReader items) throws IOException {
		Resource resource = null;
		List<ByteString> early = new ArrayList<>();
		int tag;
		while ((tag = in.readTag()) != 0) {
			if (tag == lengthDelimited(RESOURCE)) {
				resource = in.readMessage(Resource.parser(), NO_EXTENSIONS);
			}
			else if (tag == lengthDelimited(SCOPES) && resource == null) {
				early.add(in.readBytes());
			}
			else if (tag == lengthDelimited(SCOPES)) {
				int limit = in.pushLimit(in.readRawVarint32());
				readScope(in, resource, items);
				in.popLimit(limit);
			}
			else if (!in.skipField(tag)) {
				break;
			}
		}
		for (ByteString scope : early) {
			readScope(scope.newCodedInput(), (resource != null) ? resource : Resource.getDefaultInstance(), items);
		}
	}

	private static void readScope(CodedInputStream in, Resource resource, ItemReader items) throws IOException {
		InstrumentationScope scope = null;
		List<ByteString> early = new ArrayList<>();
		int tag;
		while ((tag = in.readTag()) != 0) {
			if (tag == lengthDelimited(SCOPE)) {
				scope = in.readMessage(InstrumentationScope.parser(), NO_EXTENSIONS);
			}
			else if (tag == lengthDelimited(ITEMS) && scope == null) {
				early.add(in.readBytes());
			}
			else if (tag == lengthDelimited(ITEMS)) {
				items.item(in, resource, scope);
			}
			else if (!in.skipField(tag)) {
				break;
			}
		}
		scope = (scope != null) ? scope : InstrumentationScope.getDefaultInstance();
		for (ByteString item : early) {
			// The item as if it came length-delimited from the stream.
			items.item(CodedInputStream.newInstance(prefixed(item)), resource, scope);
		}
		items.flush();
	}

	private static byte[] prefixed(ByteString item) throws IOException {
		byte[] bytes = new byte[CodedOutputStream.computeUInt32SizeNoTag(item.size()) + item.size()];
		CodedOutputStream out = CodedOutputStream.newInstance(bytes);
		out.writeUInt32NoTag(item.size());
		out.writeRawBytes(item);
		out.flush();
		return bytes;
	}

	private static int lengthDelimited(int fieldNumber) {
		return tag(fieldNumber, WireFormat.WIRETYPE_LENGTH_DELIMITED);
	}

	private static int tag(int fieldNumber, int wireType) {
		return (fieldNumber << 3) | wireType;
	}

	/**
	 * Reads the items of one scope (the stream positioned at an item's length) and stores
	 * them in chunks.
	 */
	private interface ItemReader {

		void item(CodedInputStream in, Resource resource, InstrumentationScope scope) throws IOException;

		void flush();

	}

	private interface Sink<T> {

		void store(Resource resource, InstrumentationScope scope, List<T> items);

	}

	/**
	 * Spans or log records: each parsed whole, stored a chunk at a time.
	 */
	private static final class Items<T extends MessageLite> implements ItemReader {

		private final Parser<T> parser;

		private final Sink<T> sink;

		private final List<T> chunk = new ArrayList<>();

		private Resource resource;

		private InstrumentationScope scope;

		private long bytes;

		Items(Parser<T> parser, Sink<T> sink) {
			this.parser = parser;
			this.sink = sink;
		}

		@Override
		public void item(CodedInputStream in, Resource resource, InstrumentationScope scope) throws IOException {
			if (resource != this.resource || scope != this.scope) {
				flush();
				this.resource = resource;
				this.scope = scope;
			}
			T item = in.readMessage(this.parser, NO_EXTENSIONS);
			this.chunk.add(item);
			this.bytes += item.getSerializedSize();
			if (this.chunk.size() >= CHUNK_ITEMS || this.bytes >= CHUNK_BYTES) {
				flush();
			}
		}

		@Override
		public void flush() {
			if (!this.chunk.isEmpty()) {
				this.sink.store(this.resource, this.scope, this.chunk);
				this.chunk.clear();
				this.bytes = 0;
			}
		}

	}

	/**
	 * Metrics: one metric may carry any number of data points, so its data (gauge, sum,
	 * histogram, ...) is read twice from its bytes: once for the aggregation temporality
	 * (which comes after the points), then point by point, each chunk stored as a metric
	 * of its own with the same name.
	 */
	private static final class Metrics implements ItemReader {

		private static final int POINTS = 1;

		private static final int TEMPORALITY = 2;

		private static final int MONOTONIC = 3;

		private final TelemetryStore store;

		Metrics(TelemetryStore store) {
			this.store = store;
		}

		@Override
		public void item(CodedInputStream in, Resource resource, InstrumentationScope scope) throws IOException {
			int limit = in.pushLimit(in.readRawVarint32());
			Metric.Builder header = Metric.newBuilder();
			int dataField = 0;
			ByteString data = null;
			int tag;
			while ((tag = in.readTag()) != 0) {
				int field = WireFormat.getTagFieldNumber(tag);
				if (tag == lengthDelimited(Metric.NAME_FIELD_NUMBER)) {
					header.setName(in.readStringRequireUtf8());
				}
				else if (tag == lengthDelimited(Metric.DESCRIPTION_FIELD_NUMBER)) {
					header.setDescription(in.readStringRequireUtf8());
				}
				else if (tag == lengthDelimited(Metric.UNIT_FIELD_NUMBER)) {
					header.setUnit(in.readStringRequireUtf8());
				}
				else if (tag == lengthDelimited(field) && (field == Metric.GAUGE_FIELD_NUMBER
						|| field == Metric.SUM_FIELD_NUMBER || field == Metric.HISTOGRAM_FIELD_NUMBER
						|| field == Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER
						|| field == Metric.SUMMARY_FIELD_NUMBER)) {
					// As in protobuf, the last one wins.
					dataField = field;
					data = in.readBytes();
				}
				else if (!in.skipField(tag)) {
					break;
				}
			}
			in.checkLastTagWas(0);
			in.popLimit(limit);
			if (data != null) {
				points(resource, scope, header.build(), dataField, data);
			}
		}

		private void points(Resource resource, InstrumentationScope scope, Metric header, int dataField,
				ByteString data) throws IOException {
			int temporality = 0;
			boolean monotonic = false;
			CodedInputStream in = data.newCodedInput();
			int tag;
			while ((tag = in.readTag()) != 0) {
				if (tag == tag(TEMPORALITY, WireFormat.WIRETYPE_VARINT)) {
					temporality = in.readEnum();
				}
				else if (tag == tag(MONOTONIC, WireFormat.WIRETYPE_VARINT)) {
					monotonic = in.readBool();
				}
				else if (!in.skipField(tag)) {
					break;
				}
			}
			Parser<? extends MessageLite> parser = switch (dataField) {
				case Metric.GAUGE_FIELD_NUMBER, Metric.SUM_FIELD_NUMBER -> NumberDataPoint.parser();
				case Metric.HISTOGRAM_FIELD_NUMBER -> HistogramDataPoint.parser();
				case Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER -> ExponentialHistogramDataPoint.parser();
				default -> SummaryDataPoint.parser();
			};
			List<MessageLite> chunk = new ArrayList<>();
			long bytes = 0;
			in = data.newCodedInput();
			while ((tag = in.readTag()) != 0) {
				if (tag == lengthDelimited(POINTS)) {
					MessageLite point = in.readMessage(parser, NO_EXTENSIONS);
					chunk.add(point);
					bytes += point.getSerializedSize();
					if (chunk.size() >= CHUNK_ITEMS || bytes >= CHUNK_BYTES) {
						store(resource, scope, header, dataField, temporality, monotonic, chunk);
						chunk.clear();
						bytes = 0;
					}
				}
				else if (!in.skipField(tag)) {
					break;
				}
			}
			store(resource, scope, header, dataField, temporality, monotonic, chunk);
		}

		@SuppressWarnings("unchecked")
		private void store(Resource resource, InstrumentationScope scope, Metric header, int dataField, int temporality,
				boolean monotonic, List<MessageLite> points) {
			if (points.isEmpty()) {
				return;
			}
			Metric.Builder metric = header.toBuilder();
			AggregationTemporality aggregation = AggregationTemporality.forNumber(temporality);
			if (aggregation == null) {
				aggregation = AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED;
			}
			switch (dataField) {
				case Metric.GAUGE_FIELD_NUMBER ->
					metric.setGauge(Gauge.newBuilder().addAllDataPoints((List<NumberDataPoint>) (List<?>) points));
				case Metric.SUM_FIELD_NUMBER -> metric.setSum(Sum.newBuilder()
					.setAggregationTemporality(aggregation)
					.setIsMonotonic(monotonic)
					.addAllDataPoints((List<NumberDataPoint>) (List<?>) points));
				case Metric.HISTOGRAM_FIELD_NUMBER -> metric.setHistogram(Histogram.newBuilder()
					.setAggregationTemporality(aggregation)
					.addAllDataPoints((List<HistogramDataPoint>) (List<?>) points));
				case Metric.EXPONENTIAL_HISTOGRAM_FIELD_NUMBER ->
					metric.setExponentialHistogram(ExponentialHistogram.newBuilder()
						.setAggregationTemporality(aggregation)
						.addAllDataPoints((List<ExponentialHistogramDataPoint>) (List<?>) points));
				default ->
					metric.setSummary(Summary.newBuilder().addAllDataPoints((List<SummaryDataPoint>) (List<?>) points));
			}
			this.store.add(ExportMetricsServiceRequest.newBuilder()
				.addResourceMetrics(ResourceMetrics.newBuilder()
					.setResource(resource)
					.addScopeMetrics(ScopeMetrics.newBuilder().setScope(scope).addMetrics(metric)))
				.build());
		}

		@Override
		public void flush() {
		}

	}

}
