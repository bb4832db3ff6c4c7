package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.telemetry.TelemetryApi;
import io.chatapp.hosting.telemetry.TelemetryStore;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resources page in a real headless Chromium, as {@link DashboardBrowserTests} drives
 * it: the details panel (secrets masked, links filtered on the resource), the error
 * badge, the dark theme and the keyboard shortcuts. Screenshots go to
 * {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourcesPageBrowserTests {

	private DistributedApplication app;

	private TelemetryStore store;

	private Dashboard dashboard;

	private ChromeDriver browser;

	private HeadlessChromium chromium;

	@BeforeAll
	void start() throws IOException {
		HeadlessChromium.assumeInstalled();
		Map<String, String> options = LightModels.options("resources-page");
		options.put("web.args", "--signing.key=k3y-value --verbose");
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options));
		Path jar = LightModels.fakeServiceJar();
		DistributedApplication.ProjectBuilder setup = builder.addJob("setup", jar);
		builder.addService("web", jar)
			.withHttpEndpoint(LightModels.freePort())
			.withEnvironment("WEB_DB_PASSWORD", "s3cret-value")
			.withEnvironment("GREETING", "hello")
			.waitForCompletion(setup);
		this.app = builder.build();
		this.store = new TelemetryStore();
		this.dashboard = Dashboard.start(this.app, Dashboard.Settings.loopback(0), new TelemetryApi(this.store),
				this.store::errorCount);
		this.app.start();

		this.chromium = HeadlessChromium.start(1440, 1000);
		this.browser = this.chromium.driver();
	}

	@AfterEach
	void lightTheme() {
		if (this.browser != null) {
			this.browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
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
	void theDetailsPanelMasksSecretsAndLinksToTheResourcesTelemetry() throws IOException {
		this.browser.get(this.dashboard.url() + "/");
		this.chromium.waitFor(By.cssSelector("tr[data-resource='web'] [data-state='HEALTHY']"));
		this.browser.findElement(By.cssSelector("tr[data-resource='web'] td:nth-child(2)")).click();
		WebElement panel = this.chromium.waitFor(By.cssSelector("#details[data-resource='web']"));
		waitUntil(() -> panel.getText().contains("HTTP 200"));

		String text = panel.getText();
		assertThat(text).contains("GREETING", "hello", "WEB_DB_PASSWORD", "••••••••", "\"status\": \"UP\"", "web.log",
				"--verbose", "Restarts");
		assertThat(text).doesNotContain("s3cret-value", "k3y-value");
		assertThat(this.browser.getCurrentUrl()).endsWith("/?resource=web");
		for (Map.Entry<String, String> link : Map
			.of("console", "/console?resource=web", "structured", "/structured?resource=web", "errors",
					"/structured?resource=web&level=ERROR", "traces", "/traces?service=web", "metrics",
					"/metrics?resource=web")
			.entrySet()) {
			assertThat(panel.findElement(By.cssSelector("a[data-link='" + link.getKey() + "']")).getAttribute("href"))
				.isEqualTo(this.dashboard.url() + link.getValue());
		}
		this.chromium.screenshot("resource-details");

		panel.findElement(By.cssSelector("tr[data-env='WEB_DB_PASSWORD'] button.reveal")).click();
		waitUntil(() -> this.browser.findElement(By.id("details")).getText().contains("s3cret-value"));
		assertThat(this.browser.findElement(By.id("details")).getText()).doesNotContain("k3y-value");

		this.browser
			.get(this.browser.findElement(By.cssSelector("#details a[data-link='console']")).getAttribute("href"));
		waitUntil(() -> "web".equals(this.browser.findElement(By.id("resource")).getAttribute("value")));
	}

	@Test
	void anErrorRecordShowsAnErrorBadgeLinkingToTheErrorLogs() throws IOException {
		this.browser.get(this.dashboard.url() + "/");
		this.chromium.waitFor(By.cssSelector("tr[data-resource='web'] [data-state='HEALTHY']"));
		assertThat(this.browser.findElements(By.cssSelector("tr[data-resource='web'] .error-count"))).isEmpty();

		this.store.add(errorRecord("web", "Could not deliver message 7"));

		WebElement badge = this.chromium.waitFor(By.cssSelector("tr[data-resource='web'] .error-count"));
		assertThat(badge.getText()).isEqualTo("1 error");
		assertThat(badge.getAttribute("href")).endsWith("/structured?resource=web&level=ERROR");
		assertThat(this.browser.findElements(By.cssSelector("tr[data-resource='setup'] .error-count"))).isEmpty();
		this.chromium.screenshot("resource-error-badge");
	}

	@Test
	void theDarkThemeFollowsTheSystemSetting() throws IOException {
		this.browser.get(this.dashboard.url() + "/");
		this.chromium.waitFor(By.cssSelector("tr[data-resource='web']"));
		assertThat(background("body")).isEqualTo("rgb(246, 247, 249)");

		this.browser.executeCdpCommand("Emulation.setEmulatedMedia",
				Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
		this.browser.navigate().refresh();
		this.chromium.waitFor(By.cssSelector("tr[data-resource='web'] [data-state='HEALTHY']"));

		assertThat(background("body")).isEqualTo("rgb(20, 21, 27)");
		assertThat(background(".panel")).isEqualTo("rgb(29, 30, 39)");
		assertThat(background("#filter")).isEqualTo("rgb(29, 30, 39)");
		assertThat(background("th")).isEqualTo("rgb(35, 36, 47)");
		this.chromium.screenshot("resources-dark");
	}

	@Test
	void keyboardShortcutsNavigateAndAreIgnoredWhileTyping() {
		this.browser.get(this.dashboard.url() + "/");
		this.chromium.waitFor(By.cssSelector("tr[data-resource='web']"));

		keys("?");
		WebElement help = this.chromium.waitFor(By.id("shortcut-help"));
		assertThat(help.getText()).contains("g r", "g c", "g s", "g t", "g m", "g k", "/");
		keys(Keys.ESCAPE.toString());
		waitUntil(() -> this.browser.findElements(By.id("shortcut-help")).isEmpty());

		keys("g", "t");
		waitUntil(() -> this.browser.getCurrentUrl().endsWith("/traces"));
		keys("g", "k");
		waitUntil(() -> this.browser.getCurrentUrl().endsWith("/kafka"));
		keys("g", "s");
		waitUntil(() -> this.browser.getCurrentUrl().endsWith("/structured"));

		keys("/");
		WebElement search = this.browser.findElement(By.id("search"));
		waitUntil(() -> search.equals(this.browser.switchTo().activeElement()));
		keys("g", "r");
		assertThat(search.getAttribute("value")).isEqualTo("gr");
		assertThat(this.browser.getCurrentUrl()).endsWith("/structured");

		search.sendKeys(Keys.TAB);
		this.browser.findElement(By.tagName("h1")).click();
		keys("g", "r");
		waitUntil(() -> this.browser.getCurrentUrl().equals(this.dashboard.url() + "/"));
	}

	private void keys(CharSequence... keys) {
		Actions actions = new Actions(this.browser);
		for (CharSequence key : keys) {
			actions.sendKeys(key);
		}
		actions.perform();
	}

	private String background(String selector) {
		return (String) this.browser
			.executeScript("return getComputedStyle(document.querySelector(arguments[0])).backgroundColor", selector);
	}

	private static ExportLogsServiceRequest errorRecord(String service, String message) {
		Resource resource = Resource.newBuilder()
			.addAttributes(KeyValue.newBuilder()
				.setKey("service.name")
				.setValue(AnyValue.newBuilder().setStringValue(service)))
			.build();
		LogRecord record = LogRecord.newBuilder()
			.setTimeUnixNano(System.currentTimeMillis() * 1_000_000)
			.setSeverityNumberValue(17)
			.setSeverityText("ERROR")
			.setBody(AnyValue.newBuilder().setStringValue(message))
			.build();
		return ExportLogsServiceRequest.newBuilder()
			.addResourceLogs(ResourceLogs.newBuilder()
				.setResource(resource)
				.addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
			.build();
	}

	private void waitUntil(java.util.function.BooleanSupplier condition) {
		new WebDriverWait(this.browser, Duration.ofSeconds(15)).until((driver) -> condition.getAsBoolean());
	}

}
