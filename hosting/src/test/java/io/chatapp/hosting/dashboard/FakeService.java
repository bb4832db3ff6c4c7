package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny program for light models: the AppHost starts it from a jar like a real service
 * or job. With {@code SERVER_PORT} set it serves {@code GET /health} (200) and
 * {@code GET /say?text=...} (prints the text, for log tests); without, it is a job that
 * prints a line and exits with the code given as its first argument (default 0). Only JDK
 * classes, so the jar needs nothing else.
 */
public final class FakeService {

	private FakeService() {
	}

	public static void main(String[] args) throws IOException {
		String name = System.getenv("OTEL_SERVICE_NAME");
		System.out.println(name + " starting");
		String port = System.getenv("SERVER_PORT");
		if (port == null) {
			System.out.println(name + " job done");
			System.exit((args.length > 0) ? Integer.parseInt(args[0]) : 0);
		}
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 0);
		server.createContext("/health", (exchange) -> respond(exchange, "{\"status\":\"UP\"}"));
		server.createContext("/say", (exchange) -> {
			String query = exchange.getRequestURI().getQuery();
			System.out.println(name + " says " + ((query != null) ? query.replace("text=", "") : ""));
			respond(exchange, "{}");
		});
		server.start();
		System.out.println(name + " listening on http://127.0.0.1:" + port);
	}

	private static void respond(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}
