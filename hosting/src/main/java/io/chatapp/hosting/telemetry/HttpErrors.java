package io.chatapp.hosting.telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

/**
 * Keeps the JDK's HTTP server answering when a handler fails with anything, an
 * {@link OutOfMemoryError} included: the request is answered 500 (503 when the memory ran
 * out, so that it may be retried) if nothing was sent yet, the exchange is closed, and
 * the error goes no further, so the server's threads live on.
 */
public final class HttpErrors extends Filter {

	private static final HttpErrors INSTANCE = new HttpErrors();

	private HttpErrors() {
	}

	/**
	 * The filter to put first on every context.
	 * @return the filter
	 */
	public static Filter filter() {
		return INSTANCE;
	}

	@Override
	public String description() {
		return "answers failed requests";
	}

	@Override
	public void doFilter(HttpExchange exchange, Chain chain) {
		try {
			chain.doFilter(exchange);
		}
		catch (Throwable ex) {
			answer(exchange, ex);
		}
	}

	/**
	 * Answers a request whose handling failed, as far as still possible, and closes it.
	 * Never throws.
	 * @param exchange the request
	 * @param failure what went wrong
	 */
	public static void answer(HttpExchange exchange, Throwable failure) {
		try {
			if (exchange.getResponseCode() == -1) {
				boolean memory = failure instanceof OutOfMemoryError;
				byte[] body = (memory ? "{\"error\":\"Out of memory, try again\"}"
						: "{\"error\":\"Internal error: " + failure.getClass().getSimpleName() + "\"}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
				if (memory) {
					exchange.getResponseHeaders().set("Retry-After", "1");
				}
				exchange.sendResponseHeaders(memory ? 503 : 500, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			// The client is gone or the memory still short: closing is all that is left.
		}
		finally {
			try {
				exchange.close();
			}
			catch (RuntimeException | Error ex) {
				// Closed as far as possible.
			}
		}
	}

}
