package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

/**
 * Access to the dashboard. It can stop processes and replay records, so:
 * <ul>
 * <li>With a token (required when the dashboard listens beyond loopback): every request
 * carries it, as the cookie set by {@code /login?t=<token>} (the URL the AppHost prints,
 * like Aspire's) or as {@code Authorization: Bearer <token>} for scripts.</li>
 * <li>On loopback the {@code Host} header must name a loopback host, so a web page cannot
 * reach the dashboard by DNS rebinding.</li>
 * <li>A {@code POST} from a browser must come from the dashboard's own origin, so another
 * site cannot press its buttons.</li>
 * </ul>
 */
final class Guard extends Filter {

	static final String COOKIE = "apphost_dashboard_token";

	private static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

	private final String token;

	private final boolean loopback;

	private final String title;

	Guard(String token, boolean loopback, String applicationName) {
		this.token = token;
		this.loopback = loopback;
		this.title = (applicationName + " dashboard").replace("&", "&amp;").replace("<", "&lt;");
	}

	@Override
	public String description() {
		return "dashboard access";
	}

	@Override
	public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
		String host = exchange.getRequestHeaders().getFirst("Host");
		if (this.loopback && !isLoopbackHost(host)) {
			deny(exchange, 403, "Open the dashboard at localhost or 127.0.0.1");
			return;
		}
		String origin = exchange.getRequestHeaders().getFirst("Origin");
		if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()) && origin != null
				&& !origin.equals("http://" + host)) {
			deny(exchange, 403, "Cross-origin requests are not accepted");
			return;
		}
		if (this.token == null) {
			chain.doFilter(exchange);
			return;
		}
		String path = exchange.getRequestURI().getPath();
		if (path.equals("/login")) {
			login(exchange);
			return;
		}
		if (!matches(presentedToken(exchange))) {
			deny(exchange, 401, "Log in with the dashboard URL that the AppHost printed at startup "
					+ "(http://.../login?t=<token>), or send Authorization: Bearer <token>");
			return;
		}
		chain.doFilter(exchange);
	}

	private void login(HttpExchange exchange) throws IOException {
		String query = exchange.getRequestURI().getRawQuery();
		String presented = null;
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.startsWith("t=")) {
					presented = URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8);
				}
			}
		}
		if (!matches(presented)) {
			deny(exchange, 401, "Wrong or missing token");
			return;
		}
		exchange.getResponseHeaders()
			.add("Set-Cookie", COOKIE + "=" + this.token + "; Path=/; HttpOnly; SameSite=Strict");
		exchange.getResponseHeaders().add("Location", "/");
		exchange.sendResponseHeaders(302, -1);
		exchange.close();
	}

	private String presentedToken(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return authorization.substring(7).trim();
		}
		List<String> cookies = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
		for (String header : cookies) {
			for (String cookie : header.split(";")) {
				String[] pair = cookie.trim().split("=", 2);
				if (pair.length == 2 && pair[0].equals(COOKIE)) {
					return pair[1];
				}
			}
		}
		return null;
	}

	private boolean matches(String presented) {
		return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
				this.token.getBytes(StandardCharsets.UTF_8));
	}

	private static boolean isLoopbackHost(String host) {
		if (host == null) {
			return false;
		}
		String name = host.toLowerCase(Locale.ROOT);
		int colon = name.lastIndexOf(':');
		if (colon > name.lastIndexOf(']')) {
			name = name.substring(0, colon);
		}
		return LOOPBACK_HOSTS.contains(name);
	}

	private void deny(HttpExchange exchange, int status, String message) throws IOException {
		try (exchange) {
			if (exchange.getRequestURI().getPath().startsWith("/api/")) {
				JsonApi.send(exchange, status, Map.of("error", message));
			}
			else {
				byte[] page = ("<!doctype html><meta charset=utf-8><title>" + this.title + "</title>"
						+ "<body style='font-family:sans-serif;padding:2em'><h1>" + this.title + "</h1><p>"
						+ message.replace("<", "&lt;") + "</p>")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
				exchange.sendResponseHeaders(status, page.length);
				exchange.getResponseBody().write(page);
			}
		}
	}

}
