package io.chatapp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Calls a running service's operations and holds the answers against its OpenAPI
 * document: every status an operation answers must be one it documents (an error as
 * problem details), and every success status it documents must have been seen. A test
 * walks through the API with {@link #send}, then asserts {@link #undocumented()} and
 * {@link #unseenSuccesses()} are empty, so the document can neither promise a 200 where
 * the endpoint answers 201 nor leave a status out.
 */
public final class DocumentedStatuses {

	private final String baseUrl;

	private final Map<String, Set<String>> documented;

	private final Map<String, Set<String>> seen = new TreeMap<>();

	private final List<String> undocumented = new ArrayList<>();

	private final HttpClient client = HttpClient.newHttpClient();

	/**
	 * Reads the service's document.
	 * @param baseUrl the service's base URL
	 */
	public DocumentedStatuses(String baseUrl) {
		this.baseUrl = baseUrl;
		this.documented = OpenApiContract.operations(OpenApiContract.document(baseUrl));
	}

	/**
	 * Sends a request for an operation and records its status.
	 * @param operation the operation as the document names it, e.g. {@code "GET
	 * /api/chats/{chatId}"}
	 * @param path the request's path and query, the template filled in
	 * @param token the access token, or {@code null} for none
	 * @param json the JSON body, or {@code null} for none
	 * @param headers further request headers, as name, value, name, value...
	 * @return the response
	 */
	public HttpResponse<String> send(String operation, String path, String token, String json, String... headers) {
		if (!this.documented.containsKey(operation)) {
			throw new IllegalArgumentException("The document has no operation " + operation);
		}
		String method = operation.substring(0, operation.indexOf(' '));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			String status = Integer.toString(response.statusCode());
			this.seen.computeIfAbsent(operation, (key) -> new TreeSet<>()).add(status);
			if (!this.documented.get(operation).contains(status)) {
				this.undocumented.add(operation + " answered " + status + " (documented: "
						+ this.documented.get(operation) + "): " + response.body());
			}
			String contentType = response.headers().firstValue("Content-Type").orElse("");
			if (response.statusCode() >= 400 && !contentType.startsWith("application/problem+json")) {
				this.undocumented
					.add(operation + " answered " + status + " as " + contentType + ", not application/problem+json");
			}
			return response;
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
	 * Answers whose status the operation does not document.
	 * @return one line per such answer
	 */
	public List<String> undocumented() {
		return List.copyOf(this.undocumented);
	}

	/**
	 * Documented success statuses no call has answered, and operations never called.
	 * @return one line per operation with statuses not seen
	 */
	public List<String> unseenSuccesses() {
		List<String> unseen = new ArrayList<>();
		this.documented.forEach((operation, statuses) -> {
			Set<String> missing = new TreeSet<>();
			statuses.stream().filter((status) -> status.startsWith("2")).forEach(missing::add);
			missing.removeAll(this.seen.getOrDefault(operation, Set.of()));
			if (!missing.isEmpty() || !this.seen.containsKey(operation)) {
				unseen.add(operation + " never answered " + missing);
			}
		});
		return unseen;
	}

}
