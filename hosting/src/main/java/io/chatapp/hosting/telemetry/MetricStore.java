package io.chatapp.hosting.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Metric points per resource, instrument and attribute set (a series), at most
 * {@code maxPointsPerResource} points per resource, the oldest evicted first; once the
 * estimated size of everything exceeds the byte budget, the oldest points of the resource
 * that takes the most go first.
 *
 * <p>
 * Two things keep the history long: a gauge or sum point whose value did not change only
 * moves the end time of the previous point, and cumulative histograms are stored as the
 * difference to their previous point (so an interval without measurements stores nothing,
 * and a point's average and percentiles describe that interval, not the whole run).
 */
final class MetricStore {

	/** A silence longer than this many export intervals breaks a series. */
	static final int GAP_FACTOR = 3;

	private final int maxPointsPerResource;

	private final long maxBytes;

	private final Map<String, ResourceMetrics> byResource;

	private long bytes;

	MetricStore(int maxPointsPerResource, int maxResources, long maxBytes) {
		this.maxPointsPerResource = maxPointsPerResource;
		this.maxBytes = maxBytes;
		this.byResource = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, ResourceMetrics> eldest) {
				if (size() > maxResources) {
					MetricStore.this.bytes -= eldest.getValue().bytes;
					return true;
				}
				return false;
			}
		};
	}

	/**
	 * Adds a gauge or sum value.
	 * @param startNanos start of a cumulative sum, 0 when unknown
	 */
	synchronized void addValue(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes,
			long startNanos, long timeNanos, double value) {
		Series series = series(resource, instrument, attributes);
		boolean gap = series.report(startNanos, timeNanos);
		Point last = series.points.peekLast();
		// A delta sum's equal values are separate amounts (3 requests, then 3 more), not
		// one unchanged value.
		boolean delta = "delta".equals(instrument.temporality());
		if (!gap && !delta && last != null && last.value == value && last.count == 0 && timeNanos >= last.timeNanos) {
			last.timeNanos = timeNanos;
			return;
		}
		append(resource, series, new Point(timeNanos, value, 0, 0, null, gap));
		evict();
	}

	/**
	 * Adds a histogram (or summary) point.
	 * @param cumulative whether count, sum and buckets count from {@code startNanos}
	 * (then only the difference to the previous point is stored)
	 * @param bounds explicit bucket bounds, may be empty
	 * @param buckets bucket counts (bounds + 1 of them), may be empty
	 * @param quantiles quantiles the sender computed (a summary's), as pairs of level and
	 * value ({@code [0.5, v50, 0.99, v99]}), or {@code null}; when given they are kept
	 * instead of estimating percentiles from buckets
	 */
	synchronized void addHistogram(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes,
			long startNanos, long timeNanos, boolean cumulative, long count, double sum, double[] bounds,
			long[] buckets, double[] quantiles) {
		Series series = series(resource, instrument, attributes);
		boolean gap = series.report(cumulative ? startNanos : 0, timeNanos);
		long intervalCount = count;
		double intervalSum = sum;
		long[] intervalBuckets = buckets;
		if (cumulative) {
			Baseline previous = series.baseline;
			series.baseline = new Baseline(startNanos, count, sum, bounds, buckets);
			long change = series.baseline.size() - ((previous != null) ? previous.size() : 0);
			series.bytes += change;
			charge(resource, change);
			if (previous != null && previous.startNanos == startNanos && previous.count <= count) {
				intervalCount = count - previous.count;
				intervalSum = sum - previous.sum;
				// Exponential histograms may change their scale or offset between
				// exports: then the buckets cannot be subtracted and this interval has no
				// percentiles.
				intervalBuckets = Arrays.equals(bounds, previous.bounds) ? difference(buckets, previous.buckets) : null;
			}
		}
		if (intervalCount > 0) {
			double[] levels = (quantiles != null) ? quantiles
					: (intervalBuckets != null) ? Percentiles.of(bounds, intervalBuckets, intervalCount) : null;
			append(resource, series,
					new Point(timeNanos, intervalSum / intervalCount, intervalCount, intervalSum, levels, gap));
		}
		evict();
	}

	synchronized int pointCount(String resourceName) {
		ResourceMetrics metrics = this.byResource.get(resourceName);
		return (metrics != null) ? metrics.fifo.size() : 0;
	}

	/**
	 * The estimated heap size of the stored series and points.
	 * @return bytes, at most the budget
	 */
	synchronized long estimatedBytes() {
		return this.bytes;
	}

	synchronized int resourceCount() {
		return this.byResource.size();
	}

	/**
	 * The instruments of every resource, by resource name, each sorted by name.
	 * @return instruments by resource
	 */
	synchronized Map<String, List<Instrument>> instruments() {
		Map<String, List<Instrument>> result = new TreeMap<>();
		this.byResource.forEach((name, metrics) -> {
			List<Instrument> instruments = new ArrayList<>();
			metrics.instruments.values().forEach((entry) -> instruments.add(entry.instrument));
			instruments.sort(Comparator.comparing(Instrument::name));
			result.put(name, instruments);
		});
		return result;
	}

	/**
	 * One instrument of one resource with all its series.
	 * @param resourceName resource name
	 * @param name instrument name
	 * @return the instrument and a copy of its series, or empty when unknown
	 */
	synchronized Optional<SeriesSet> series(String resourceName, String name) {
		ResourceMetrics metrics = this.byResource.get(resourceName);
		InstrumentEntry entry = (metrics != null) ? metrics.instruments.get(name) : null;
		if (entry == null) {
			return Optional.empty();
		}
		List<SeriesView> series = new ArrayList<>();
		for (Series one : entry.series.values()) {
			List<PointView> points = new ArrayList<>();
			for (Point point : one.points) {
				points.add(new PointView(point.firstNanos, point.timeNanos, point.value, point.count, point.sum,
						point.quantiles, point.gap));
			}
			series.add(new SeriesView(one.attributes, points));
		}
		return Optional.of(new SeriesSet(entry.instrument, series));
	}

	synchronized void clear() {
		this.byResource.clear();
		this.bytes = 0;
	}

	private Series series(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes) {
		ResourceMetrics metrics = this.byResource.get(resource.name());
		if (metrics == null) {
			metrics = new ResourceMetrics();
			this.bytes += metrics.bytes;
			this.byResource.put(resource.name(), metrics);
		}
		InstrumentEntry entry = metrics.instruments.get(instrument.name());
		if (entry == null) {
			entry = new InstrumentEntry(instrument);
			metrics.instruments.put(instrument.name(), entry);
			metrics.bytes += entry.bytes;
			this.bytes += entry.bytes;
		}
		Series series = entry.series.get(attributes);
		if (series == null) {
			series = new Series(entry, attributes);
			entry.series.put(attributes, series);
			metrics.bytes += series.bytes;
			this.bytes += series.bytes;
		}
		return series;
	}

	private void charge(TelemetryResource resource, long change) {
		ResourceMetrics metrics = this.byResource.get(resource.name());
		metrics.bytes += change;
		this.bytes += change;
	}

	private void append(TelemetryResource resource, Series series, Point point) {
		ResourceMetrics metrics = this.byResource.get(resource.name());
		series.points.addLast(point);
		metrics.fifo.addLast(series);
		metrics.bytes += point.size();
		this.bytes += point.size();
		// Points are appended to a series and to the resource's queue in the same order,
		// so the oldest point of the resource is the first point of its series.
		while (metrics.fifo.size() > this.maxPointsPerResource) {
			removeOldest(metrics);
		}
	}

	private void removeOldest(ResourceMetrics metrics) {
		Series oldest = metrics.fifo.removeFirst();
		long freed = oldest.points.removeFirst().size();
		if (oldest.points.isEmpty()) {
			oldest.instrument.series.remove(oldest.attributes);
			freed += oldest.bytes;
			if (oldest.instrument.series.isEmpty()) {
				metrics.instruments.remove(oldest.instrument.instrument.name());
				freed += oldest.instrument.bytes;
			}
		}
		metrics.bytes -= freed;
		this.bytes -= freed;
	}

	private void evict() {
		while (this.bytes > this.maxBytes && !this.byResource.isEmpty()) {
			Map.Entry<String, ResourceMetrics> largest = null;
			for (Map.Entry<String, ResourceMetrics> entry : this.byResource.entrySet()) {
				if (largest == null || entry.getValue().bytes > largest.getValue().bytes) {
					largest = entry;
				}
			}
			ResourceMetrics metrics = largest.getValue();
			if (metrics.fifo.isEmpty()) {
				// Only series without points (histogram baselines) are left:
				// forget them all.
				this.bytes -= metrics.bytes;
				this.byResource.remove(largest.getKey());
			}
			else {
				removeOldest(metrics);
			}
		}
	}

	private static long[] difference(long[] now, long[] before) {
		if (now.length != before.length) {
			return now;
		}
		long[] result = new long[now.length];
		for (int i = 0; i < now.length; i++) {
			result[i] = Math.max(0, now[i] - before[i]);
		}
		return result;
	}

	/**
	 * What an instrument is.
	 *
	 * @param name instrument name, e.g. {@code http.server.requests}
	 * @param unit unit, e.g. {@code s} or {@code By}
	 * @param description description
	 * @param type {@code gauge}, {@code sum}, {@code histogram},
	 * {@code exponentialHistogram} or {@code summary}
	 * @param monotonic whether a sum only grows (a counter, charted as a rate)
	 * @param temporality {@code cumulative} or {@code delta} for sums and histograms,
	 * empty otherwise
	 */
	record Instrument(String name, String unit, String description, String type, boolean monotonic,
			String temporality) {
	}

	record SeriesSet(Instrument instrument, List<SeriesView> series) {
	}

	record SeriesView(Map<String, Object> attributes, List<PointView> points) {
	}

	/**
	 * A point as the API shows it.
	 *
	 * @param firstNanos when this value was first reported (gauges and sums keep one
	 * point while the value does not change)
	 * @param timeNanos when it was last reported
	 * @param value the value, or the average for histograms
	 * @param count histogram count in the interval, 0 for gauges and sums
	 * @param sum histogram sum in the interval
	 * @param quantiles pairs of level and value: p50, p90 and p99 estimated from the
	 * buckets, or a summary's own quantiles; {@code null} when unknown
	 * @param gap whether no data was reported for a while (or the series restarted)
	 * before this point
	 */
	record PointView(long firstNanos, long timeNanos, double value, long count, double sum, double[] quantiles,
			boolean gap) {

		/**
		 * The value at a quantile level.
		 * @param level e.g. 0.99
		 * @return the value, or {@code NaN} when this point does not have that level
		 */
		double quantile(double level) {
			if (this.quantiles != null) {
				for (int i = 0; i + 1 < this.quantiles.length; i += 2) {
					if (this.quantiles[i] == level) {
						return this.quantiles[i + 1];
					}
				}
			}
			return Double.NaN;
		}

	}

	private static final class ResourceMetrics {

		private final Map<String, InstrumentEntry> instruments = new LinkedHashMap<>();

		private final Deque<Series> fifo = new ArrayDeque<>();

		private long bytes = 200;

	}

	private static final class InstrumentEntry {

		private final Instrument instrument;

		private final Map<Map<String, Object>, Series> series = new LinkedHashMap<>();

		private final long bytes;

		InstrumentEntry(Instrument instrument) {
			this.instrument = instrument;
			this.bytes = 200 + Otlp.size(instrument.name()) + Otlp.size(instrument.unit())
					+ Otlp.size(instrument.description()) + Otlp.size(instrument.type());
		}

	}

	private static final class Series {

		private final InstrumentEntry instrument;

		private final Map<String, Object> attributes;

		private final Deque<Point> points = new ArrayDeque<>();

		private Baseline baseline;

		// The series, its map entry and attributes, and its baseline; not its points.
		private long bytes;

		private long startNanos;

		private long lastReportNanos;

		private long intervalNanos;

		private boolean silentBefore;

		Series(InstrumentEntry instrument, Map<String, Object> attributes) {
			this.instrument = instrument;
			this.attributes = attributes;
			this.bytes = 180 + Otlp.size(attributes);
		}

		/**
		 * Notes a report and learns the export interval from the time since the previous
		 * one.
		 * @param startNanos start time of a cumulative series, 0 when there is none
		 * @param timeNanos time of the report
		 * @return whether the report follows a silence or a restart
		 */
		boolean report(long startNanos, long timeNanos) {
			boolean restarted = startNanos != 0 && this.startNanos != 0 && startNanos != this.startNanos;
			boolean silent = false;
			long since = timeNanos - this.lastReportNanos;
			if (this.lastReportNanos != 0 && since > 0) {
				boolean longer = this.intervalNanos > 0 && since > GAP_FACTOR * this.intervalNanos;
				if (longer && this.silentBefore) {
					// Two long silences in a row: the exporter now reports less often.
					this.intervalNanos = since;
					this.silentBefore = false;
				}
				else {
					silent = longer;
					this.silentBefore = longer;
					if (!longer) {
						this.intervalNanos = since;
					}
				}
			}
			if (timeNanos > this.lastReportNanos) {
				this.lastReportNanos = timeNanos;
			}
			if (startNanos != 0) {
				this.startNanos = startNanos;
			}
			return restarted || silent;
		}

	}

	private record Baseline(long startNanos, long count, double sum, double[] bounds, long[] buckets) {

		long size() {
			return 56 + Otlp.size(this.bounds) + Otlp.size(this.buckets);
		}

	}

	private static final class Point {

		private final long firstNanos;

		private long timeNanos;

		private final double value;

		private final long count;

		private final double sum;

		private final double[] quantiles;

		private final boolean gap;

		Point(long timeNanos, double value, long count, double sum, double[] quantiles, boolean gap) {
			this.firstNanos = timeNanos;
			this.timeNanos = timeNanos;
			this.value = value;
			this.count = count;
			this.sum = sum;
			this.quantiles = quantiles;
			this.gap = gap;
		}

		/**
		 * The point and its two queue slots.
		 */
		long size() {
			return 80 + ((this.quantiles != null) ? Otlp.size(this.quantiles) : 0);
		}

	}

	/**
	 * Percentiles estimated from explicit histogram buckets, by linear interpolation
	 * inside the bucket where the rank falls, as pairs of level and value.
	 */
	static final class Percentiles {

		static final double[] QUANTILES = { 0.5, 0.9, 0.99 };

		private Percentiles() {
		}

		static double[] of(double[] bounds, long[] buckets, long count) {
			if (bounds.length == 0 || buckets.length != bounds.length + 1 || count <= 0) {
				return null;
			}
			double[] result = new double[2 * QUANTILES.length];
			for (int q = 0; q < QUANTILES.length; q++) {
				result[2 * q] = QUANTILES[q];
				double rank = QUANTILES[q] * count;
				long before = 0;
				for (int i = 0; i < buckets.length; i++) {
					if (buckets[i] > 0 && before + buckets[i] >= rank) {
						if (i == bounds.length) {
							// Above the highest bound: the bound is all we know.
							result[2 * q + 1] = bounds[bounds.length - 1];
						}
						else {
							double lower = (i == 0) ? Math.min(0, bounds[0]) : bounds[i - 1];
							double upper = bounds[i];
							result[2 * q + 1] = lower + (upper - lower) * (rank - before) / buckets[i];
						}
						break;
					}
					before += buckets[i];
				}
			}
			return result;
		}

	}

}
