package io.chatapp.hosting.telemetry;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

/**
 * Turns OTLP values into plain Java values (String, Long, Double, Boolean, List, Map) for
 * storage and JSON, with limits so that one sender cannot fill the memory with a few huge
 * values, and estimates what stored values take on the heap.
 */
final class Otlp {

	/** Longest attribute value (and span name, scope, status message) kept, in chars. */
	static final int MAX_STRING_LENGTH = 4 * 1024;

	/** Longest log body and {@code exception.stacktrace} kept, in chars. */
	static final int MAX_TEXT_LENGTH = 16 * 1024;

	/** Attributes kept per span, log record, event, link, point or resource. */
	static final int MAX_ATTRIBUTES = 64;

	/** Items kept per array attribute. */
	static final int MAX_ARRAY_ITEMS = 64;

	/** Characters of all values of one attribute set together; later ones are dropped. */
	static final int MAX_ATTRIBUTE_CHARS = 32 * 1024;

	/** Nesting of arrays and key-value lists kept; deeper values become {@code "..."}. */
	static final int MAX_DEPTH = 4;

	private static final HexFormat HEX = HexFormat.of();

	private Otlp() {
	}

	static Map<String, Object> attributes(List<KeyValue> keyValues) {
		return attributes(keyValues, MAX_ATTRIBUTES);
	}

	static Map<String, Object> attributes(List<KeyValue> keyValues, int max) {
		if (keyValues.isEmpty()) {
			return Map.of();
		}
		return attributes(keyValues, max, new int[] { MAX_ATTRIBUTE_CHARS }, 0);
	}

	private static Map<String, Object> attributes(List<KeyValue> keyValues, int max, int[] chars, int depth) {
		Map<String, Object> attributes = new LinkedHashMap<>();
		for (KeyValue keyValue : keyValues) {
			if (attributes.size() >= max || chars[0] <= 0) {
				break;
			}
			String key = truncate(keyValue.getKey(), MAX_STRING_LENGTH);
			int limit = key.equals("exception.stacktrace") ? MAX_TEXT_LENGTH : MAX_STRING_LENGTH;
			chars[0] -= key.length();
			attributes.put(key, value(keyValue.getValue(), limit, chars, depth));
		}
		return attributes;
	}

	static Object value(AnyValue value) {
		return value(value, MAX_TEXT_LENGTH, new int[] { MAX_TEXT_LENGTH + MAX_ATTRIBUTE_CHARS }, 0);
	}

	private static Object value(AnyValue value, int maxLength, int[] chars, int depth) {
		return switch (value.getValueCase()) {
			case STRING_VALUE -> text(value.getStringValue(), maxLength, chars);
			case BOOL_VALUE -> value.getBoolValue();
			case INT_VALUE -> value.getIntValue();
			case DOUBLE_VALUE -> value.getDoubleValue();
			case BYTES_VALUE -> {
				ByteString bytes = value.getBytesValue();
				// Base64 takes 4 chars per 3 bytes: encode no more than is kept.
				int keep = (int) Math.min(bytes.size(), (long) Math.max(0, Math.min(maxLength, chars[0])) * 3 / 4);
				String encoded = Base64.getEncoder().encodeToString(bytes.substring(0, keep).toByteArray());
				chars[0] -= encoded.length();
				yield (keep < bytes.size()) ? encoded + "..." : encoded;
			}
			case ARRAY_VALUE -> {
				if (depth >= MAX_DEPTH) {
					yield "...";
				}
				List<Object> items = new ArrayList<>();
				for (AnyValue item : value.getArrayValue().getValuesList()) {
					if (items.size() >= MAX_ARRAY_ITEMS || chars[0] <= 0) {
						break;
					}
					items.add(value(item, MAX_STRING_LENGTH, chars, depth + 1));
				}
				yield items;
			}
			case KVLIST_VALUE -> (depth >= MAX_DEPTH) ? "..."
					: attributes(value.getKvlistValue().getValuesList(), MAX_ATTRIBUTES, chars, depth + 1);
			default -> null;
		};
	}

	private static String text(String text, int maxLength, int[] chars) {
		String kept = truncate(text, Math.max(0, Math.min(maxLength, chars[0])));
		chars[0] -= kept.length();
		return kept;
	}

	/**
	 * A log body as text: strings as they are, anything else as JSON.
	 * @param value the body
	 * @return the text
	 */
	static String text(AnyValue value) {
		Object plain = value(value);
		if (plain == null) {
			return "";
		}
		return (plain instanceof String text) ? text : truncate(Json.write(plain), MAX_TEXT_LENGTH);
	}

	static String hex(ByteString id) {
		// Trace ids have 16 bytes, span ids 8: anything longer is not an id.
		return id.isEmpty() ? "" : HEX.formatHex(id.substring(0, Math.min(id.size(), 32)).toByteArray());
	}

	static String truncate(String text) {
		return truncate(text, MAX_STRING_LENGTH);
	}

	static String truncate(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength) + "...";
	}

	/**
	 * Roughly what a stored value takes on the heap, erring on the large side (two bytes
	 * per char, object headers and references included), so that a byte budget over these
	 * estimates bounds the real memory.
	 * @param value a String, Number, Boolean, List or Map as {@link #value} makes them,
	 * or {@code null}
	 * @return the estimate in bytes
	 */
	static long size(Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof String text) {
			return 48 + 2L * text.length();
		}
		if (value instanceof Map<?, ?> map) {
			long size = 64 + 16L * map.size();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				size += 48 + size(entry.getKey()) + size(entry.getValue());
			}
			return size;
		}
		if (value instanceof Collection<?> items) {
			long size = 48 + 8L * items.size();
			for (Object item : items) {
				size += size(item);
			}
			return size;
		}
		if (value instanceof double[] doubles) {
			return 16 + 8L * doubles.length;
		}
		if (value instanceof long[] longs) {
			return 16 + 8L * longs.length;
		}
		return 24;
	}

}
