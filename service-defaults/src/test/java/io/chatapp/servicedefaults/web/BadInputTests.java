package io.chatapp.servicedefaults.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input of every kind, sent over a raw socket to a real Tomcat (an HTTP client
 * library would refuse to send much of it): each is a 4xx
 * {@code application/problem+json}, never a 500 or an HTML page, whether Spring MVC, a
 * filter or Tomcat itself refuses it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.application.name=bad-input-test",
		"spring.autoconfigure.exclude=org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration" })
class BadInputTests {

	private static final KeyPair KEYS = rsaKeyPair();

	private static final String TOKEN = token();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	// --- lone surrogates in JSON

	@Test
	void aLoneSurrogateInAJsonStringIsA400NamingTheField() throws Exception {
		Map<String, String> bodies = new LinkedHashMap<>();
		bodies.put("title", "{\"title\":\"k\\ud800\"}");
		bodies.put("tags[1]", "{\"title\":\"t\",\"tags\":[\"a\",\"b\\udc00\"]}");
		bodies.put("labels", "{\"title\":\"t\",\"labels\":{\"k\\udfff\":\"v\"}}");
		bodies.put("labels ", "{\"title\":\"t\",\"labels\":{\"\\ud800k\":\"v\"}}");
		bodies.put("extra ", "{\"title\":\"t\",\"extra\":{\"\\ud800\":1}}");
		bodies.put("labels.k", "{\"title\":\"t\",\"labels\":{\"k\":\"\\ud800v\"}}");
		bodies.put("items[0].name", "{\"title\":\"t\",\"items\":[{\"name\":\"\\ude00\"}]}");
		bodies.put("extra", "{\"title\":\"t\",\"extra\":{\"a\":[\"\\ud800\"]}}");
		bodies.forEach((field, body) -> {
			Response response = postJson("/api/notes", body);

			JsonNode problem = problem(response, 400);
			assertThat(problem.path("type").asString()).as(response.body).isEqualTo(Problems.VALIDATION.toString());
			assertThat(fields(problem)).as(body).hasSize(1);
			assertThat(fields(problem).get(0)).as(body).startsWith(field.trim());
		});
	}

	@Test
	void aSurrogatePairInAJsonStringIsAccepted() throws Exception {
		Response response = postJson("/api/notes",
				"{\"title\":\"smile \\ud83d\\ude00\",\"labels\":{\"\\ud83d\\ude00\":\"x\"}}");

		assertThat(response.status).as(response.body).isEqualTo(200);
		assertThat(this.json.readTree(response.body).path("title").asString()).isEqualTo("smile \uD83D\uDE00");
	}

	@Test
	void aSurrogateEncodedAsUtf8BytesInTheBodyIsA400() throws Exception {
		// CESU-8: U+D800 as three bytes, which is not valid UTF-8.
		byte[] body = concat("{\"title\":\"k".getBytes(StandardCharsets.US_ASCII),
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, "\"}".getBytes(StandardCharsets.US_ASCII));
		Response response = send(request("POST", "/api/notes", "application/json", body));

		problem(response, 400);
	}

	@Test
	void invalidUtf8InTheBodyIsA400() throws Exception {
		byte[] body = concat("{\"title\":\"k".getBytes(StandardCharsets.US_ASCII), new byte[] { (byte) 0xFF },
				"\"}".getBytes(StandardCharsets.US_ASCII));
		Response response = send(request("POST", "/api/notes", "application/json", body));

		problem(response, 400);
	}

	// --- JSON types

