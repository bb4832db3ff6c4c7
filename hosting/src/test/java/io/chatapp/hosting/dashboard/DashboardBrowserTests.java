package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.telemetry.TelemetryApi;
import io.chatapp.hosting.telemetry.TelemetryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): Resources lists the light model's resources live, Traces
 * lists a synthetic trace across three services and its waterfall shows every span.
 * Screenshots go to {@code target/screenshots/}. Skipped where Chromium is not installed
 * ({@code .ci/run} installs it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTests {

	private DistributedApplication app;

	private Dashboard dashboard;

	private WebDriver browser;

	private HeadlessChromium chromium;

	@BeforeAll
	void start() throws IOException {
		HeadlessChromium.assumeInstalled();
		this.app = LightModels.jobAndService("browser");
		TelemetryStore store = SyntheticTelemetry.fill(new TelemetryStore());
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
	void resourcesShowsEveryResourceWithItsStateAndActions() throws IOException {
		this.browser.get(this.dashboard.url() + "/");
		WebElement web = this.chromium.waitFor(By.cssSelector("tr[data-resource='web'] [data-state='HEALTHY']"));
		assertThat(web.getText()).isEqualTo("Healthy");
		WebElement setup = this.chromium.waitFor(By.cssSelector("tr[data-resource='setup'] [data-state='EXITED']"));
		assertThat(setup.getText()).isEqualTo("Exited (0)");
		WebElement row = this.browser.findElement(By.cssSelector("tr[data-resource='web']"));
		assertThat(row.findElement(By.cssSelector("a[href^='http://127.0.0.1:']")).isDisplayed()).isTrue();
		assertThat(row.findElement(By.cssSelector("button[data-action='stop']")).isEnabled()).isTrue();
		assertThat(row.findElement(By.cssSelector("button[data-action='start']")).isEnabled()).isFalse();
		this.chromium.screenshot("resources");
	}

	@Test
	void tracesListTheTraceAcrossThreeServicesAndShowItsWaterfall() throws IOException {
		this.browser.get(this.dashboard.url() + "/traces");
		WebElement trace = this.chromium
			.waitFor(By.cssSelector("tr[data-trace='" + SyntheticTelemetry.SEND_TRACE + "']"));
		List<String> chips = trace.findElements(By.cssSelector(".chip")).stream().map(WebElement::getText).toList();
		assertThat(chips).contains("chats-api", "users-api");
		this.chromium.screenshot("traces");

		trace.click();
		new WebDriverWait(this.browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/trace?id="));
		this.chromium.waitFor(By.cssSelector(".waterfall .row[data-span]"));
		List<WebElement> spans = this.browser.findElements(By.cssSelector(".waterfall .row[data-span]"));
		// Six spans of the send, and the worker's span from the trace linked to it.
		assertThat(spans).hasSize(7);
		assertThat(spans.stream().map((span) -> span.getAttribute("data-service")).distinct())
			.containsExactlyInAnyOrder("chats-api", "users-api", "chats-worker");
		assertThat(this.browser.findElements(By.cssSelector(".waterfall .span-bar"))).hasSize(7);

		this.browser.findElement(By.cssSelector(".waterfall .row[data-span='c000000000000001']")).click();
		WebElement detail = this.chromium.waitFor(By.cssSelector("#detail h3"));
		assertThat(detail.getText()).isEqualTo("chat.events process");
		String panel = this.browser.findElement(By.id("detail")).getText();
		assertThat(panel).contains("messaging.consumer.group.name", "notification stored", "LINKS (1)");
		this.chromium.screenshot("trace");
	}

	@Test
	void otherPagesRender() throws IOException {
		this.browser.get(this.dashboard.url() + "/structured");
		this.chromium.waitFor(By.xpath("//td[contains(., 'Message stored in chat 42')]"));
		this.chromium.screenshot("structured-logs");

		this.browser.get(this.dashboard.url() + "/metrics?resource=chats-api&name=jvm.memory.used");
		this.chromium.waitFor(By.cssSelector("#chart path"));
		this.chromium.screenshot("metrics");

		this.browser.get(this.dashboard.url() + "/console");
		this.chromium.waitFor(By.xpath("//pre[@id='lines']/span[contains(., 'web listening on')]"));
		this.chromium.screenshot("console-logs");
	}

}
