package io.chatapp.apphost.telemetry;

import java.util.ArrayList;
import java.util.Base64;
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
 * values.
 */
final class Otlp {

	static final int MAX_STRING_LENGTH = 16 * 1024;

	static final int MAX_ATTRIBUTES = 128;

	private static final HexFormat HEX = HexFormat.of();

	private Otlp() {
	}

	static Map<String, Object> attributes(List<KeyValue> keyValues) {
		if (keyValues.isEmpty()) {
			return Map.of();
		}
		Map<String, Object> attributes = new LinkedHashMap<>();
		for (KeyValue keyValue : keyValues) {
			if (attributes.size() == MAX_ATTRIBUTES) {
				break;
			}
			attributes.put(keyValue.getKey(), value(keyValue.getValue()));
		}
		return attributes;
	}

	static Object value(AnyValue value) {
		return switch (value.getValueCase()) {
			case STRING_VALUE -> truncate(value.getStringValue());
			case BOOL_VALUE -> value.getBoolValue();
			case INT_VALUE -> value.getIntValue();
			case DOUBLE_VALUE -> value.getDoubleValue();
			case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
			case ARRAY_VALUE -> {
				List<Object> items = new ArrayList<>();
				for (AnyValue item : value.getArrayValue().getValuesList()) {
					if (items.size() == MAX_ATTRIBUTES) {
						break;
					}
					items.add(value(item));
				}
				yield items;
			}
			case KVLIST_VALUE -> attributes(value.getKvlistValue().getValuesList());
			default -> null;
		};
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
		return (plain instanceof String text) ? text : truncate(Json.write(plain));
	}

	static String hex(ByteString id) {
		return id.isEmpty() ? "" : HEX.formatHex(id.toByteArray());
	}

	static String truncate(String text) {
		return (text.length() <= MAX_STRING_LENGTH) ? text : text.substring(0, MAX_STRING_LENGTH) + "...";
	}

}