	@Test
	void aJsonValueOfTheWrongTypeIsA400NamingTheFieldAndTheExpectedType() throws Exception {
		Map<String, String> bodies = new LinkedHashMap<>();
		bodies.put("{\"title\":1}", "title");
		bodies.put("{\"title\":true}", "title");
		bodies.put("{\"title\":1.5}", "title");
		bodies.put("{\"title\":{}}", "title");
		bodies.put("{\"title\":[\"a\"]}", "title");
		bodies.put("{\"title\":\"t\",\"count\":\"5\"}", "count");
		bodies.put("{\"title\":\"t\",\"count\":true}", "count");
		bodies.put("{\"title\":\"t\",\"count\":1.5}", "count");
		bodies.put("{\"title\":\"t\",\"count\":99999999999999999999}", "count");
		bodies.put("{\"title\":\"t\",\"count\":1e999999}", "count");
		bodies.put("{\"title\":\"t\",\"count\":[]}", "count");
		bodies.put("{\"title\":\"t\",\"flag\":\"true\"}", "flag");
		bodies.put("{\"title\":\"t\",\"flag\":1}", "flag");
		bodies.put("{\"title\":\"t\",\"tags\":\"a\"}", "tags");
		bodies.put("{\"title\":\"t\",\"tags\":[1]}", "tags[0]");
		bodies.put("{\"title\":\"t\",\"labels\":{\"k\":2}}", "labels.k");
		bodies.put("{\"title\":\"t\",\"labels\":[]}", "labels");
		bodies.put("{\"title\":\"t\",\"ratio\":\"0.5\"}", "ratio");
		bodies.put("{\"title\":\"t\",\"ratio\":1e999999}", "ratio");
		bodies.put("{\"title\":\"t\",\"id\":5}", "id");
		bodies.put("{\"title\":\"t\",\"id\":\"nope\"}", "id");
		bodies.put("{\"title\":\"t\",\"level\":\"HIGH\"}", "level");
		bodies.put("{\"title\":\"t\",\"level\":0}", "level");
		bodies.put("{\"title\":\"t\",\"items\":[{\"name\":7}]}", "items[0].name");
		bodies.forEach((body, field) -> {
			Response response = postJson("/api/notes", body);

			JsonNode problem = problem(response, 400);
			assertThat(problem.path("type").asString()).as(body).isEqualTo(Problems.VALIDATION.toString());
			assertThat(fields(problem)).as(body).containsExactly(field);
			assertThat(problem.path("errors").path(0).path("message").asString()).as(body).startsWith("must be ");
			assertThat(response.body).as(body).doesNotContain("tools.jackson").doesNotContain("java.");
		});
	}

	@Test
	void aMissingRequiredValueIsA400NamingTheField() throws Exception {
		for (String body : List.of("{\"title\":null}", "{}")) {
			Response response = postJson("/api/notes", body);

			JsonNode problem = problem(response, 400);
			assertThat(fields(problem)).as(body).containsExactly("title");
		}
	}

	@Test
	void aNullOrMissingPrimitiveIsA400NamingTheField() throws Exception {
		for (String body : List.of("{\"value\":null}", "{}")) {
			Response response = postJson("/api/counters", body);

			JsonNode problem = problem(response, 400);
			assertThat(fields(problem)).as(body).containsExactly("value");
		}
	}

