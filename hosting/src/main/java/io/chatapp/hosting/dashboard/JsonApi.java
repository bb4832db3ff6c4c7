package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * What the dashboard's JSON endpoints share: routing on path segments, query parameters,
 * JSON bodies, and errors as {@code {"error": "..."}} with a 4xx status for bad input.
 */
abstract class JsonApi implements HttpHandler {

	static final ObjectMapper JSON = new ObjectMapper();

	private static final int MAX_BODY = 64 * 1024;

	@Override
	public final void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			Object body;
			int status = 200;
			try {
				Response response = handle(new Request(exchange));
				status = response.status();
				body = response.body();
			}
			catch (ApiException ex) {
				status = ex.status();
				body = Map.of("error", ex.getMessage());
			}
			catch (RuntimeException ex) {
				status = 500;
				body = Map.of("error", String.valueOf(ex));
			}
			catch (OutOfMemoryError ex) {
				// The thread and the server live on; the client may try again.
				status = 503;
				body = Map.of("error", "Out of memory, try again");
			}
			send(exchange, status, body);
		}
	}

	/**
	 * Answers one request.
	 * @param request the request, its path relative to the handler's context
	 * @return status and body
	 * @throws ApiException for bad input (4xx) or an unavailable backend (5xx)
	 */
	abstract Response handle(Request request);

	static void send(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/**
	 * A status and a body to write as JSON.
	 *
	 * @param status HTTP status
	 * @param body anything Jackson writes
	 */
	record Response(int status, Object body) {

		static Response ok(Object body) {
			return new Response(200, body);
		}

		static Response accepted(Object body) {
			return new Response(202, body);
		}

	}

	/**
	 * A failure to report as JSON with its status.
	 */
	static final class ApiException extends RuntimeException {

		private final int status;

		ApiException(int status, String message) {
			super(message);
			this.status = status;
		}

		int status() {
			return this.status;
		}

		static ApiException notFound(String message) {
			return new ApiException(404, message);
		}

		static ApiException badRequest(String message) {
			return new ApiException(400, message);
		}

		static ApiException methodNotAllowed(String method) {
			return new ApiException(405, method + " is not allowed here");
		}

	}

	/**
	 * An incoming request with its path split into segments after the context path.
	 */
	static final class Request {

		private final HttpExchange exchange;

		private final List<String> segments;

		private final Map<String, String> query;

		Request(HttpExchange exchange) {
			this.exchange = exchange;
			String context = exchange.getHttpContext().getPath();
			String path = exchange.getRequestURI().getRawPath();
			String rest = path.length() > context.length() ? path.substring(context.length()) : "";
			this.segments = Arrays.stream(rest.split("/"))
				.filter((segment) -> !segment.isEmpty())
				.map((segment) -> URLDecoder.decode(segment, StandardCharsets.UTF_8))
				.toList();
			this.query = parseQuery(exchange.getRequestURI().getRawQuery());
		}

		String method() {
			return this.exchange.getRequestMethod();
		}

		boolean isGet() {
			return "GET".equals(method()) || "HEAD".equals(method());
		}

		boolean isPost() {
			return "POST".equals(method());
		}

		/**
		 * Path segments after the context, decoded.
		 * @return e.g. {@code [orders-api, restart]} for
		 * {@code /api/resources/orders-api/restart}
		 */
		List<String> segments() {
			return this.segments;
		}

		String query(String name) {
			String value = this.query.get(name);
			return (value == null || value.isBlank()) ? null : value.trim();
		}

		long queryLong(String name, long defaultValue, long min, long max) {
			String value = query(name);
			if (value == null) {
				return defaultValue;
			}
			try {
				long number = Long.parseLong(value);
				if (number >= min && number <= max) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// Reported below.
			}
			throw ApiException
				.badRequest(name + " must be a number from " + min + " to " + max + ", not '" + value + "'");
		}

		JsonNode body() {
			try (InputStream in = this.exchange.getRequestBody()) {
				byte[] bytes = in.readNBytes(MAX_BODY + 1);
				if (bytes.length > MAX_BODY) {
					throw new ApiException(413, "The request body is larger than " + MAX_BODY + " bytes");
				}
				if (bytes.length == 0) {
					throw ApiException.badRequest("A JSON body is required");
				}
				return JSON.readTree(bytes);
			}
			catch (JsonProcessingException ex) {
				throw ApiException.badRequest("The body is not valid JSON: " + ex.getOriginalMessage());
			}
			catch (IOException ex) {
				throw ApiException.badRequest("Cannot read the body: " + ex.getMessage());
			}
		}

		private static Map<String, String> parseQuery(String raw) {
			Map<String, String> values = new LinkedHashMap<>();
			if (raw == null || raw.isEmpty()) {
				return values;
			}
			for (String pair : raw.split("&")) {
				int equals = pair.indexOf('=');
				String key = (equals < 0) ? pair : pair.substring(0, equals);
				String value = (equals < 0) ? "" : pair.substring(equals + 1);
				values.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8),
						URLDecoder.decode(value, StandardCharsets.UTF_8));
			}
			return values;
		}

	}

}
