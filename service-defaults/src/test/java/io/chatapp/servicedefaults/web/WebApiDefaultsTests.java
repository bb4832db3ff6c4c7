package io.chatapp.servicedefaults.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
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
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API defaults on a real server (Tomcat on a random port), so the servlet
 * container's own error handling, the size limit filter and the security chain all take
 * part, exactly as in a service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "chatapp.web.public-paths=GET /public/**, /open", "spring.application.name=web-defaults-test",
				// Kafka is on the test classpath only for the Kafka health tests.
				"spring.autoconfigure.exclude=org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration" })
class WebApiDefaultsTests {

	private static final String SECRET = "s3cret-internal-detail";

	private static final KeyPair KEYS = rsaKeyPair();

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	// --- validation and bad input

	@Test
	void invalidBodyFieldsAreA400ProblemNamingEachField() throws Exception {
		HttpResponse<String> response = send(post("/api/things", """
				{"username":"","email":"not-an-email","password":"short","age":5}"""));

		JsonNode problem = problem(response, 400);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.VALIDATION.toString());
		assertThat(problem.path("title").asString()).isNotBlank();
		assertThat(problem.path("detail").asString()).isNotBlank();
		assertThat(problem.path("instance").asString()).isEqualTo("/api/things");
		assertThat(fields(problem)).containsExactlyInAnyOrder("username", "email", "password");
		problem.path("errors").forEach((error) -> assertThat(error.path("message").asString()).isNotBlank());
	}

	@Test
	void aValidBodyReachesTheHandler() throws Exception {
		HttpResponse<String> response = send(post("/api/things", """
				{"username":"alice","email":"alice@example.com","password":"long enough","age":5}"""));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(response.body()).path("username").asString()).isEqualTo("alice");
	}

	@Test
	void aFieldOfTheWrongJsonTypeIsA400NamingIt() throws Exception {
		HttpResponse<String> response = send(post("/api/things", """
				{"username":"alice","email":"alice@example.com","password":"long enough","age":"old"}"""));

		JsonNode problem = problem(response, 400);
		assertThat(fields(problem)).containsExactly("age");
	}

	@Test
	void malformedJsonIsA400Problem() throws Exception {
		HttpResponse<String> response = send(post("/api/things", "{\"username\": \"alice\", "));

		JsonNode problem = problem(response, 400);
		assertThat(problem.path("detail").asString()).isNotBlank();
	}

	@Test
	void aMissingBodyIsA400Problem() throws Exception {
		HttpResponse<String> response = send(
				request("/api/things").POST(BodyPublishers.noBody()).header("Content-Type", "application/json"));

		problem(response, 400);
	}

	@Test
	void wrongContentTypeIsA415Problem() throws Exception {
		HttpResponse<String> response = send(request("/api/things").POST(BodyPublishers.ofString("username=alice"))
			.header("Content-Type", "text/plain"));

		problem(response, 415);
	}

	@Test
	void wrongMethodIsA405Problem() throws Exception {
		HttpResponse<String> response = send(
				request("/api/things").PUT(BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));

		JsonNode problem = problem(response, 405);
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
		assertThat(problem.path("instance").asString()).isEqualTo("/api/things");
		assertThat(response.headers().firstValue("Allow"))
			.hasValueSatisfying((allow) -> assertThat(allow).contains("POST"));
	}

	@Test
	void anInvalidUuidPathVariableIsA400NamingTheVariable() throws Exception {
		HttpResponse<String> response = send(request("/api/things/not-a-uuid").GET());

		JsonNode problem = problem(response, 400);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.VALIDATION.toString());
		assertThat(fields(problem)).containsExactly("thingId");
		assertThat(problem.path("errors").path(0).path("message").asString()).contains("UUID");
	}

	@Test
	void aValidUuidPathVariableReachesTheHandler() throws Exception {
		UUID id = UUID.randomUUID();
		HttpResponse<String> response = send(request("/api/things/" + id).GET());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(id.toString());
	}

	@Test
	void anUnknownPathIsA404Problem() throws Exception {
		HttpResponse<String> response = send(request("/api/no-such-thing").GET());

		JsonNode problem = problem(response, 404);
		assertThat(problem.path("instance").asString()).isEqualTo("/api/no-such-thing");
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
	}

	// --- body size limit

	@Test
	void aBodyOver64KibWithContentLengthIsA413Problem() throws Exception {
		byte[] body = oversizedJson();
		HttpResponse<String> response = send(request("/api/things").POST(BodyPublishers.ofByteArray(body))
			.header("Content-Type", "application/json"));

		JsonNode problem = problem(response, 413);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.TOO_LARGE.toString());
	}

	@Test
	void aBodyOver64KibIsRefusedBeforeAuthentication() throws Exception {
		byte[] body = oversizedJson();
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/things"))
			.POST(BodyPublishers.ofByteArray(body))
			.header("Content-Type", "application/json")
			.build(), BodyHandlers.ofString());

		problem(response, 413);
	}

	@Test
	void aChunkedBodyOver64KibIsA413Problem() throws Exception {
		byte[] body = oversizedJson();
		// An input stream publisher has no known length, so the client sends the body
		// chunked.
		BodyPublisher chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
		assertThat(chunked.contentLength()).isNegative();
		HttpResponse<String> response = send(
				request("/api/things").POST(chunked).header("Content-Type", "application/json"));

		JsonNode problem = problem(response, 413);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.TOO_LARGE.toString());
	}

	@Test
	void aChunkedBodyUnderTheLimitIsAccepted() throws Exception {
		byte[] body = """
				{"username":"alice","email":"alice@example.com","password":"long enough"}""".getBytes();
		HttpResponse<String> response = send(
				request("/api/things").POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
					.header("Content-Type", "application/json"));

		assertThat(response.statusCode()).isEqualTo(200);
	}

	// --- unexpected failures and ProblemException

	@Test
	void anUnexpectedExceptionIsA500ProblemWithoutInternals() throws Exception {
		HttpResponse<String> response = send(request("/api/boom").GET());

		JsonNode problem = problem(response, 500);
		assertThat(problem.path("detail").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain(SECRET)
			.doesNotContain("IllegalStateException")
			.doesNotContain("java.lang")
			.doesNotContain("io.chatapp")
			.doesNotContainIgnoringCase("trace\"")
			.doesNotContainIgnoringCase("exception");
	}

	@Test
	void aValueTheDatabaseCannotStoreIsA400ProblemWithoutInternals() throws Exception {
		// SQLSTATE 22021: a NUL character; 23514: a CHECK constraint.
		for (String state : List.of("22021", "23514")) {
			HttpResponse<String> response = send(
					request("/api/unstorable?sqlState=" + state).POST(BodyPublishers.noBody()));

			JsonNode problem = problem(response, 400);
			assertThat(problem.path("detail").asString()).isEqualTo("Request contains a value that cannot be stored");
			assertThat(problem.path("instance").asString()).isEqualTo("/api/unstorable");
			assertThat(response.body()).doesNotContain(SECRET)
				.doesNotContain(state)
				.doesNotContain("org.springframework")
				.doesNotContainIgnoringCase("exception");
		}
	}

	@Test
	void anUnreachableDatabaseIsA503ProblemWithRetryAfterNeverA500() throws Exception {
		// No pool connection in time; a connection refused (08001) or broken (08006); the
		// server shutting down (57P01) mid-request; the rollback after a broken statement
		// failing too, because the pool has already closed the connection.
		for (String failure : List.of("no-connection", "08001", "08006", "57P01", "rollback-failed")) {
			HttpResponse<String> response = send(
					request("/api/database-down?failure=" + failure).POST(BodyPublishers.noBody()));

			JsonNode problem = problem(response, 503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(problem.path("detail").asString()).contains("database is unavailable");
			assertThat(response.body()).doesNotContain(SECRET).doesNotContainIgnoringCase("exception");
		}
	}

	@Test
	void aDuplicateKeyFromTheDatabaseIsA409ProblemWithoutInternals() throws Exception {
		HttpResponse<String> response = send(request("/api/duplicate").POST(BodyPublishers.noBody()));

		JsonNode problem = problem(response, 409);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.CONFLICT.toString());
		assertThat(response.body()).doesNotContain(SECRET).doesNotContainIgnoringCase("exception");
	}

	@Test
	void conflictIsA409ProblemWithItsErrors() throws Exception {
		HttpResponse<String> response = send(request("/api/conflict").POST(BodyPublishers.noBody()));

		JsonNode problem = problem(response, 409);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.CONFLICT.toString());
		assertThat(problem.path("detail").asString()).isEqualTo("Username is taken");
		assertThat(fields(problem)).containsExactly("username");
	}

	@Test
	void tooManyRequestsIsA429ProblemWithRetryAfterInWholeSeconds() throws Exception {
		HttpResponse<String> response = send(request("/api/limited").GET());

		JsonNode problem = problem(response, 429);
		assertThat(problem.path("type").asString()).isEqualTo(Problems.RATE_LIMITED.toString());
		// 1.5 s rounds up to 2: a client must never retry too early.
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
	}

	@Test
	void notFoundFromAHandlerIsA404Problem() throws Exception {
		HttpResponse<String> response = send(request("/api/things/" + UUID.randomUUID()).DELETE());

		JsonNode problem = problem(response, 404);
		assertThat(problem.path("detail").asString()).isEqualTo("No such thing");
		assertThat(problem.path("instance").asString()).startsWith("/api/things/");
	}

	// --- one type and title per kind of error

	@Test
	void theSameKindOfErrorHasTheSameTypeAndTitleWhereverItIsRaised() throws Exception {
		UUID id = UUID.randomUUID();
		Map<String, List<HttpRequest.Builder>> kinds = new LinkedHashMap<>();
		kinds.put("invalid fields",
				List.of(post("/api/things", "{\"username\":\"\"}"), request("/api/things/not-a-uuid").GET(),
						request("/api/invalid").GET(), request("/api/things/" + id + "?q=%FF").GET(),
						post("/api/things", "{\"username\":1}")));
		kinds.put("malformed", List.of(post("/api/things", "{\"username\": "), request("/api/things/a%2Fb").GET(),
				request("/api/things/%00").GET()));
		kinds.put("not found", List.of(request("/api/no-such-thing").GET(), request("/api/things/" + id).DELETE()));
		kinds.put("unauthorized",
				List.of(HttpRequest.newBuilder(uri("/api/me")).GET(), request("/api/unauthorized").GET()));
		kinds.put("forbidden", List.of(request("/api/denied").GET(), request("/api/forbidden").GET()));
		kinds.put("too large",
				List.of(request("/api/things").POST(BodyPublishers.ofByteArray(oversizedJson()))
					.header("Content-Type", "application/json"),
						request("/api/things")
							.POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversizedJson())))
							.header("Content-Type", "application/json")));
		kinds.put("server error", List.of(request("/api/boom").GET(), request("/api/send-error").GET()));
		for (Map.Entry<String, List<HttpRequest.Builder>> kind : kinds.entrySet()) {
			Set<String> typesAndTitles = new LinkedHashSet<>();
			for (HttpRequest.Builder request : kind.getValue()) {
				HttpResponse<String> response = send(request);
				JsonNode problem = problem(response, response.statusCode());
				typesAndTitles.add(response.statusCode() + " " + problem.path("type").asString() + " "
						+ problem.path("title").asString());
			}
			assertThat(typesAndTitles).as(kind.getKey()).hasSize(1);
		}
	}

	// --- security

	@Test
	void aRequestWithoutTokenIsA401ProblemAskingForABearerToken() throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/me")).GET().build(),
				BodyHandlers.ofString());

		JsonNode problem = problem(response, 401);
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
	}

	@Test
	void aRequestWithAGarbageTokenIsA401Problem() throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(uri("/api/me")).header("Authorization", "Bearer not.a.jwt").GET().build(),
				BodyHandlers.ofString());

		problem(response, 401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("Bearer"));
	}

	@Test
	void aTokenSignedByAnotherKeyIsA401Problem() throws Exception {
		String forged = token(rsaKeyPair(), "mallory", Instant.now().plusSeconds(300));
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(uri("/api/me")).header("Authorization", "Bearer " + forged).GET().build(),
				BodyHandlers.ofString());

		problem(response, 401);
	}

	@Test
	void anExpiredTokenIsA401Problem() throws Exception {
		String expired = token(KEYS, "alice", Instant.now().minusSeconds(3600));
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(uri("/api/me")).header("Authorization", "Bearer " + expired).GET().build(),
				BodyHandlers.ofString());

		problem(response, 401);
	}

	@Test
	void aValidTokenAuthenticatesTheCaller() throws Exception {
		HttpResponse<String> response = send(request("/api/me").GET());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("alice");
	}

	@Test
	void aPublicPathIgnoresAStaleOrGarbageToken() throws Exception {
		for (String token : List.of("garbage", "eyJhbGciOiJub25lIn0.e30.")) {
			HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri("/public/ping"))
				.header("Authorization", "Bearer " + token)
				.GET()
				.build(), BodyHandlers.ofString());
			assertThat(get.statusCode()).isEqualTo(200);
		}
		HttpResponse<String> protectedPath = http.send(HttpRequest.newBuilder(uri("/api/things/" + UUID.randomUUID()))
			.header("Authorization", "Bearer garbage")
			.DELETE()
			.build(), BodyHandlers.ofString());
		assertThat(protectedPath.statusCode()).isEqualTo(401);
	}

	@Test
	void aConfiguredPublicPathNeedsNoToken() throws Exception {
		HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri("/public/ping")).GET().build(),
				BodyHandlers.ofString());
		HttpResponse<String> any = http.send(HttpRequest.newBuilder(uri("/open")).POST(BodyPublishers.noBody()).build(),
				BodyHandlers.ofString());

		assertThat(get.statusCode()).isEqualTo(200);
		assertThat(get.body()).isEqualTo("pong");
		assertThat(any.statusCode()).isEqualTo(200);
	}

	@Test
	void aPublicPathWithAMethodIsPublicForThatMethodOnly() throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(uri("/public/ping")).POST(BodyPublishers.noBody()).build(),
				BodyHandlers.ofString());

		problem(response, 401);
	}

	@Test
	void healthAndAliveArePublicJson() throws Exception {
		for (String path : List.of("/health", "/alive")) {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET().build(),
					BodyHandlers.ofString());

			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).as(path)
				.hasValueSatisfying((type) -> assertThat(type).contains("json"));
			assertThat(this.json.readTree(response.body()).path("status").asString()).as(path).isEqualTo("UP");
		}
	}

	// --- helpers

	private JsonNode problem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = this.json.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("type").isString()).as("type").isTrue();
		assertThat(problem.path("title").asString()).as("title").isNotBlank();
		assertThat(problem.path("detail").asString()).as("detail").isNotBlank();
		assertThat(response.body()).doesNotContain("\"trace\"").doesNotContain("\tat ");
		return problem;
	}

	private static List<String> fields(JsonNode problem) {
		assertThat(problem.path("errors").isArray()).as("errors is an array").isTrue();
		List<String> fields = new ArrayList<>();
		problem.path("errors").forEach((error) -> fields.add(error.path("field").asString()));
		return fields;
	}

	private static byte[] oversizedJson() {
		// Valid JSON, so only its size can be the reason for refusing it.
		String padding = "x".repeat(70 * 1024);
		return ("{\"username\":\"alice\",\"email\":\"alice@example.com\",\"password\":\"" + padding + "\"}").getBytes();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.build(), BodyHandlers.ofString());
	}

	private HttpRequest.Builder post(String path, String json) {
		return request(path).POST(BodyPublishers.ofString(json)).header("Content-Type", "application/json");
	}

	/** A request carrying a valid token for {@code alice}. */
	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", "Bearer " + token(KEYS, "alice", Instant.now().plusSeconds(300)));
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static String token(KeyPair keys, String subject, Instant expiresAt) {
		RSAKey key = new RSAKey.Builder((RSAPublicKey) keys.getPublic()).privateKey((RSAPrivateKey) keys.getPrivate())
			.build();
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(subject)
			.issuedAt(expiresAt.minusSeconds(600))
			.expiresAt(expiresAt)
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

		record Registration(@NotBlank String username, @NotBlank @Email String email,
				@NotBlank @Size(min = 8) String password, @PositiveOrZero Integer age) {
		}

		@PostMapping("/api/things")
		Registration create(@Valid @RequestBody Registration registration) {
			return registration;
		}

		@GetMapping("/api/things/{thingId}")
		String get(@PathVariable UUID thingId) {
			return thingId.toString();
		}

		@DeleteMapping("/api/things/{thingId}")
		void delete(@PathVariable UUID thingId) {
			throw ProblemException.notFound("No such thing");
		}

		@GetMapping("/api/boom")
		String boom() {
			throw new IllegalStateException(SECRET);
		}

		@PostMapping("/api/unstorable")
		void unstorable(@RequestParam String sqlState) {
			throw new DataIntegrityViolationException("ERROR: " + SECRET,
					new SQLException("ERROR: Failing row contains (" + SECRET + ")", sqlState));
		}

		@PostMapping("/api/database-down")
		void databaseDown(@RequestParam String failure) {
			if (failure.equals("no-connection")) {
				throw new DataAccessResourceFailureException("Failed to obtain JDBC Connection " + SECRET,
						new SQLException("Connection is not available, request timed out after 3000ms."));
			}
			if (failure.equals("rollback-failed")) {
				TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
						new SQLException("Connection is closed"));
				rollback.initApplicationException(new DataAccessResourceFailureException("update " + SECRET,
						new SQLException("An I/O error occurred while sending to the backend.", "08006")));
				throw rollback;
			}
			throw new DataAccessException("insert " + SECRET,
					new SQLException("ERROR: terminating connection " + SECRET, failure)) {
			};
		}

		@PostMapping("/api/duplicate")
		void duplicate() {
			throw new DuplicateKeyException("ERROR: duplicate key " + SECRET,
					new SQLException("Key (username)=(" + SECRET + ") already exists", "23505"));
		}

		@PostMapping("/api/conflict")
		void conflict() {
			throw ProblemException.conflict("Username is taken", List.of(new FieldProblem("username", "is taken")));
		}

		@GetMapping("/api/limited")
		void limited() {
			throw ProblemException.tooManyRequests("Slow down", Duration.ofMillis(1500));
		}

		@GetMapping("/api/invalid")
		void invalid() {
			throw ProblemException.invalid("name", "is taken");
		}

		@GetMapping("/api/unauthorized")
		void unauthorized() {
			throw ProblemException.unauthorized("Session ended");
		}

		@GetMapping("/api/forbidden")
		void forbidden() {
			throw ProblemException.forbidden("Not yours");
		}

		@GetMapping("/api/denied")
		void denied() {
			throw new AccessDeniedException("Not yours");
		}

		@GetMapping("/api/send-error")
		void sendError(HttpServletResponse response) throws IOException {
			response.sendError(500);
		}

		@GetMapping("/api/me")
		String me(@AuthenticationPrincipal Jwt jwt) {
			return jwt.getSubject();
		}

		@GetMapping("/public/ping")
		String ping() {
			return "pong";
		}

		@PostMapping("/public/ping")
		String postPing() {
			return "posted";
		}

		@PostMapping("/open")
		String open() {
			return "open";
		}

	}

}