	@Test
	void valuesOfTheRightTypeAreAccepted() throws Exception {
		Response response = postJson("/api/notes",
				"{\"title\":\"t\",\"count\":9223372036854775807,\"flag\":false,\"ratio\":0.5,\"tags\":[\"a\"],"
						+ "\"labels\":{\"k\":\"v\"},\"id\":\"" + UUID.randomUUID() + "\",\"level\":\"low\","
						+ "\"items\":[{\"name\":\"n\"}],\"extra\":{\"n\":1,\"s\":\"x\"}}");

		assertThat(response.status).as(response.body).isEqualTo(200);
		assertThat(this.json.readTree(response.body).path("count").asLong()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void deeplyNestedJsonIsA400() throws Exception {
		String body = "{\"title\":\"t\",\"extra\":{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
		Response response = postJson("/api/notes", body);

		problem(response, 400);
	}

	@Test
	void trailingContentAfterTheJsonIsA400() throws Exception {
		for (String body : List.of("{\"title\":\"t\"}{\"title\":\"u\"}", "{\"title\":\"t\"} x")) {
			Response response = postJson("/api/notes", body);

			problem(response, 400);
		}
	}

	@Test
	void aHugeNumberIsA400() throws Exception {
		String body = "{\"title\":\"t\",\"count\":" + "9".repeat(5_000) + "}";
		Response response = postJson("/api/notes", body);

		problem(response, 400);
	}

	// --- query parameters and path variables

	@Test
	void invalidUtf8InAQueryParameterIsA400NamingIt() throws Exception {
		Map<String, String> queries = new LinkedHashMap<>();
		queries.put("q=%FF", "q");
		queries.put("q=%C0%AF", "q");
		queries.put("q=ok%E2%82", "q");
		queries.put("q=%ED%A0%80", "q");
		queries.put("q=ok&chatId=%FF", "chatId");
		queries.put("q=ok&%FF=1", "query");
		queries.put("q=%", "q");
		queries.put("q=%zz", "q");
		queries.forEach((query, field) -> {
			Response response = get("/api/search?" + query);

			JsonNode problem = problem(response, 400);
			assertThat(problem.path("type").asString()).as(query).isEqualTo(Problems.VALIDATION.toString());
			assertThat(fields(problem)).as(query).containsExactly(field);
		});
	}

	@Test
	void invalidUtf8InAFormBodyIsA400Problem() throws Exception {
		Response response = send(request("POST", "/api/search", "application/x-www-form-urlencoded",
				"q=%FF".getBytes(StandardCharsets.US_ASCII)));

		problem(response, 400);
	}

	@Test
	void aBodyOfTheWrongJsonTypeIsA400SayingWhatItMustBe() throws Exception {
		for (String body : List.of("[]", "\"note\"", "1")) {
			Response response = postJson("/api/notes", body);

			JsonNode problem = problem(response, 400);
			assertThat(problem.path("detail").asString()).as(body).isEqualTo("Request body must be an object");
		}
	}

	@Test
	void validUtf8InAQueryParameterIsAccepted() throws Exception {
		Response response = get("/api/search?q=%C3%A9t%C3%A9%20%F0%9F%98%80");

		assertThat(response.status).as(response.body).isEqualTo(200);
		assertThat(response.body).isEqualTo("été \uD83D\uDE00");
	}

	@Test
	void invalidUtf8InAPathIsA400Problem() throws Exception {
		for (String path : List.of("/api/items/%FF", "/api/items/%C0%AF", "/api/items/%ED%A0%80")) {
			Response response = get(path);

			problem(response, 400);
		}
	}

	@Test
	void validUtf8InAPathVariableIsAccepted() throws Exception {
		Response response = get("/api/items/%C3%A9");

		assertThat(response.status).as(response.body).isEqualTo(200);
		assertThat(response.body).isEqualTo("é");
	}

	// --- requests Tomcat refuses before the application sees them

	@Test
	void requestsTomcatRefusesAreProblemsWithoutInternals() throws Exception {
		List<String> targets = List.of("/api/items/%2F", "/api/items/a%2Fb", "/api/items/%00", "/api/%2e%2e/%2e%2e/x",
				"/api/search?q=a\\b", "/api/search?q=a{b}", "/api/search?q=<x>", "/api/search?q=a|b", "/api/items/a\\b",
				"/api/items/%", "/api/items/%zz",
				// Refused by Spring Security's firewall.
				"/api/items/a;b", "/api/items//a", "/api/items/%252F", "/api/items/%5C", "/api/items/%0A",
				"/api/items/%25", "/api/items/%E2%80%A8");
		for (String target : targets) {
			Response response = get(target);

			assertThat(response.status).as(target).isBetween(400, 499);
			JsonNode problem = problem(response, response.status);
			assertThat(problem.path("type").asString()).as(target).isEqualTo("about:blank");
			assertThat(response.body).as(target).doesNotContainIgnoringCase("tomcat").doesNotContain("<");
		}
	}

	@Test
	void aMalformedRequestLineIsA400Problem() throws Exception {
		for (String line : List.of("GET /api/items/a b HTTP/1.1", "GET /api/items/\u0001 HTTP/1.1",
				"G(T /api/items/a HTTP/1.1", "GET api/items HTTP/1.1")) {
			Response response = send(("%s\r\nHost: localhost\r\nConnection: close\r\n\r\n".formatted(line))
				.getBytes(StandardCharsets.ISO_8859_1));

			assertThat(response.status).as(line).isEqualTo(400);
			problem(response, 400);
		}
	}

	@Test
	void aMalformedOrOversizedHeaderIsA400Problem() throws Exception {
		for (String header : List.of("Bad Header: x", "X-Big: " + "x".repeat(20_000), "X-Ctl: a\u0001b")) {
			Response response = send(("GET /api/items/a HTTP/1.1\r\nHost: localhost\r\n%s\r\nConnection: close\r\n\r\n"
				.formatted(header)).getBytes(StandardCharsets.ISO_8859_1));

			assertThat(response.status).as(header.substring(0, 8)).isBetween(400, 431);
			problem(response, response.status);
		}
	}

	// --- headers the application reads

	@Test
	void aMalformedContentTypeIsA4xxProblem() throws Exception {
		for (String type : List.of(";;;", "application/json; charset=nope", "application/json; charset=\"",
				"application/json; charset=x-unknown-1", "text/", "multipart/form-data",
				"multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=nope")) {
			Response response = send(request("POST", "/api/notes", type, "{\"title\":\"t\"}".getBytes()));

			assertThat(response.status).as(type).isBetween(400, 499);
			problem(response, response.status);
		}
	}

	@Test
	void anAcceptHeaderWithoutJsonStillGetsAProblem() throws Exception {
		for (String accept : List.of("text/html", ";;;", "application/xml", "image/*;q=bad")) {
			Response response = send(("POST /api/notes HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
					+ "\r\nAccept: " + accept
					+ "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
				.getBytes(StandardCharsets.ISO_8859_1));

			assertThat(response.status).as(accept).isBetween(400, 499);
			problem(response, response.status);
		}
	}

	@Test
	void aBadBodyFramingIsA4xxProblem() throws Exception {
		for (String framing : List.of("Content-Length: abc", "Content-Length: -1", "Transfer-Encoding: gzip",
				"Content-Length: 2\r\nContent-Length: 3", "Transfer-Encoding: chunked\r\nContent-Length: 2")) {
			Response response = send(("POST /api/notes HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
					+ "\r\nContent-Type: application/json\r\n" + framing + "\r\nConnection: close\r\n\r\n{}")
				.getBytes(StandardCharsets.ISO_8859_1));

			assertThat(response.status).as(framing).isBetween(400, 501);
			problem(response, response.status);
		}
	}

	@Test
	void anUnknownMethodIsA4xxProblem() throws Exception {
		for (String method : List.of("FOO", "PROPFIND", "TRACE", "CONNECT")) {
			Response response = send(request(method, "/api/notes", null, null));

			assertThat(response.status).as(method).isBetween(400, 501);
			problem(response, response.status);
		}
	}

	// --- helpers

	private JsonNode problem(Response response, int status) {
		assertThat(response.status).as(response.head + response.body).isEqualTo(status);
		assertThat(response.header("content-type")).as(response.head + response.body)
			.startsWith("application/problem+json");
		JsonNode problem = this.json.readTree(response.body);
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("type").isString()).as("type").isTrue();
		assertThat(problem.path("title").asString()).as("title").isNotBlank();
		assertThat(problem.path("detail").asString()).as("detail").isNotBlank();
		assertThat(response.body).doesNotContain("\"trace\"")
			.doesNotContain("\tat ")
			.doesNotContainIgnoringCase("exception");
		return problem;
	}

	private static List<String> fields(JsonNode problem) {
		assertThat(problem.path("errors").isArray()).as("errors is an array").isTrue();
		List<String> fields = new ArrayList<>();
		problem.path("errors").forEach((error) -> fields.add(error.path("field").asString()));
		return fields;
	}

	private Response get(String target) {
		return send(request("GET", target, null, null));
	}

	private Response postJson(String target, String body) {
		return send(request("POST", target, "application/json", body.getBytes(StandardCharsets.UTF_8)));
	}

	private static byte[] request(String method, String target, String contentType, byte[] body) {
		StringBuilder head = new StringBuilder();
		head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		head.append("Host: localhost\r\n");
		head.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
		if (contentType != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		if (body != null) {
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		head.append("Connection: close\r\n\r\n");
		return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), (body != null) ? body : new byte[0]);
	}

	private Response send(byte[] request) {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			return Response.parse(readAll(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) != -1;) {
				bytes.write(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			// A reset after the response (the server closes a connection it refused)
			// still leaves the response read so far.
			if (bytes.size() == 0) {
				throw ex;
			}
		}
		return bytes.toByteArray();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			bytes.writeBytes(part);
		}
		return bytes.toByteArray();
	}

	private static String token() {
		RSAKey key = new RSAKey.Builder((RSAPublicKey) KEYS.getPublic()).privateKey((RSAPrivateKey) KEYS.getPrivate())
			.build();
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject("alice")
			.issuedAt(now)
			.expiresAt(now.plusSeconds(3600))
			.build();
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
			.getTokenValue();
	}

	private static KeyPair rsaKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A raw HTTP/1.1 response: status, header block and (de-chunked) body. */
	record Response(int status, String head, String body) {

		static Response parse(byte[] raw) {
			String text = new String(raw, StandardCharsets.ISO_8859_1);
			int end = text.indexOf("\r\n\r\n");
			assertThat(end).as("a complete response head: " + text).isPositive();
			String head = text.substring(0, end);
			int status = Integer.parseInt(head.substring(9, 12));
			byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
			if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
				body = dechunk(body);
			}
			return new Response(status, head, new String(body, StandardCharsets.UTF_8));
		}

		String header(String name) {
			for (String line : this.head.split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
					return line.substring(colon + 1).trim();
				}
			}
			return "";
		}

		private static byte[] dechunk(byte[] chunked) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int position = 0;
			while (position < chunked.length) {
				int lineEnd = indexOf(chunked, position);
				if (lineEnd < 0) {
					break;
				}
				String sizeLine = new String(chunked, position, lineEnd - position, StandardCharsets.ISO_8859_1);
				int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
				if (size == 0) {
					break;
				}
				out.write(chunked, lineEnd + 2, size);
				position = lineEnd + 2 + size + 2;
			}
			return out.toByteArray();
		}

		private static int indexOf(byte[] bytes, int from) {
			for (int i = from; i < bytes.length - 1; i++) {
				if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
					return i;
				}
			}
			return -1;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestController.class)
	static class TestApplication {

		@Bean
		JwtDecoder jwtDecoder() {
			return NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEYS.getPublic()).build();
		}

	}

	@RestController
	static class TestController {

		enum Level {

			low, high

		}

		record Item(@NotNull String name) {
		}

		record Note(@NotNull String title, Long count, Boolean flag, Double ratio, List<String> tags,
				Map<String, String> labels, UUID id, Level level, List<@Valid Item> items, Map<String, Object> extra) {
		}

		record Counter(long value) {
		}

		@PostMapping("/api/counters")
		Counter create(@RequestBody Counter counter) {
			return counter;
		}

		@PostMapping("/api/notes")
		Note create(@Valid @RequestBody Note note) {
			return note;
		}

		@RequestMapping(path = "/api/search", method = { RequestMethod.GET, RequestMethod.POST })
		String search(@RequestParam String q, @RequestParam(required = false) UUID chatId) {
			return q;
		}

		@GetMapping("/api/items/{name}")
		String item(@PathVariable String name) {
			return name;
		}

	}

}
