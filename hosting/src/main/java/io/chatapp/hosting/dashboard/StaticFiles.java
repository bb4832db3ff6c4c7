package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The pages: plain HTML, CSS and JavaScript from the jar ({@code /dashboard/*}), no build
 * step and nothing fetched at run time. Unknown {@code /api/} paths answer JSON.
 */
final class StaticFiles implements HttpHandler {

	private static final Map<String, String> PAGES = Map.of("/", "resources.html", "/console", "console.html",
			"/structured", "structured.html", "/traces", "traces.html", "/trace", "trace.html", "/metrics",
			"metrics.html", "/kafka", "kafka.html");

	private static final Pattern ASSET = Pattern.compile("/static/([a-z0-9-]+\\.(css|js|svg))");

	private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "css",
			"text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			if (path.startsWith("/api/")) {
				JsonApi.send(exchange, 404, Map.of("error", "No API at " + path));
				return;
			}
			if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
				exchange.sendResponseHeaders(405, -1);
				return;
			}
			String file = PAGES.get(path);
			var asset = ASSET.matcher(path);
			if (file == null && asset.matches()) {
				file = asset.group(1);
			}
			byte[] content = (file != null) ? read(file) : null;
			if (content == null) {
				content = "<!doctype html><title>Not found</title><p>Not found. <a href='/'>Resources</a>"
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", TYPES.get("html"));
				exchange.sendResponseHeaders(404, content.length);
				exchange.getResponseBody().write(content);
				return;
			}
			exchange.getResponseHeaders().set("Content-Type", TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
			exchange.getResponseHeaders().set("Cache-Control", "no-cache");
			exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
			exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
			if (exchange.getRequestMethod().equals("HEAD")) {
				exchange.sendResponseHeaders(200, -1);
				return;
			}
			exchange.sendResponseHeaders(200, content.length);
			exchange.getResponseBody().write(content);
		}
	}

	private static byte[] read(String file) throws IOException {
		try (InputStream in = StaticFiles.class.getResourceAsStream("/dashboard/" + file)) {
			return (in != null) ? in.readAllBytes() : null;
		}
	}

}
