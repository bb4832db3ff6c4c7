package io.chatapp.hosting.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium ({@code chromium} and {@code chromium-driver}) driven by
 * Selenium, with a profile directory of its own that {@link #close()} deletes. Tests that
 * use it are skipped where Chromium is not installed ({@code .ci/run} installs it).
 */
final class HeadlessChromium implements AutoCloseable {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private final Path profile;

	private final ChromeDriver driver;

	private HeadlessChromium(Path profile, ChromeDriver driver) {
		this.profile = profile;
		this.driver = driver;
	}

	/**
	 * Skips the calling test class when Chromium is not installed; call it before
	 * starting anything else.
	 */
	static void assumeInstalled() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Chromium is not installed (apt-get install chromium chromium-driver)");
	}

	/**
	 * Starts a browser, or skips the calling test class when Chromium is not installed.
	 * @param width window width in pixels
	 * @param height window height in pixels
	 * @return the browser
	 * @throws IOException when the profile directory cannot be created
	 */
	static HeadlessChromium start(int width, int height) throws IOException {
		assumeInstalled();
		Path profile = Files.createTempDirectory("dashboard-chromium");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=" + width + "," + height, "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		try {
			return new HeadlessChromium(profile, new ChromeDriver(service, options));
		}
		catch (RuntimeException ex) {
			delete(profile);
			throw ex;
		}
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * Waits up to 30 s for an element to be visible.
	 * @param locator what to wait for
	 * @return the element
	 */
	WebElement waitFor(By locator) {
		return new WebDriverWait(this.driver, Duration.ofSeconds(30))
			.until(ExpectedConditions.visibilityOfElementLocated(locator));
	}

	/**
	 * Saves what the window shows as {@code target/screenshots/<name>.png}.
	 * @param name file name without extension
	 * @throws IOException when the file cannot be written
	 */
	void screenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path file = this.driver.getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	@Override
	public void close() throws IOException {
		try {
			this.driver.quit();
		}
		finally {
			delete(this.profile);
		}
	}

	private static void delete(Path directory) throws IOException {
		try (var files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
	}

}
