package io.chatapp.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * Figures as they go into latest.json: latencies in milliseconds, rounded.
 */
final class Stats {

	private Stats() {
	}

	static Histogram histogram() {
		return new Histogram(120_000_000_000L, 3);
	}

	static double ms(long nanos) {
		return round(nanos / 1e6, 2);
	}

	static double round(double value, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(value * scale) / scale;
	}

	/** count, p50, p95, p99, p99.9, max (ms) of a histogram of nanoseconds. */
	static Map<String, Object> latency(Histogram histogram) {
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("count", histogram.getTotalCount());
		if (histogram.getTotalCount() == 0) {
			return latency;
		}
		latency.put("p50Ms", ms(histogram.getValueAtPercentile(50)));
		latency.put("p95Ms", ms(histogram.getValueAtPercentile(95)));
		latency.put("p99Ms", ms(histogram.getValueAtPercentile(99)));
		latency.put("p999Ms", ms(histogram.getValueAtPercentile(99.9)));
		latency.put("maxMs", ms(histogram.getMaxValue()));
		latency.put("meanMs", round(histogram.getMean() / 1e6, 2));
		return latency;
	}

	static String line(Histogram histogram) {
		if (histogram.getTotalCount() == 0) {
			return "no samples";
		}
		return String.format(java.util.Locale.ROOT, "p50 %.1f / p95 %.1f / p99 %.1f / max %.1f ms",
				histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(95) / 1e6,
				histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
	}

}
