package io.chatapp.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Compares a running service's OpenAPI document with its controllers' mappings, so the
 * document cannot drift from the endpoints.
 */
public final class OpenApiContract {

	private OpenApiContract() {
	}

	/**
	 * The document a running service publishes at {@code /v3/api-docs}.
	 * @param baseUrl the service's base URL
	 * @return the OpenAPI 3.1 document
	 */
	public static JsonNode document(String baseUrl) {
		try {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v3/api-docs")).build(),
						HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("/v3/api-docs answered " + response.statusCode());
			}
			JsonNode document = JsonMapper.builder().build().readTree(response.body());
			if (!document.path("openapi").asString().startsWith("3.1")) {
				throw new IllegalStateException("Not an OpenAPI 3.1 document: " + document.path("openapi"));
			}
			return document;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The operations the document at {@code /v3/api-docs} lists, as
	 * {@code "METHOD /path"}.
	 * @param baseUrl the service's base URL
	 * @return the documented operations
	 */
	public static Set<String> documented(String baseUrl) {
		return operations(document(baseUrl)).keySet();
	}

	/**
	 * The operations of a document, as {@code "METHOD /path"}, each with the status codes
	 * it documents.
	 * @param document the OpenAPI document
	 * @return the operations and their documented statuses, sorted
	 */
	public static Map<String, Set<String>> operations(JsonNode document) {
		Map<String, Set<String>> operations = new TreeMap<>();
		for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
			path.getValue()
				.properties()
				.forEach((operation) -> operations.put(operation.getKey().toUpperCase() + " " + path.getKey(),
						new TreeSet<>(operation.getValue().path("responses").propertyNames())));
		}
		return operations;
	}

	/**
	 * The operations the application's controllers in a package map, as
	 * {@code "METHOD /path"}.
	 * @param mappings the MVC handler mapping
	 * @param basePackage only controllers in this package (and below)
	 * @return the implemented operations
	 */
	public static Set<String> implemented(RequestMappingHandlerMapping mappings, String basePackage) {
		Set<String> operations = new TreeSet<>();
		mappings.getHandlerMethods().forEach((info, method) -> {
			if (method.getBeanType().getPackageName().startsWith(basePackage)) {
				info.getPathPatternsCondition()
					.getPatternValues()
					.forEach((path) -> info.getMethodsCondition()
						.getMethods()
						.forEach((httpMethod) -> operations.add(httpMethod.name() + " " + path)));
			}
		});
		return operations;
	}

}
