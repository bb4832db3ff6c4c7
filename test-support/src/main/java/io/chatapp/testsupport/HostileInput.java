package io.chatapp.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generators of what hostile or careless clients send, and the check every answer must
 * pass: no 5xx, and every error a problem that tells nothing of the server's insides.
 */
public final class HostileInput {

	private static final Pattern INTERNALS = Pattern.compile(
			"(?s).*(Exception|\\tat |at io\\.chatapp|org\\.springframework|java\\.lang|PSQL|SQLState|postgres|Hikari|<html|stack).*");

	private HostileInput() {
	}

	/** Text that is hard to store or to show: JSON string escapes, not raw bytes. */
	public static Arbitrary<String> jsonStringLiterals() {
		return Arbitraries.oneOf(Arbitraries.of("\"\"", "\"   \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"",
				"\"k\\udfff\"", "\"\\udfff\\ud800\"", "\"\\ud83d\"", "\"\\u202etxt\"", "\"\\u200b\"", "\"\\ufeff\"",
				"\"\\u001b[31m\"", "\"line\\nbreak\"", "\"tab\\there\"", "\"\\\\\"", "\"%00\"", "\"%FF\"",
				"\"' OR 1=1 --\"", "\"<script>x</script>\"", "\"${jndi:ldap://x}\"", "\"👍👍👍👍\"", "\"e\\u0301\""),
				Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40).map(HostileInput::quote),
				Arbitraries.integers().between(3_990, 70_000).map((n) -> quote("x".repeat(n))),
				Arbitraries.integers().between(1, 3).map((n) -> quote("\ud83d\ude00".repeat(n * 1_500))));
	}

	/** Any JSON value, of any type, including ones no field expects. */
	public static Arbitrary<String> jsonValues() {
		return Arbitraries.oneOf(jsonStringLiterals(),
				Arbitraries.of("null", "true", "false", "0", "-1", "1", "1.5", "1e999999", "-1e999999",
						"99999999999999999999", "-9223372036854775809", "9223372036854775808", "NaN", "[]", "{}",
						"[null]", "[\"a\"]", "{\"a\":1}", "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-uuid\"",
						"[\"00000000-0000-0000-0000-000000000000\"]"));
	}

	/** A JSON object with the given fields set to hostile values, some left out. */
	public static Arbitrary<String> jsonObjects(List<String> fields) {
		return Arbitraries.maps(Arbitraries.of(fields), jsonValues()).ofMaxSize(fields.size()).map((map) -> {
			List<String> members = new ArrayList<>();
			map.forEach((name, value) -> members.add(quote(name) + ":" + value));
			return "{" + String.join(",", members) + "}";
		});
	}

	/** Bodies that are not JSON, or not what they claim. */
	public static Arbitrary<byte[]> malformedBodies() {
		return Arbitraries.oneOf(
				Arbitraries
					.of("", "{", "}", "[", "{\"a\":", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "nul", "\"",
							"{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":1}{\"b\":2}", "\u0000", "<xml/>")
					.map((text) -> text.getBytes(StandardCharsets.UTF_8)),
				Arbitraries.of(new byte[] { '"', (byte) 0xff, '"' },
						new byte[] { '{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}' },
						new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}' }),
				Arbitraries.integers().between(200, 20_000).map((depth) -> nested(depth)),
				Arbitraries.integers()
					.between(60_000, 200_000)
					.map((n) -> ("{\"content\":\"" + "y".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8)));
	}

	/** Path segments and query values as sent on the wire (percent-encoded or not). */
	public static Arbitrary<String> rawUrlParts() {
		return Arbitraries.oneOf(
				Arbitraries.of("%FF", "%C0%AF", "%ED%A0%80", "%00", "%2F", "%5C", "%25", "%", "%G1", "..", "%2e%2e",
						"a%0Ab", "%E2%80%AE", "%F0%9F%91%8D", "x".repeat(5_000), "00000000-0000-0000-0000-000000000000",
						"-1", "0", "99999999999999999999", "1e3", "%20", "+", "a\\b", "a|b", "a{b}", "a\"b", "a<b>",
						"a^b", "a`b", "%C3%A9"),
				Arbitraries.strings().ascii().ofMaxLength(12).map(HostileInput::percentEncodeSome));
	}

	/**
	 * Whether an answer is acceptable for hostile input.
	 * @param status the status
	 * @param contentType the content type
	 * @param body the body
	 * @return null when fine, else what is wrong
	 */
	public static String problemWith(int status, String contentType, String body) {
		if (status >= 500) {
			return "status " + status;
		}
		if (status >= 400 && !contentType.startsWith("application/problem+json")) {
			return "status " + status + " as " + contentType;
		}
		if (status >= 400 && INTERNALS.matcher(body).matches()) {
			return "internals in the answer";
		}
		return null;
	}

	/** Headers of a JSON request. */
	public static Map<String, String> json(String token) {
		return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20 || Character.isSurrogate(c)) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

	private static byte[] nested(int depth) {
		return ("{\"content\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
	}

	private static String percentEncodeSome(String text) {
		StringBuilder out = new StringBuilder();
		for (char c : text.toCharArray()) {
			if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
				out.append(c);
			}
			else {
				out.append('%').append(String.format("%02X", (int) c & 0xff));
			}
		}
		return out.toString();
	}

}
