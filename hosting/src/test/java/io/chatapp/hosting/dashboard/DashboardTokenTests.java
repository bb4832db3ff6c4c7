package io.chatapp.hosting.dashboard;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.HostingException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The login token: required beyond loopback, accepted once from the printed URL (then as
 * a cookie) or as a bearer token from scripts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTokenTests {

	private static final String TOKEN = "s3cret-token-for-tests";

	private Dashboard dashboard;

	private DashboardClient client;

	@BeforeAll
	void start() {
		DistributedApplication app = LightModels.jobAndService("token");
		this.dashboard = Dashboard.start(app, new Dashboard.Settings(InetAddress.getLoopbackAddress(), 0, TOKEN), null);
		this.client = new DashboardClient(this.dashboard.url());
	}

	@AfterAll
	void stop() {
		if (this.dashboard != null) {
			this.dashboard.close();
		}
	}

	@Test
	void withoutTheTokenNothingIsServed() {
		DashboardApiTests.assertError(this.client.get("/api/resources"), 401, "Log in with the dashboard URL");
		DashboardApiTests.assertError(this.client.post("/api/resources/web/start", null), 401, "Log in");
		assertThat(this.client.get("/").status()).isEqualTo(401);
		assertThat(this.client.get("/").text()).contains("/login?t=").contains("<h1>Light dashboard</h1>");
		assertThat(this.client.get("/login?t=wrong").status()).isEqualTo(401);
		assertThat(bearer("/api/resources", "wrong")).isEqualTo(401);
	}

	@Test
	void thePrintedUrlSetsACookieThatOpensEverything() {
		assertThat(this.dashboard.browserUrl()).isEqualTo(this.dashboard.url() + "/login?t=" + TOKEN);
		DashboardClient.Reply login = this.client.get("/login?t=" + TOKEN);
		assertThat(login.status()).isEqualTo(302);
		assertThat(login.response().headers().firstValue("Location")).hasValue("/");
		String cookie = login.response().headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(cookie).contains(Guard.COOKIE + "=" + TOKEN).contains("HttpOnly").contains("SameSite=Strict");

		DashboardClient.Reply page = this.client.send(HttpRequest.newBuilder(URI.create(this.dashboard.url() + "/"))
			.header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
		assertThat(page.status()).isEqualTo(200);
		assertThat(bearer("/api/resources", TOKEN)).isEqualTo(200);
	}

	@Test
	void beyondLoopbackATokenIsAlwaysRequired() {
		Dashboard.Settings settings = Dashboard.Settings
			.from(HostOptions.of(Map.of("dashboard.address", "0.0.0.0", "dashboard.port", "18888")));
		assertThat(settings.token()).hasSizeGreaterThanOrEqualTo(32);
		assertThat(Dashboard.Settings.from(HostOptions.of(Map.of())).token()).isNull();
		assertThat(Dashboard.Settings.from(HostOptions.of(Map.of())).port()).isEqualTo(18888);
		assertThatThrownBy(() -> new Dashboard.Settings(InetAddress.getByName("0.0.0.0"), 0, null))
			.isInstanceOf(HostingException.class)
			.hasMessageContaining("needs a token");
	}

	private int bearer(String path, String token) {
		return this.client
			.send(HttpRequest.newBuilder(URI.create(this.dashboard.url() + path))
				.header("Authorization", "Bearer " + token))
			.status();
	}

}
