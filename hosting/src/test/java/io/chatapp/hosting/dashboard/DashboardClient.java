package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Calls a dashboard's JSON API in tests.
 */
final class DashboardClient {

	private static final ObjectMapper json = new ObjectMapper();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	DashboardClient(String base) {
		this.base = base;
	}

	Reply get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	Reply post(String path, String body) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json")
			.POST((body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody()));
	}

	Reply send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Reply(response);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A response with its body parsed when it is JSON.
	 *
	 * @param response the raw response
	 */
	record Reply(HttpResponse<String> response) {

		int status() {
			return this.response.statusCode();
		}

		String text() {
			return this.response.body();
		}

		JsonNode json() {
			try {
				return json.readTree(this.response.body());
			}
			catch (IOException ex) {
				throw new IllegalStateException("Not JSON (" + status() + "): " + this.response.body(), ex);
			}
		}

		String contentType() {
			return this.response.headers().firstValue("Content-Type").orElse("");
		}

	}

}
