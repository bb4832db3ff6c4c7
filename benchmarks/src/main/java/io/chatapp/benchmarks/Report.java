package io.chatapp.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.SerializationFeature;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The outputs: latest.json, the PNG plots and the results block of the README (only the
 * part between the markers, so the hand-written method and before/after notes stay).
 */
final class Report {

	static final String START = "<!-- results:start -->";

	static final String END = "<!-- results:end -->";

	private Report() {
	}

	static void writeJson(Path file, Map<String, Object> results) throws IOException {
		Files.createDirectories(file.getParent());
		Files.writeString(file,
				Api.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
	}

	/**
	 * The README with the block between the markers replaced; a README without markers
	 * gets them (and the block) appended, and no README at all starts from
	 * {@code template}.
	 */
	static String replaceResults(String readme, String block, String template) {
		String text = (readme == null) ? template : readme;
		int start = text.indexOf(START);
		int end = text.indexOf(END);
		String fresh = START + "\n" + block.strip() + "\n" + END;
		if (start < 0 || end < start) {
			return text.stripTrailing() + "\n\n" + fresh + "\n";
		}
		return text.substring(0, start) + fresh + text.substring(end + END.length());
	}

	static void writeReadme(Path file, String block) throws IOException {
		String existing = Files.exists(file) ? Files.readString(file) : null;
		String template;
		try (var in = Report.class.getResourceAsStream("README.template.md")) {
			template = (in != null) ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
					: "# Benchmarks\n\n" + START + "\n" + END + "\n";
		}
		Files.writeString(file, replaceResults(existing, block, template));
	}

	/** p50, p95, p99 of the acknowledgement against the offered rate. */
	@SuppressWarnings("unchecked")
	static void latencyPlot(Path file, List<Map<String, Object>> rates) throws IOException {
		XYSeries p50 = new XYSeries("p50");
		XYSeries p95 = new XYSeries("p95");
		XYSeries p99 = new XYSeries("p99");
		for (Map<String, Object> rate : rates) {
			Map<String, Object> latency = (Map<String, Object>) rate.get("latency");
			double offered = ((Number) rate.get("offeredPerSecond")).doubleValue();
			if (latency.get("p50Ms") == null) {
				continue;
			}
			p50.add(offered, Math.max(0.01, (double) latency.get("p50Ms")));
			p95.add(offered, Math.max(0.01, (double) latency.get("p95Ms")));
			p99.add(offered, Math.max(0.01, (double) latency.get("p99Ms")));
		}
		XYSeriesCollection data = new XYSeriesCollection();
		data.addSeries(p50);
		data.addSeries(p95);
		data.addSeries(p99);
		JFreeChart chart = ChartFactory.createXYLineChart("Send acknowledgement latency (open model)",
				"offered rate (sends/s)", "latency (ms, log scale)", data, PlotOrientation.VERTICAL, true, false,
				false);
		XYPlot plot = chart.getXYPlot();
		LogarithmicAxis axis = new LogarithmicAxis("latency (ms, log scale)");
		axis.setAllowNegativesFlag(false);
		plot.setRangeAxis(axis);
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		plot.setRenderer(renderer);
		style(plot);
		ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
	}

	/** Successful sends per second over the run, phases marked. */
	static void throughputPlot(Path file, List<Long> perSecond, Map<Integer, String> phases) throws IOException {
		XYSeries series = new XYSeries("acknowledged sends/s");
		for (int i = 0; i < perSecond.size(); i++) {
			series.add(i, perSecond.get(i));
		}
		JFreeChart chart = ChartFactory.createXYLineChart("Send throughput over time", "seconds since start",
				"acknowledged sends per second", new XYSeriesCollection(series), PlotOrientation.VERTICAL, true, false,
				false);
		XYPlot plot = chart.getXYPlot();
		int index = 0;
		for (Map.Entry<Integer, String> phase : phases.entrySet()) {
			ValueMarker marker = new ValueMarker(phase.getKey(), Color.GRAY, new BasicStroke(1f));
			marker.setLabel(phase.getValue());
			marker.setLabelFont(marker.getLabelFont().deriveFont(9f));
			marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
			marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
			// Short phases sit close together: their labels take turns on four lines.
			marker.setLabelOffset(new RectangleInsets(4 + 12 * (index++ % 4), 2, 2, 2));
			plot.addDomainMarker(marker);
		}
		style(plot);
		ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 500);
	}

	/** Throughput and p99 against the number of closed-model clients. */
	@SuppressWarnings("unchecked")
	static void rampPlot(Path file, List<Map<String, Object>> steps) throws IOException {
		XYSeries throughput = new XYSeries("sends/s");
		for (Map<String, Object> step : steps) {
			throughput.add(((Number) step.get("concurrency")).doubleValue(),
					((Number) step.get("throughputPerSecond")).doubleValue());
		}
		JFreeChart chart = ChartFactory.createXYLineChart("Ramp (closed model)", "concurrent clients",
				"acknowledged sends per second", new XYSeriesCollection(throughput), PlotOrientation.VERTICAL, true,
				false, false);
		chart.getXYPlot().setRenderer(new XYLineAndShapeRenderer(true, true));
		style(chart.getXYPlot());
		ChartUtils.saveChartAsPNG(file.toFile(), chart, 700, 450);
	}

	private static void style(XYPlot plot) {
		plot.setBackgroundPaint(Color.WHITE);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
	}

	static String fmt(Object value) {
		if (value == null) {
			return "-";
		}
		if (value instanceof Double number) {
			return String.format(Locale.ROOT, (Math.abs(number) >= 100) ? "%,.0f" : "%.1f", number);
		}
		if (value instanceof Number number) {
			return String.format(Locale.ROOT, "%,d", number.longValue());
		}
		return value.toString();
	}

}
