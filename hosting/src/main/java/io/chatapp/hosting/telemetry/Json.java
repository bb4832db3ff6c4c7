package io.chatapp.hosting.telemetry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers and booleans as JSON: all the telemetry API needs,
 * without a JSON library.
 */
final class Json {

	// Always three fractional digits: every browser parses it, and spans carry their
	// sub-millisecond detail in durationMs and startOffsetMs.
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private Json() {
	}

	static String write(Object value) {
		StringBuilder out = new StringBuilder(256);
		write(value, out);
		return out.toString();
	}

	/**
	 * An OTLP timestamp as RFC 3339 in UTC with milliseconds.
	 * @param epochNanos nanoseconds since the epoch
	 * @return e.g. {@code 2026-01-02T03:04:05.678Z}
	 */
	static String time(long epochNanos) {
		return TIME.format(Instant.ofEpochSecond(0, epochNanos));
	}

	/**
	 * Nanoseconds as milliseconds, rounded to microseconds.
	 * @param nanos a duration in nanoseconds
	 * @return milliseconds
	 */
	static double millis(long nanos) {
		return Math.round(nanos / 1000.0) / 1000.0;
	}

	private static void write(Object value, StringBuilder out) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String text) {
			string(text, out);
		}
		else if (value instanceof Double number) {
			// JSON has no NaN or infinity.
			out.append(number.isNaN() || number.isInfinite() ? "null" : number.toString());
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					out.append(',');
				}
				first = false;
				string(String.valueOf(entry.getKey()), out);
				out.append(':');
				write(entry.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof Collection<?> items) {
			out.append('[');
			boolean first = true;
			for (Object item : items) {
				if (!first) {
					out.append(',');
				}
				first = false;
				write(item, out);
			}
			out.append(']');
		}
		else {
			string(value.toString(), out);
		}
	}

	private static void string(String text, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					// < and > too: safe to inline into a page.
					if (c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u2029') {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
