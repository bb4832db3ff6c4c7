package io.chatapp.users;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.PresenceStatus;
import io.chatapp.users.v1.User;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcServerPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * users-api as a client sees it, on a real server and a real PostgreSQL: register, log
 * in, fetch yourself over REST and over gRPC.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.grpc.server.port=0", "server.address=127.0.0.1", "chatapp.outbox.enabled=false",
				// No broker in these tests: readiness must not depend on one at
				// localhost:9092.
				"management.health.kafka.enabled=false" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersApiEndToEndTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@LocalGrpcServerPort
	int grpcPort;

	@Autowired
	JdbcClient jdbc;

	RestClient http;

	ManagedChannel channel;

	@BeforeAll
	void clients() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.grpcPort).usePlaintext().build();
	}

	@AfterAll
	void close() {
		this.channel.shutdownNow();
	}

	@Test
	@SuppressWarnings("unchecked")
	void registerThenLogInThenFetchSelfOverRestAndGrpc() {
		String name = "e2e_" + shortId();
		ResponseEntity<Map<String, Object>> registered = register(name, name + "@Example.com", "correct horse");
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		String id = (String) registered.getBody().get("id");
		assertThat(registered.getHeaders().getLocation()).hasToString("/api/users/" + id);
		assertThat(registered.getBody()).containsEntry("username", name)
			.containsEntry("email", name + "@example.com")
			.containsEntry("displayName", name);

		String token = token(name, "correct horse");

		ResponseEntity<Map<String, Object>> me = this.http.get()
			.uri("/api/users/me")
			.header("Authorization", "Bearer " + token)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(me.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(me.getBody()).containsEntry("id", id).containsEntry("email", name + "@example.com");
		assertThat((Map<String, Object>) me.getBody().get("presence")).containsEntry("status", "offline")
			.as("lastSeenAt is null until presence is set")
			.containsEntry("lastSeenAt", null);

		User viaGrpc = UsersServiceGrpc.newBlockingStub(this.channel)
			.getUser(GetUserRequest.newBuilder().setUserId(id).build());
		assertThat(viaGrpc.getUsername()).isEqualTo(name);
		assertThat(viaGrpc.getPresence().getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
	}

	@Test
	void registrationRecordsItsEventInTheOutbox() {
		String name = "outbox_" + shortId();
		String id = (String) register(name, name + "@example.com", "password1").getBody().get("id");
		List<Map<String, Object>> events = this.jdbc
			.sql("SELECT topic, event_key, event_type, payload::text AS payload FROM outbox WHERE event_key = :key")
			.param("key", id)
			.query()
			.listOfRows();
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).containsEntry("topic", "user.events").containsEntry("event_type", "user.registered");
		assertThat((String) events.get(0).get("payload")).contains("\"userId\": \"" + id + "\"")
			.doesNotContain("password");
	}

	@Test
	void duplicateUsernameInAnyCaseIsRejectedByTheDatabase() {
		String name = "dup_" + shortId();
		register(name, name + "@example.com", "password1");
		ResponseEntity<Map<String, Object>> again = register(name.toUpperCase(), "other_" + name + "@example.com",
				"password1");
		assertThat(again.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(again.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(again.getBody().get("errors").toString()).contains("username");
		ResponseEntity<Map<String, Object>> sameEmail = register("x" + name, name.toUpperCase() + "@EXAMPLE.com",
				"password1");
		assertThat(sameEmail.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(sameEmail.getBody().get("errors").toString()).contains("email");
	}

	@Test
	void wrongPasswordAndUnknownUserGetTheSame401() {
		String name = "login_" + shortId();
		register(name, name + "@example.com", "password1");
		ResponseEntity<Map<String, Object>> wrongPassword = tokenResponse(name, "password2");
		ResponseEntity<Map<String, Object>> unknownUser = tokenResponse("nobody_" + name, "password1");
		assertThat(wrongPassword.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(unknownUser.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(wrongPassword.getBody().get("detail")).isEqualTo(unknownUser.getBody().get("detail"));
		assertThat(tokenResponse(name + "@example.com", "password1").getStatusCode()).isEqualTo(HttpStatus.OK)
			.as("the email works as a login too");
	}

	@Test
	void controlCharactersAreA400NamingTheFieldNotAServerError() {
		String name = "ctrl_" + shortId();
		ResponseEntity<Map<String, Object>> registered = this.http.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", name, "displayName", "\u0001", "email", name + "@example.com", "password",
					"password1"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(registered.getBody().get("errors").toString()).contains("displayName");

		register(name, name + "@example.com", "password1");
		ResponseEntity<Map<String, Object>> updated = this.http.patch()
			.uri("/api/users/me")
			.header("Authorization", "Bearer " + token(name, "password1"))
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("statusMessage", "a\u0000b"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(updated.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(updated.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(updated.getBody().get("errors").toString()).contains("statusMessage");
	}

	@Test
	void anUnpairedSurrogateInAPasswordIsA400NamingItNotAServerError() {
		String name = "surr_" + shortId();
		ResponseEntity<Map<String, Object>> registered = postJson("/api/users", """
				{"username":"%s","email":"%s@example.com","password":"long enough\\uD800"}""".formatted(name, name));
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(registered.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(registered.getBody().get("errors").toString()).contains("password");

		register(name, name + "@example.com", "password1");
		ResponseEntity<Map<String, Object>> login = postJson("/api/auth/token", """
				{"username":"%s","password":"password1\\uDC00"}""".formatted(name));
		assertThat(login.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(login.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(login.getBody().get("errors").toString()).contains("password");
	}

	@Test
	void aDisplayNameWithAnUnpairedSurrogateIsRefusedNotStoredAsAQuestionMark() {
		String name = "qmark_" + shortId();
		ResponseEntity<Map<String, Object>> registered = postJson("/api/users", """
				{"username":"%s","displayName":"Bob \\uD83D","email":"%s@example.com","password":"password1"}"""
			.formatted(name, name));
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(registered.getBody().get("errors").toString()).contains("displayName");
		assertThat(this.jdbc.sql("SELECT count(*) FROM users WHERE username = :name")
			.param("name", name)
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void searchRefusesNulAndAnswersAnyValidText() {
		String token = registerAndLogIn("srch_" + shortId());
		assertThat(search(token, "%00").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(search(token, "a%00b").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		// U+FFFD, a right-to-left override and an emoji reach PostgreSQL and match
		// nothing.
		for (String search : List.of("%EF%BF%BD", "%E2%80%AEabc", "%F0%9F%98%80")) {
			ResponseEntity<Map<String, Object>> found = search(token, search);
			assertThat(found.getStatusCode()).as(search).isEqualTo(HttpStatus.OK);
			assertThat(found.getBody()).containsEntry("items", List.of());
		}
	}

	@Test
	void aSearchThatIsNotUtf8IsA400Problem() {
		// Query decoding is service-defaults' part; this checks users-api inherits it.
		String token = registerAndLogIn("utf8_" + shortId());
		for (String search : List.of("%C0%AF", "%ED%A0%80", "%FF")) {
			ResponseEntity<Map<String, Object>> found = search(token, search);
			assertThat(found.getStatusCode()).as(search).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(found.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		}
	}

	@Test
	void aPasswordThatIsNotAJsonStringIsA400NamingIt() {
		// Strict JSON types are service-defaults' part; this checks users-api inherits
		// them.
		String name = "type_" + shortId();
		ResponseEntity<Map<String, Object>> registered = postJson("/api/users", """
				{"username":"%s","email":"%s@example.com","password":12345678}""".formatted(name, name));
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(registered.getBody().get("errors").toString()).contains("password");

		register(name, name + "@example.com", "12345678");
		ResponseEntity<Map<String, Object>> login = postJson("/api/auth/token", """
				{"username":"%s","password":12345678}""".formatted(name));
		assertThat(login.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(login.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(login.getBody().get("errors").toString()).contains("password");
	}

	@Test
	void tokensVerifyAgainstThePublishedJwks() {
		String name = "jwks_" + shortId();
		String id = (String) register(name, name + "@example.com", "password1").getBody().get("id");
		NimbusJwtDecoder decoder = NimbusJwtDecoder
			.withJwkSetUri("http://127.0.0.1:" + this.port + "/.well-known/jwks.json")
			.build();
		Jwt jwt = decoder.decode(token(name, "password1"));
		assertThat(jwt.getSubject()).isEqualTo(id);
		assertThat(jwt.getClaimAsString("iss")).isEqualTo("chatapp-users");
		assertThat(jwt.getAudience()).containsExactly("chatapp");
		assertThat(jwt.getClaimAsString("preferred_username")).isEqualTo(name);
	}

	@Test
	void grpcAnswersNotFoundAndInvalidArgument() {
		UsersServiceGrpc.UsersServiceBlockingStub stub = UsersServiceGrpc.newBlockingStub(this.channel);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.getUser(GetUserRequest.newBuilder().setUserId(UUID.randomUUID().toString()).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.getUser(GetUserRequest.newBuilder().setUserId("not-a-uuid").build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.batchGetUsers(BatchGetUsersRequest.newBuilder().addUserIds("nope").build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
	}

	@Test
	void grpcBatchReturnsKnownUsersAndSkipsUnknownOnes() {
		String a = "batch_a_" + shortId();
		String b = "batch_b_" + shortId();
		String idA = (String) register(a, a + "@example.com", "password1").getBody().get("id");
		String idB = (String) register(b, b + "@example.com", "password1").getBody().get("id");
		List<User> users = UsersServiceGrpc.newBlockingStub(this.channel)
			.batchGetUsers(BatchGetUsersRequest.newBuilder()
				.addUserIds(idA)
				.addUserIds(UUID.randomUUID().toString())
				.addUserIds(idB)
				.addUserIds(idA)
				.build())
			.getUsersList();
		assertThat(users).extracting(User::getId).containsExactlyInAnyOrder(idA, idB);
	}

	@Test
	void grpcHealthServiceReportsServing() {
		HealthCheckResponse health = HealthGrpc.newBlockingStub(this.channel)
			.check(HealthCheckRequest.newBuilder().build());
		assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
	}

	@Test
	void healthIsUpWithTheDatabase() {
		ResponseEntity<Map<String, Object>> health = this.http.get()
			.uri("/health")
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(health.getBody()).containsEntry("status", "UP");
		assertThat(health.getBody().get("components").toString()).contains("db");
		assertThat(this.http.get().uri("/alive").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.OK);
	}

	private ResponseEntity<Map<String, Object>> register(String username, String email, String password) {
		return this.http.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", username, "email", email, "password", password))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
	}

	private String registerAndLogIn(String name) {
		register(name, name + "@example.com", "password1");
		return token(name, "password1");
	}

	private ResponseEntity<Map<String, Object>> search(String token, String encodedSearch) {
		return this.http.get()
			.uri(java.net.URI.create("http://127.0.0.1:" + this.port + "/api/users?search=" + encodedSearch))
			.header("Authorization", "Bearer " + token)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
	}

	private ResponseEntity<Map<String, Object>> postJson(String path, String json) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
	}

	private String token(String username, String password) {
		ResponseEntity<Map<String, Object>> response = tokenResponse(username, password);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("tokenType", "Bearer").containsEntry("expiresIn", 3600);
		return (String) response.getBody().get("accessToken");
	}

	private ResponseEntity<Map<String, Object>> tokenResponse(String username, String password) {
		return this.http.post()
			.uri("/api/auth/token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", username, "password", password))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
	}

	private static String shortId() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
