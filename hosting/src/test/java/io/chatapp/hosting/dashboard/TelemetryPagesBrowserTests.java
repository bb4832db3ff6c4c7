package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.telemetry.TelemetryApi;
import io.chatapp.hosting.telemetry.TelemetryStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The telemetry pages (traces, structured and console logs, metrics) in a real headless
 * Chromium, over {@link SyntheticTelemetry} and a few metrics made for the charts: a
 * gauge with a 47-minute silence, a counter per chat kind and a request duration
 * histogram. Screenshots go to {@code target/screenshots/}. Skipped where Chromium is not
 * installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelemetryPagesBrowserTests {

	private DistributedApplication app;

	private Dashboard dashboard;

	private WebDriver browser;

	private HeadlessChromium chromium;

	private int webPort;

	@BeforeAll
	void start() throws IOException {
		HeadlessChromium.assumeInstalled();
		this.webPort = LightModels.freePort();
		Map<String, String> settings = LightModels.options("telemetry-pages");
		// The services of the synthetic telemetry, declared one after the other (the hard
		// case for colours) and left out of the start: only web runs.
		List<String> telemetryServices = List.of("users-api", "chats-api", "chats-worker");
		telemetryServices.forEach((name) -> settings.put(name + ".enabled", "false"));
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(settings))
			.name("Synthetic");
		builder.addService("web", LightModels.fakeServiceJar()).withHttpEndpoint(this.webPort);
		telemetryServices.forEach((name) -> builder.addService(name, LightModels.fakeServiceJar())
			.withHttpEndpoint(LightModels.freePort()));
		this.app = builder.build();
		TelemetryStore store = SyntheticTelemetry.fill(new TelemetryStore());
		addMetrics(store, System.currentTimeMillis());
		this.dashboard = Dashboard.start(this.app, Dashboard.Settings.loopback(0), new TelemetryApi(store));
		this.app.start();

		this.chromium = HeadlessChromium.start(1440, 900);
		this.browser = this.chromium.driver();
	}

	@AfterAll
	void stop() throws IOException {
		if (this.chromium != null) {
			this.chromium.close();
		}
		if (this.app != null) {
			this.app.stop();
		}
		if (this.dashboard != null) {
			this.dashboard.close();
		}
	}

	@Test
	void theTracePageShowsTheLogsOfTheTraceAndItsLinkedTraceInTimeOrder() throws IOException {
		this.browser.get(this.dashboard.url() + "/trace?id=" + SyntheticTelemetry.SEND_TRACE);
		this.chromium.waitFor(By.cssSelector("#trace-logs tr[data-log-span]"));

		List<WebElement> rows = this.browser.findElements(By.cssSelector("#trace-logs tr[data-log-span]"));
		assertThat(rows).extracting((row) -> row.findElement(By.cssSelector(".log-message")).getText())
			.containsExactly("Looked up 2 users", "Message stored in chat 42", "Notification for bob is slow");
		assertThat(rows.get(2).getAttribute("data-severity")).isEqualTo("WARN");
		// Each record is marked on its span's row too.
		assertThat(this.browser.findElements(By.cssSelector(".waterfall .row[data-span='b000000000000001'] .log-mark")))
			.hasSize(1);

		rows.get(1).findElement(By.cssSelector("a[data-select-span]")).click();
		WebElement title = this.chromium.waitFor(By.cssSelector("#detail h3"));
		assertThat(title.getText()).isEqualTo("POST /api/chats/{chatId}/messages");
		assertThat(this.browser.findElement(By.id("detail")).getText()).contains("LOGS (1)",
				"Message stored in chat 42");
		assertThat(this.browser.findElement(By.cssSelector(".waterfall .row.selected")).getAttribute("data-span"))
			.isEqualTo("a000000000000001");
		// The whole span name is shown, not cut off.
		WebElement label = this.browser
			.findElement(By.cssSelector(".waterfall .row[data-span='a000000000000001'] .label"));
		assertThat(script("return arguments[0].scrollWidth <= arguments[0].clientWidth", label)).isEqualTo(true);
		this.chromium.screenshot("telemetry-trace-logs");
	}

	@Test
	void servicesTakeColoursInTheModelsOrderNeighboursClearlyDifferent() {
		this.browser.get(this.dashboard.url() + "/trace?id=" + SyntheticTelemetry.SEND_TRACE);
		this.chromium.waitFor(By.cssSelector(".waterfall .row[data-span]"));
		@SuppressWarnings("unchecked")
		List<String> colours = (List<String>) script(
				"return ['web', 'users-api', 'chats-api', 'chats-worker'].map(resourceColor)");
		@SuppressWarnings("unchecked")
		List<String> palette = (List<String>) script("return RESOURCE_PALETTE.slice(0, 4)");
		assertThat(colours).isEqualTo(palette);
		assertThat(script("return resourceColor('chats-api-2') === resourceColor('chats-api')")).isEqualTo(true);
		assertThat(script("return resourceColor('not-in-the-model') === resourceColor('not-in-the-model-3')"))
			.isEqualTo(true);
		String api = this.browser.findElement(By.cssSelector(".waterfall .row[data-service='chats-api'] .span-bar"))
			.getCssValue("background-color");
		String worker = this.browser
			.findElement(By.cssSelector(".waterfall .row[data-service='chats-worker'] .span-bar"))
			.getCssValue("background-color");
		assertThat(hueDistance(api, worker)).isGreaterThan(60);
		// The application's name from the model, in the brand and the title.
		assertThat(this.browser.findElement(By.id("brand-name")).getText()).isEqualTo("Synthetic");
		assertThat(this.browser.getTitle()).endsWith(" · Synthetic dashboard");
	}

	@Test
	void neighboursInThePaletteAreFarApartOnTheHueWheel() {
		this.browser.get(this.dashboard.url() + "/traces");
		this.chromium.waitFor(By.cssSelector("nav.side"));
		@SuppressWarnings("unchecked")
		List<String> palette = (List<String>) script("return RESOURCE_PALETTE");
		// The last one is a grey: any hue.
		for (int i = 0; i + 2 < palette.size(); i++) {
			assertThat(hueDistance(rgb(palette.get(i)), rgb(palette.get(i + 1))))
				.as(palette.get(i) + " next to " + palette.get(i + 1))
				.isGreaterThan(100);
		}
	}

	@Test
	void aLogRecordOpensItsTraceAtItsSpanAndTheTraceIdFilterNarrowsTheLogs() throws IOException {
		this.browser.get(this.dashboard.url() + "/structured");
		this.chromium.waitFor(By.xpath("//td[contains(., 'Request failed: boom')]"));
		Select level = new Select(this.browser.findElement(By.id("level")));
		level.selectByValue("ERROR");
		new WebDriverWait(this.browser, Duration.ofSeconds(10))
			.until((driver) -> driver.findElements(By.cssSelector("#logs tbody tr[data-severity]")).size() == 1);

		this.browser.get(this.dashboard.url() + "/structured");
		WebElement trace = this.chromium.waitFor(By.id("trace"));
		trace.sendKeys(SyntheticTelemetry.SEND_TRACE);
		new WebDriverWait(this.browser, Duration.ofSeconds(10))
			.until((driver) -> driver.findElements(By.cssSelector("#logs tbody tr[data-severity]")).size() == 2);
		assertThat(this.browser.getCurrentUrl()).contains("traceId=" + SyntheticTelemetry.SEND_TRACE);
		this.chromium.screenshot("telemetry-structured-trace");

		WebElement row = this.chromium.waitFor(By.xpath("//tr[td[contains(., 'Message stored in chat 42')]]"));
		row.findElement(By.cssSelector("a[data-trace-link]")).click();
		new WebDriverWait(this.browser, Duration.ofSeconds(10))
			.until(ExpectedConditions.urlContains("/trace?id=" + SyntheticTelemetry.SEND_TRACE));
		assertThat(this.browser.getCurrentUrl()).contains("span=a000000000000001");
		WebElement selected = this.chromium.waitFor(By.cssSelector(".waterfall .row.selected"));
		assertThat(selected.getAttribute("data-span")).isEqualTo("a000000000000001");
	}

	@Test
	void consoleLinesAreColouredByLevelWithASmallResourceMarker() throws Exception {
		this.browser.get(this.dashboard.url() + "/console");
		this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'web listening on')]"));
		for (String text : List.of("ERROR payment failed", "WARN queue is filling", "DEBUG cache miss",
				"INFO all good")) {
			say(text);
		}
		WebElement error = this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'payment failed')]"));
		WebElement warn = this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'queue is filling')]"));
		WebElement debug = this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'cache miss')]"));
		WebElement info = this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'all good')]"));

		assertThat(error.getAttribute("data-level")).isEqualTo("ERROR");
		assertThat(warn.getAttribute("data-level")).isEqualTo("WARN");
		assertThat(debug.getAttribute("data-level")).isEqualTo("DEBUG");
		assertThat(info.getAttribute("data-level")).isEqualTo("INFO");
		assertThat(List.of(error, warn, debug, info)).extracting((line) -> line.getCssValue("color"))
			.doesNotHaveDuplicates();
		// Same resource, different levels: the colour comes from the level, not the
		// resource; the resource keeps a marker.
		assertThat(error.findElement(By.cssSelector(".res[data-resource='web'] .res-dot")).isDisplayed()).isTrue();
		this.chromium.screenshot("telemetry-console");
	}

	@Test
	void aGaugeWithASilenceIsDrawnAsTwoSegmentsWithItsUnitAndTheWindowLeavesOutTheOldOne() throws IOException {
		this.browser.get(this.dashboard.url() + "/metrics?resource=chats-api&name=chat.queue.size&window=60");
		this.chromium.waitFor(By.cssSelector("#chart path.segment"));
		new WebDriverWait(this.browser, Duration.ofSeconds(10))
			.until((driver) -> driver.findElements(By.cssSelector("#chart path.segment")).size() == 2);
		assertThat(this.browser.findElement(By.cssSelector("#chart .y-label")).getText()).isEqualTo("value · messages");
		this.chromium.screenshot("telemetry-metrics-gap");

		new Select(this.browser.findElement(By.id("window"))).selectByValue("5");
		new WebDriverWait(this.browser, Duration.ofSeconds(10))
			.until((driver) -> driver.findElements(By.cssSelector("#chart path.segment")).size() == 1);
		assertThat(this.browser.getCurrentUrl()).contains("window=5");
	}

	@Test
	void aCounterIsChartedAsARateAndTheAttributeFilterNarrowsItsSeries() throws IOException {
		this.browser.get(this.dashboard.url() + "/metrics?resource=chats-api&name=chat.messages.sent");
		this.chromium.waitFor(By.cssSelector("#chart path.segment"));
		assertThat(this.browser.findElement(By.cssSelector("#chart .y-label")).getText())
			.isEqualTo("rate/s · messages/s");
		assertThat(this.browser.findElements(By.cssSelector(".legend [data-line]"))).hasSize(2);

		// The panel is redrawn live: choose again should the select be replaced
		// meanwhile.
		assertThat(texts(By.cssSelector(".legend [data-line]"), (driver) -> {
			new Select(driver.findElement(By.cssSelector("select[data-dimension='chat.kind']"))).selectByValue("group");
			return true;
		}, 1)).containsExactly("chat.kind=group");
		this.chromium.screenshot("telemetry-metrics-rate");

		// 2 messages a second in groups, 200 in all.
		new Select(this.browser.findElement(By.id("view"))).selectByValue("table");
		assertThat(texts(By.cssSelector("#latest tbody tr"), null, 1)).hasSize(1);
		assertThat(texts(By.cssSelector("#latest tbody tr td"), null, 4)).startsWith("chat.kind=group")
			.endsWith("2.00", "200");
	}

	@Test
	void histogramsShowPercentilesInTheChartAndTheTable() throws IOException {
		this.browser.get(this.dashboard.url() + "/metrics?resource=chats-api&name=http.server.request.duration");
		this.chromium.waitFor(By.cssSelector("#chart path.segment"));
		assertThat(this.browser.findElement(By.cssSelector("#chart .y-label")).getText()).isEqualTo("p50/p90/p99 · ms");
		assertThat(this.browser.findElements(By.cssSelector(".legend [data-line]")))
			.extracting((line) -> line.getText())
			.containsExactly("http.route=/api/chats p50", "http.route=/api/chats p90", "http.route=/api/chats p99");
		this.chromium.screenshot("telemetry-metrics-histogram");

		new Select(this.browser.findElement(By.id("view"))).selectByValue("table");
		List<String> cells = texts(By.cssSelector("#latest tbody tr td"), null, 7);
		// Every interval: 10 requests, all in (20,50]: p50 35, p90 47, p99 49.7.
		assertThat(cells).startsWith("http.route=/api/chats").contains("10", "35.00 ms", "47.00 ms", "49.70 ms");
		this.chromium.screenshot("telemetry-metrics-table");
	}

	/**
	 * The texts of the elements found, once there are {@code count} of them, after an
	 * optional action; retried while the live page replaces the elements.
	 */
	private List<String> texts(By locator, Function<WebDriver, Boolean> action, int count) {
		return new WebDriverWait(this.browser, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
			.until((driver) -> {
				if (action != null) {
					action.apply(driver);
				}
				List<WebElement> found = driver.findElements(locator);
				return (found.size() == count) ? found.stream().map(WebElement::getText).toList() : null;
			});
	}

	@Test
	void micrometerPercentileGaugesAreLabelledByTheirPhiTag() {
		this.browser.get(this.dashboard.url() + "/metrics?resource=chats-api&name=chat.send.duration.percentile");
		this.chromium.waitFor(By.cssSelector("#chart path.segment"));
		assertThat(this.browser.findElement(By.cssSelector("#chart .y-label")).getText())
			.isEqualTo("percentile (p50/p99) · ms");
		assertThat(texts(By.cssSelector(".legend [data-line]"), null, 2)).containsExactlyInAnyOrder("(all) p50",
				"(all) p99");
		// phi is the statistic, not a dimension to filter on.
		assertThat(this.browser.findElements(By.cssSelector("select[data-dimension='phi']"))).isEmpty();
	}

	private void say(String text) throws Exception {
		HttpClient client = HttpClient.newHttpClient();
		URI uri = URI.create("http://127.0.0.1:" + this.webPort + "/say?text=" + text.replace(" ", "%20"));
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
	}

	private Object script(String code, Object... arguments) {
		return ((JavascriptExecutor) this.browser).executeScript(code, arguments);
	}

	private static String rgb(String hex) {
		int value = Integer.parseInt(hex.substring(1), 16);
		return "rgb(" + (value >> 16) + ", " + ((value >> 8) & 0xff) + ", " + (value & 0xff) + ")";
	}

	private static double hueDistance(String rgbA, String rgbB) {
		double distance = Math.abs(hue(rgbA) - hue(rgbB));
		return Math.min(distance, 360 - distance);
	}

	private static double hue(String rgb) {
		String[] parts = rgb.replaceAll("[^0-9,.]", "").split(",");
		double r = Double.parseDouble(parts[0]) / 255;
		double g = Double.parseDouble(parts[1]) / 255;
		double b = Double.parseDouble(parts[2]) / 255;
		double max = Math.max(r, Math.max(g, b));
		double min = Math.min(r, Math.min(g, b));
		if (max == min) {
			return 0;
		}
		double hue;
		if (max == r) {
			hue = (g - b) / (max - min);
		}
		else if (max == g) {
			hue = 2 + (b - r) / (max - min);
		}
		else {
			hue = 4 + (r - g) / (max - min);
		}
		return (hue * 60 + 360) % 360;
	}

	/**
	 * A gauge reported every 10 s, silent for 47 minutes, then reported again in the last
	 * two minutes; a counter per chat kind (1 and 2 messages a second); a cumulative
	 * request duration histogram, 10 requests per interval in (20,50] ms.
	 */
	private static void addMetrics(TelemetryStore store, long nowMs) {
		long silenceEnd = nowMs - 120_000;
		long silenceStart = silenceEnd - 47 * 60_000L;
		for (int i = 0; i < 6; i++) {
			store.add(request(Metric.newBuilder()
				.setName("chat.queue.size")
				.setUnit("{messages}")
				.setGauge(Gauge.newBuilder()
					.addDataPoints(NumberDataPoint.newBuilder()
						.setTimeUnixNano(ms(silenceStart - 50_000 + i * 10_000L))
						.setAsInt(3 + i % 3)))));
		}
		long start = nowMs - 110_000;
		for (int i = 0; i < 10; i++) {
			long time = start + i * 10_000L;
			store.add(request(Metric.newBuilder()
				.setName("chat.queue.size")
				.setUnit("{messages}")
				.setGauge(Gauge.newBuilder()
					.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(ms(time)).setAsInt(5 + i % 4)))));
			Sum.Builder sum = Sum.newBuilder()
				.setIsMonotonic(true)
				.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
			for (Map.Entry<String, Integer> kind : Map.of("direct", 1, "group", 2).entrySet()) {
				sum.addDataPoints(NumberDataPoint.newBuilder()
					.addAttributes(attribute("chat.kind", kind.getKey()))
					.setStartTimeUnixNano(ms(start - 10_000))
					.setTimeUnixNano(ms(time))
					.setAsInt(kind.getValue() * 10L * (i + 1)));
			}
			store.add(request(Metric.newBuilder().setName("chat.messages.sent").setUnit("{messages}").setSum(sum)));
			Gauge.Builder percentiles = Gauge.newBuilder();
			for (String phi : List.of("0.5", "0.99")) {
				percentiles.addDataPoints(NumberDataPoint.newBuilder()
					.addAttributes(attribute("phi", phi))
					.setTimeUnixNano(ms(time))
					.setAsDouble(Double.parseDouble(phi) * 40 + i));
			}
			store.add(request(
					Metric.newBuilder().setName("chat.send.duration.percentile").setUnit("ms").setGauge(percentiles)));
			store.add(request(Metric.newBuilder()
				.setName("http.server.request.duration")
				.setUnit("ms")
				.setHistogram(Histogram.newBuilder()
					.setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
					.addDataPoints(HistogramDataPoint.newBuilder()
						.addAttributes(attribute("http.route", "/api/chats"))
						.setStartTimeUnixNano(ms(start - 10_000))
						.setTimeUnixNano(ms(time))
						.setCount(10L * (i + 1))
						.setSum(350.0 * (i + 1))
						.addAllExplicitBounds(List.of(10.0, 20.0, 50.0))
						.addAllBucketCounts(List.of(0L, 0L, 10L * (i + 1), 0L))))));
		}
	}

	private static long ms(long millis) {
		return millis * 1_000_000;
	}

	private static KeyValue attribute(String key, String value) {
		return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
	}

	private static ExportMetricsServiceRequest request(Metric.Builder metric) {
		return ExportMetricsServiceRequest.newBuilder()
			.addResourceMetrics(ResourceMetrics.newBuilder()
				.setResource(Resource.newBuilder()
					.addAttributes(attribute("service.name", "chats-api"))
					.addAttributes(attribute("service.instance.id", "chats-api")))
				.addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric)))
			.build();
	}

}
