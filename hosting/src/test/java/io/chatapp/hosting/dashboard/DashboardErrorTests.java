package io.chatapp.hosting.dashboard;

import com.sun.net.httpserver.HttpHandler;
import io.chatapp.hosting.DistributedApplication;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.dashboard.DashboardClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard keeps answering whatever its handlers throw.
 */
class DashboardErrorTests {

	@Test
	void handlersFailingEvenWithOutOfMemoryAreAnsweredAndTheDashboardGoesOn() {
		DistributedApplication app = LightModels.jobAndService("errors");
		HttpHandler failing = (exchange) -> {
			if (exchange.getRequestURI().getPath().endsWith("/oom")) {
				throw new OutOfMemoryError("Java heap space");
			}
			throw new IllegalStateException("broken");
		};
		try (Dashboard dashboard = Dashboard.start(app, Dashboard.Settings.loopback(0), failing)) {
			DashboardClient client = new DashboardClient(dashboard.url());
			// More failures than the dashboard has threads.
			for (int i = 0; i < 20; i++) {
				Reply reply = client.get("/api/telemetry/oom");
				assertThat(reply.status()).isEqualTo(503);
				assertThat(reply.json().get("error").asText()).isEqualTo("Out of memory, try again");
			}
			Reply broken = client.get("/api/telemetry/traces");
			assertThat(broken.status()).isEqualTo(500);
			assertThat(broken.json().get("error").asText()).contains("IllegalStateException");

			assertThat(client.get("/api/resources").status()).isEqualTo(200);
			assertThat(client.get("/").status()).isEqualTo(200);
		}
	}

}
