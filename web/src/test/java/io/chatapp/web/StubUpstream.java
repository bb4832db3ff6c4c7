package io.chatapp.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for users-api or chats-api on a real socket: records every request and
 * answers by path, so tests see exactly what went through the gateway and back.
 */
final class StubUpstream implements AutoCloseable {

	/** One request as the upstream received it. */
	record Received(String method, String path, String query, Headers headers, String body) {
	}

	private final String name;

	private final HttpServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private StubUpstream(String name) throws IOException {
		this.name = name;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	static StubUpstream start(String name) {
		try {
			return new StubUpstream(name);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	List<Received> received() {
		return this.received;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String path = exchange.getRequestURI().getRawPath();
		String query = exchange.getRequestURI().getRawQuery();
		this.received.add(new Received(exchange.getRequestMethod(), path, query, exchange.getRequestHeaders(), body));
		Headers headers = exchange.getResponseHeaders();
		headers.add("X-Upstream", this.name);
		switch (exchange.getRequestMethod() + " " + path) {
			case "POST /api/users" -> {
				headers.add("Location", "/api/users/6f1c1d52-0000-4000-8000-000000000001");
				respond(exchange, 201, "application/json", "{\"id\":\"6f1c1d52-0000-4000-8000-000000000001\"}");
			}
			case "GET /api/chats/conflict" -> respond(exchange, 409, "application/problem+json",
					"{\"type\":\"https://chatapp.io/problems/conflict\",\"title\":\"Conflict\",\"status\":409,"
							+ "\"detail\":\"already there\"}");
			case "GET /api/chats/limited" -> {
				headers.add("Retry-After", "7");
				respond(exchange, 429, "application/problem+json",
						"{\"type\":\"https://chatapp.io/problems/rate-limited\",\"title\":\"Too many requests\","
								+ "\"status\":429}");
			}
			case "GET /api/sync" -> {
				// A long-poll that waits before it answers.
				sleep(1500);
				respond(exchange, 200, "application/json", "{\"events\":[],\"nextToken\":\"t2\"}");
			}
			default -> respond(exchange, 200, "application/json", "{\"upstream\":\"" + this.name + "\"}");
		}
	}

	private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", contentType);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
