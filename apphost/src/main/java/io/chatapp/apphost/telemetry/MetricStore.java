package io.chatapp.apphost.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Metric points per resource, instrument and attribute set (a series), at most
 * {@code maxPointsPerResource} points per resource, the oldest evicted first.
 *
 * <p>
 * Two things keep the history long: a gauge or sum point whose value did not change only
 * moves the end time of the previous point, and cumulative histograms are stored as the
 * difference to their previous point (so an interval without measurements stores nothing,
 * and a point's average and percentiles describe that interval, not the whole run).
 */
final class MetricStore {

	private final int maxPointsPerResource;

	private final Map<String, ResourceMetrics> byResource;

	MetricStore(int maxPointsPerResource, int maxResources) {
		this.maxPointsPerResource = maxPointsPerResource;
		this.byResource = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, ResourceMetrics> eldest) {
				return size() > maxResources;
			}
		};
	}

	/**
	 * Adds a gauge or sum value.
	 */
	synchronized void addValue(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes,
			long timeNanos, double value) {
		Series series = series(resource, instrument, attributes);
		Point last = series.points.peekLast();
		if (last != null && last.value == value && last.count == 0 && timeNanos >= last.timeNanos) {
			last.timeNanos = timeNanos;
			return;
		}
		append(resource, series, new Point(timeNanos, value, 0, 0, null));
	}

	/**
	 * Adds a histogram (or summary) point.
	 * @param cumulative whether count, sum and buckets count from {@code startNanos}
	 * (then only the difference to the previous point is stored)
	 * @param bounds explicit bucket bounds, may be empty
	 * @param buckets bucket counts (bounds + 1 of them), may be empty
	 */
	synchronized void addHistogram(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes,
			long startNanos, long timeNanos, boolean cumulative, long count, double sum, double[] bounds,
			long[] buckets) {
		Series series = series(resource, instrument, attributes);
		long intervalCount = count;
		double intervalSum = sum;
		long[] intervalBuckets = buckets;
		if (cumulative) {
			Baseline previous = series.baseline;
			series.baseline = new Baseline(startNanos, count, sum, buckets);
			if (previous != null && previous.startNanos == startNanos && previous.count <= count) {
				intervalCount = count - previous.count;
				intervalSum = sum - previous.sum;
				intervalBuckets = difference(buckets, previous.buckets);
			}
		}
		if (intervalCount <= 0) {
			return;
		}
		double[] percentiles = Percentiles.of(bounds, intervalBuckets, intervalCount);
		append(resource, series,
				new Point(timeNanos, intervalSum / intervalCount, intervalCount, intervalSum, percentiles));
	}

	synchronized int pointCount(String resourceName) {
		ResourceMetrics metrics = this.byResource.get(resourceName);
		return (metrics != null) ? metrics.fifo.size() : 0;
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
						point.percentiles));
			}
			series.add(new SeriesView(one.attributes, points));
		}
		return Optional.of(new SeriesSet(entry.instrument, series));
	}

	synchronized void clear() {
		this.byResource.clear();
	}

	private Series series(TelemetryResource resource, Instrument instrument, Map<String, Object> attributes) {
		ResourceMetrics metrics = this.byResource.computeIfAbsent(resource.name(), (name) -> new ResourceMetrics());
		InstrumentEntry entry = metrics.instruments.computeIfAbsent(instrument.name(),
				(name) -> new InstrumentEntry(instrument));
		return entry.series.computeIfAbsent(attributes, (key) -> new Series(entry, attributes));
	}

	private void append(TelemetryResource resource, Series series, Point point) {
		ResourceMetrics metrics = this.byResource.get(resource.name());
		series.points.addLast(point);
		metrics.fifo.addLast(series);
		// Points are appended to a series and to the resource's queue in the same order,
		// so the oldest point of the resource is the first point of its series.
		while (metrics.fifo.size() > this.maxPointsPerResource) {
			Series oldest = metrics.fifo.removeFirst();
			oldest.points.removeFirst();
			if (oldest.points.isEmpty()) {
				oldest.instrument.series.remove(oldest.attributes);
				if (oldest.instrument.series.isEmpty()) {
					metrics.instruments.remove(oldest.instrument.instrument.name());
				}
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
	 */
	record Instrument(String name, String unit, String description, String type) {
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
	 * @param percentiles p50, p90 and p99 estimated from the buckets, or {@code null}
	 */
	record PointView(long firstNanos, long timeNanos, double value, long count, double sum, double[] percentiles) {
	}

	private static final class ResourceMetrics {

		private final Map<String, InstrumentEntry> instruments = new LinkedHashMap<>();

		private final Deque<Series> fifo = new ArrayDeque<>();

	}

	private static final class InstrumentEntry {

		private final Instrument instrument;

		private final Map<Map<String, Object>, Series> series = new LinkedHashMap<>();

		InstrumentEntry(Instrument instrument) {
			this.instrument = instrument;
		}

	}

	private static final class Series {

		private final InstrumentEntry instrument;

		private final Map<String, Object> attributes;

		private final Deque<Point> points = new ArrayDeque<>();

		private Baseline baseline;

		Series(InstrumentEntry instrument, Map<String, Object> attributes) {
			this.instrument = instrument;
			this.attributes = attributes;
		}

	}

	private record Baseline(long startNanos, long count, double sum, long[] buckets) {
	}

	private static final class Point {

		private final long firstNanos;

		private long timeNanos;

		private final double value;

		private final long count;

		private final double sum;

		private final double[] percentiles;

		Point(long timeNanos, double value, long count, double sum, double[] percentiles) {
			this.firstNanos = timeNanos;
			this.timeNanos = timeNanos;
			this.value = value;
			this.count = count;
			this.sum = sum;
			this.percentiles = percentiles;
		}

	}

	/**
	 * Percentiles estimated from explicit histogram buckets, by linear interpolation
	 * inside the bucket where the rank falls.
	 */
	static final class Percentiles {

		static final double[] QUANTILES = { 0.5, 0.9, 0.99 };

		private Percentiles() {
		}

		static double[] of(double[] bounds, long[] buckets, long count) {
			if (bounds.length == 0 || buckets.length != bounds.length + 1 || count <= 0) {
				return null;
			}
			double[] result = new double[QUANTILES.length];
			for (int q = 0; q < QUANTILES.length; q++) {
				double rank = QUANTILES[q] * count;
				long before = 0;
				for (int i = 0; i < buckets.length; i++) {
					if (buckets[i] > 0 && before + buckets[i] >= rank) {
						if (i == bounds.length) {
							// Above the highest bound: the bound is all we know.
							result[q] = bounds[bounds.length - 1];
						}
						else {
							double lower = (i == 0) ? Math.min(0, bounds[0]) : bounds[i - 1];
							double upper = bounds[i];
							result[q] = lower + (upper - lower) * (rank - before) / buckets[i];
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
