package io.chatapp.apphost;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.pagefactory.ByChained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser client end to end: the whole system from the built jars (Kafka, PostgreSQL,
 * the migration, users-api, chats-api, chats-worker and web), and two separate headless
 * Chromium sessions, Alice and Bob, on web's single origin. They register, Alice opens a
 * direct chat with Bob, they write to each other live, see each other typing, online and
 * unread; then Bob's browser goes offline (DevTools network emulation) while Alice sends
 * three messages, and after it comes back each of them is shown exactly once.
 *
 * <p>
 * Screenshots of both browsers after each step go to
 * {@code target/screenshots/web-client/}. Skipped where Chromium or the service jars are
 * missing. Against a system that is already running,
 * {@code -Dchatapp.web-client.url=http://127.0.0.1:5000} uses it instead of starting one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots", "web-client");

	private static final String PASSWORD = "correct horse battery";

	private final String suffix = UUID.randomUUID().toString().substring(0, 6);

	private final User alice = new User("alice" + this.suffix, "Alice " + this.suffix);

	private final User bob = new User("bob" + this.suffix, "Bob " + this.suffix);

	private DistributedApplication app;

	private String url;

	private Browser aliceBrowser;

	private Browser bobBrowser;

	private final List<Path> profiles = new ArrayList<>();

	@BeforeAll
	void startTheSystemAndTwoBrowsers() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Chromium is not installed (apt-get install chromium chromium-driver)");
		this.url = System.getProperty("chatapp.web-client.url");
		if (this.url == null) {
			for (String module : List.of("users-api", "chats-api", "chats-worker", "web")) {
				assumeTrue(TestModels.jarExists(module), module + " has not been built");
			}
			assertWebJarIsCurrent();
			Map<String, String> options = TestModels.options("web-client");
			// No dashboard: nothing here reads telemetry.
			options.put("dashboard.enabled", "false");
			this.app = AppHost.build(HostOptions.of(options));
			this.app.start();
			this.url = "http://127.0.0.1:" + options.get("web.port");
		}
		awaitWebRoutes();
		Files.createDirectories(SCREENSHOTS);
		this.aliceBrowser = new Browser("alice", chromium());
		this.bobBrowser = new Browser("bob", chromium());
	}

	@AfterAll
	void stopEverything() throws IOException {
		for (Browser browser : new Browser[] { this.aliceBrowser, this.bobBrowser }) {
			if (browser != null) {
				browser.driver.quit();
			}
		}
		if (this.app != null) {
			this.app.stop();
		}
		for (Path profile : this.profiles) {
			try (var files = Files.walk(profile)) {
				files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
			}
		}
	}

	@Test
	@Order(1)
	void bothRegisterAndConnect() throws IOException {
		this.aliceBrowser.register(this.alice);
		this.bobBrowser.register(this.bob);
		for (Browser browser : List.of(this.aliceBrowser, this.bobBrowser)) {
			eventually().untilAsserted(() -> assertThat(browser.text(By.id("connection"))).isEqualTo("Connected"));
			assertThat(browser.all(By.cssSelector("[data-testid=chat-item]"))).isEmpty();
		}
		assertThat(this.aliceBrowser.text(By.id("me"))).contains("@" + this.alice.username);
		screenshots("1-registered");
	}

	@Test
	@Order(2)
	void aliceStartsADirectChatThatAppearsLiveForBob() throws IOException {
		Browser a = this.aliceBrowser;
		a.click(By.id("new-chat-button"));
		a.find(By.id("user-search")).sendKeys(this.bob.username);
		a.click(By.cssSelector("[data-testid=user-result][data-username='" + this.bob.username + "']"));
		a.click(By.id("start-chat"));
		eventually().untilAsserted(() -> assertThat(a.text(By.id("chat-title"))).isEqualTo(this.bob.displayName));

		// chat.created reaches Bob over the socket; a direct chat is titled after the
		// other.
		eventually().untilAsserted(() -> assertThat(this.bobBrowser.texts(By.cssSelector("[data-testid=chat-name]")))
			.containsExactly(this.alice.displayName));
		// Both are connected, so each sees the other online.
		eventually().untilAsserted(() -> assertThat(presenceOfChatPartner(a)).isEqualTo("online"));
		eventually().untilAsserted(() -> assertThat(
				this.bobBrowser.find(By.cssSelector("[data-testid=chat-item] " + "[data-testid=presence-dot]"))
					.getAttribute("data-status"))
			.isEqualTo("online"));
		screenshots("2-direct-chat");
	}

	@Test
	@Order(3)
	void messagesTravelLiveBothWaysWithUnreadCounts() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		a.send("Hello @" + this.bob.username + ", are you there?");
		eventually().untilAsserted(
				() -> assertThat(a.sentMessages()).containsExactly("Hello @" + this.bob.username + ", are you there?"));

		// Bob has not opened the chat: one unread, with the preview.
		eventually().untilAsserted(() -> {
			assertThat(b.text(By.cssSelector("[data-testid=chat-item] [data-testid=unread-count]"))).isEqualTo("1");
			assertThat(b.text(By.cssSelector("[data-testid=chat-preview]"))).contains("are you there?");
		});
		screenshots("3-unread");

		b.click(By.cssSelector("[data-testid=chat-item]"));
		eventually().untilAsserted(
				() -> assertThat(b.sentMessages()).containsExactly("Hello @" + this.bob.username + ", are you there?"));
		// Bob's own name is highlighted; opening the chat reads it.
		assertThat(b.texts(By.cssSelector("[data-testid=message] mark[data-testid=mention]")))
			.containsExactly("@" + this.bob.username);
		eventually().untilAsserted(() -> assertThat(
				b.find(By.cssSelector("[data-testid=chat-item] [data-testid=unread-count]")).isDisplayed())
			.isFalse());

		b.send("Yes, hi Alice!");
		eventually().untilAsserted(() -> assertThat(a.sentMessages())
			.containsExactly("Hello @" + this.bob.username + ", are you there?", "Yes, hi Alice!"));
		// Alice has the chat open and focused: what she is shown is read at once.
		eventually().untilAsserted(() -> assertThat(
				a.find(By.cssSelector("[data-testid=chat-item] [data-testid=unread-count]")).isDisplayed())
			.isFalse());
		eventually().untilAsserted(() -> assertThat(b.sentMessages()).hasSize(2));
		screenshots("4-conversation");
	}

	@Test
	@Order(4)
	void aliceSeesBobTypingUntilHisMessageArrives() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		WebElement input = b.find(By.id("composer-input"));
		input.sendKeys("Let me think");
		// Bob keeps typing, a key now and then, as people do.
		eventually().pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			input.sendKeys(".");
			assertThat(a.text(By.id("typing"))).isEqualTo(this.bob.displayName + " is typing…");
		});
		screenshots("5-typing");
		input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
		input.sendKeys("Let me think about it.", Keys.ENTER);
		eventually().untilAsserted(() -> {
			assertThat(a.sentMessages()).endsWith("Let me think about it.");
			assertThat(a.text(By.id("typing"))).isEmpty();
		});
		assertThat(b.text(By.id("typing"))).isEmpty();
	}

	@Test
	@Order(5)
	void messagesMissedWhileOfflineAreShownOnceAfterReconnecting() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		List<String> before = b.sentMessages();
		assertThat(before).hasSize(3);

		b.offline(true);
		eventually().untilAsserted(() -> assertThat(b.text(By.id("connection"))).isEqualTo("Offline"));

		List<String> missed = List.of("Missed one", "Missed two", "Missed three");
		for (String message : missed) {
			a.send(message);
		}
		eventually().untilAsserted(() -> assertThat(a.sentMessages()).endsWith(missed.toArray(String[]::new)));
		screenshots("6-bob-offline");
		assertThat(b.sentMessages()).as("nothing reaches an offline browser").isEqualTo(before);

		b.offline(false);
		eventually().untilAsserted(() -> {
			assertThat(b.text(By.id("connection"))).isEqualTo("Connected");
			List<String> after = new ArrayList<>(before);
			after.addAll(missed);
			assertThat(b.sentMessages()).containsExactlyElementsOf(after);
		});
		// Exactly once each, in seq order without gaps, and nothing still pending.
		List<Long> seqs = b.all(By.cssSelector("[data-testid=message]"))
			.stream()
			.map((message) -> Long.valueOf(message.getAttribute("data-seq")))
			.toList();
		assertThat(seqs).hasSize(6);
		assertThat(seqs).containsExactly(seqs.get(0), seqs.get(0) + 1, seqs.get(0) + 2, seqs.get(0) + 3,
				seqs.get(0) + 4, seqs.get(0) + 5);
		assertThat(b.all(By.cssSelector("[data-testid=message][data-pending]"))).isEmpty();
		// Bob watches the chat, so it is read again.
		eventually().untilAsserted(() -> assertThat(
				b.find(By.cssSelector("[data-testid=chat-item] [data-testid=unread-count]")).isDisplayed())
			.isFalse());
		// And a message after the reconnect arrives live, once.
		a.send("Welcome back");
		eventually().untilAsserted(() -> assertThat(b.sentMessages()).endsWith("Missed three", "Welcome back"));
		assertThat(b.sentMessages()).hasSize(7).doesNotHaveDuplicates();
		screenshots("7-bob-back");
	}

	@Test
	@Order(6)
	void presenceFollowsBobsConnection() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		b.offline(true);
		// Bob's socket is gone: after the server's grace period he is offline for Alice.
		eventually().untilAsserted(() -> assertThat(presenceOfChatPartner(a)).isEqualTo("offline"));
		screenshots("8-presence-offline");
		b.offline(false);
		eventually().untilAsserted(() -> assertThat(b.text(By.id("connection"))).isEqualTo("Connected"));
		eventually().untilAsserted(() -> assertThat(presenceOfChatPartner(a)).isEqualTo("online"));
		// Bob's own view refreshed Alice's presence on reconnecting.
		assertThat(presenceOfChatPartner(b)).isEqualTo("online");
	}

	@Test
	@Order(7)
	void repliesReactionsEditsAndDeletesShowOnBothSides() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		By welcome = messageWith("Welcome back");
		b.click(new ByChained(welcome, By.cssSelector("[data-testid=reply]")));
		b.send("Thanks");
		By thanks = messageWith("Thanks");
		eventually()
			.untilAsserted(() -> assertThat(a.text(new ByChained(thanks, By.cssSelector("[data-testid=quote]"))))
				.isEqualTo("Reply to " + this.alice.displayName + ": Welcome back"));

		a.click(new ByChained(thanks, By.cssSelector("[data-testid=react]")));
		a.click(new ByChained(thanks, By.cssSelector("button[aria-label='React with 👍']")));
		eventually()
			.untilAsserted(() -> assertThat(b.texts(new ByChained(thanks, By.cssSelector("[data-testid=reaction]"))))
				.containsExactly("👍 1"));

		b.click(new ByChained(thanks, By.cssSelector("[data-testid=edit]")));
		WebElement input = b.find(By.id("composer-input"));
		assertThat(input.getAttribute("value")).isEqualTo("Thanks");
		input.sendKeys(" a lot", Keys.ENTER);
		By edited = messageWith("Thanks a lot");
		eventually()
			.untilAsserted(() -> assertThat(a.text(new ByChained(edited, By.cssSelector("[data-testid=edited]"))))
				.isEqualTo("(edited)"));
		screenshots("9-reply-reaction-edit");

		b.click(new ByChained(edited, By.cssSelector("[data-testid=delete]")));
		b.driver.switchTo().alert().accept();
		eventually()
			.untilAsserted(() -> assertThat(a.sentMessages()).endsWith("Welcome back", "This message was deleted."));
		assertThat(a.sentMessages()).hasSize(8);
	}

	@Test
	@Order(8)
	void afterAReloadOlderMessagesLoadWhenScrollingUp() throws Exception {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		// Enough history for two pages, sent through the API as another client would.
		String token = (String) a.driver.executeScript("return sessionStorage.getItem('chatapp.token')");
		String chatId = a.find(By.cssSelector("[data-testid=chat-item]")).getAttribute("data-chat-id");
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 1; i <= 60; i++) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.url + "/api/chats/" + chatId + "/messages"))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"History " + i + "\"}"))
				.build();
			assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
		}
		eventually().untilAsserted(() -> assertThat(b.sentMessages()).endsWith("History 59", "History 60"));

		// The session survives a reload; the chat opens on its newest page.
		b.driver.navigate().refresh();
		b.click(By.cssSelector("[data-testid=chat-item]"));
		eventually().untilAsserted(() -> assertThat(b.sentMessages()).hasSize(50).endsWith("History 60"));
		// Scrolled to the top, the older page loads above.
		eventually().untilAsserted(() -> {
			b.driver.executeScript("document.getElementById('messages').scrollTop = 0");
			assertThat(b.sentMessages()).hasSize(68).doesNotHaveDuplicates();
		});
		assertThat(b.sentMessages().get(0)).startsWith("Hello @" + this.bob.username);
		assertThat(b.find(By.id("load-older")).isDisplayed()).isFalse();
		screenshots("10-history");
	}

	@Test
	@Order(9)
	void aMessageWrittenOfflineIsSentOnceWhenBackOnline() throws IOException {
		Browser a = this.aliceBrowser;
		Browser b = this.bobBrowser;
		int before = b.sentMessages().size();
		a.offline(true);
		eventually().untilAsserted(() -> assertThat(a.text(By.id("connection"))).isEqualTo("Offline"));
		a.send("Written offline");
		eventually().untilAsserted(() -> assertThat(
				a.text(By.cssSelector("[data-testid=message][data-pending=failed] [data-testid=send-status]")))
			.startsWith("Not sent: You are offline"));
		screenshots("11-written-offline");

		// Back online, the send is retried with the same clientMessageId: stored once.
		a.offline(false);
		eventually().untilAsserted(() -> {
			assertThat(a.sentMessages()).endsWith("History 60", "Written offline");
			assertThat(b.sentMessages()).endsWith("History 60", "Written offline");
		});
		assertThat(a.all(By.cssSelector("[data-testid=message][data-pending]"))).isEmpty();
		assertThat(b.sentMessages()).hasSize(before + 1);
	}

	private static By messageWith(String content) {
		return By.xpath("//li[@data-testid='message' and @data-seq][.//*[@data-testid='message-content' and .='"
				+ content + "']]");
	}

	private static String presenceOfChatPartner(Browser browser) {
		return browser.find(By.cssSelector("#chat-presence [data-testid=presence-dot]")).getAttribute("data-status");
	}

	private static ConditionFactory eventually() {
		return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
	}

	/**
	 * apphost does not depend on web in Maven, so {@code -pl apphost -am} leaves an old
	 * web jar in place: the client under test would not be the one in the sources.
	 */
	private static void assertWebJarIsCurrent() throws IOException {
		Path jar = TestModels.jar("web");
		Path sources = Path.of("..", "web", "src", "main", "resources", "static");
		if (!Files.isDirectory(sources)) {
			return;
		}
		try (var files = Files.walk(sources)) {
			List<Path> newer = files.filter(Files::isRegularFile)
				.filter((file) -> file.toFile().lastModified() > jar.toFile().lastModified())
				.toList();
			assertThat(newer).as("client files newer than %s: build web first (-pl web,apphost -am)", jar).isEmpty();
		}
	}

	/** web answers before the services behind it: wait until registration is routed. */
	private void awaitWebRoutes() {
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(this.url + "/")).build(),
					HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> sync = http.send(HttpRequest.newBuilder(URI.create(this.url + "/api/sync")).build(),
					HttpResponse.BodyHandlers.ofString());
			// 401: chats-api answered (the request had no token); 503 while it is not up.
			return page.statusCode() == 200 && page.body().contains("composer") && sync.statusCode() == 401;
		});
	}

	private ChromeDriver chromium() throws IOException {
		Path profile = Files.createTempDirectory("web-client-chromium");
		this.profiles.add(profile);
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=1280,860", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	private void screenshots(String step) throws IOException {
		this.aliceBrowser.screenshot(step);
		this.bobBrowser.screenshot(step);
	}

	private record User(String username, String displayName) {
	}

	/** One person's browser session on the client. */
	private final class Browser {

		private final String name;

		private final ChromeDriver driver;

		Browser(String name, ChromeDriver driver) {
			this.name = name;
			this.driver = driver;
		}

		void register(User user) {
			this.driver.get(WebClientBrowserTests.this.url + "/");
			find(By.id("register-username")).sendKeys(user.username());
			find(By.id("register-display-name")).sendKeys(user.displayName());
			find(By.id("register-email")).sendKeys(user.username() + "@example.com");
			find(By.id("register-password")).sendKeys(PASSWORD);
			click(By.id("register-submit"));
			eventually().untilAsserted(() -> assertThat(find(By.id("app-view")).isDisplayed()).isTrue());
		}

		void send(String text) {
			WebElement input = find(By.id("composer-input"));
			input.sendKeys(text, Keys.ENTER);
			eventually().untilAsserted(() -> assertThat(input.getAttribute("value")).isEmpty());
		}

		/**
		 * Contents of the messages the server has stored (shown with a seq), in order.
		 */
		List<String> sentMessages() {
			return texts(By.cssSelector("[data-testid=message][data-seq] [data-testid=message-content]"));
		}

		void offline(boolean offline) {
			if (offline) {
				ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
				conditions.setOffline(true);
				this.driver.setNetworkConditions(conditions);
			}
			else {
				this.driver.deleteNetworkConditions();
			}
		}

		WebElement find(By locator) {
			return this.driver.findElement(locator);
		}

		List<WebElement> all(By locator) {
			return this.driver.findElements(locator);
		}

		void click(By locator) {
			eventually().untilAsserted(() -> {
				WebElement element = find(locator);
				assertThat(element.isDisplayed() && element.isEnabled()).isTrue();
				element.click();
			});
		}

		String text(By locator) {
			return find(locator).getText();
		}

		List<String> texts(By locator) {
			return all(locator).stream().map(WebElement::getText).toList();
		}

		void screenshot(String step) throws IOException {
			File file = this.driver.getScreenshotAs(OutputType.FILE);
			Files.copy(file.toPath(), SCREENSHOTS.resolve(step + "-" + this.name + ".png"),
					StandardCopyOption.REPLACE_EXISTING);
		}

	}

}
