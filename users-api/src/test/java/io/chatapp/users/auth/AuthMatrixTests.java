package io.chatapp.users.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import io.chatapp.testsupport.BadCredentials;
import io.chatapp.users.UsersTestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every users-api endpoint against every kind of bad credential, with the tokens forged
 * from users-api's own signing key where only one thing is wrong (expired, issuer,
 * audience, subject): each is a 401 problem with {@code WWW-Authenticate} that tells
 * nothing about why. The public endpoints work without a token, and a valid token of a
 * user that does not exist is a 404 problem for the caller's own profile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "spring.grpc.server.port=0", "chatapp.outbox.enabled=false",
				"management.health.kafka.enabled=false" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixTests {

	private static final String PASSWORD = "correct horse battery staple";

	private static final String ISSUER = "chatapp-users";

	private static final String AUDIENCE = "chatapp";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	SigningKeys signingKeys;

	final HttpClient http = HttpClient.newHttpClient();

	final String name = "matrix-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

	UUID alice;

	RSAKey key;

	@BeforeAll
	void registerAlice() throws Exception {
		HttpResponse<String> created = send("POST", "/api/users", null, "{\"username\":\"" + this.name
				+ "\",\"email\":\"" + this.name + "@example.com\",\"password\":\"" + PASSWORD + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		this.alice = UUID.fromString(created.body().replaceFirst("^\\{\"id\":\"([^\"]+)\".*", "$1"));
		this.key = this.signingKeys.current();
	}

	@Test
	void aTokenForgedWithTheRealKeyIsAcceptedSoTheMatrixTestsOneFlawEach() throws Exception {
		String token = BadCredentials.sign(this.key, BadCredentials.claims(this.alice, ISSUER, AUDIENCE).build());
		List<String> failures = new ArrayList<>();
		for (String[] endpoint : endpoints()) {
			HttpResponse<String> response = send(endpoint[0], endpoint[1], "Bearer " + token, endpoint[2]);
			if (response.statusCode() != Integer.parseInt(endpoint[3])) {
				failures.add(endpoint[0] + " " + endpoint[1] + ": " + response.statusCode() + " " + response.body());
			}
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void everyEndpointAnswersEveryBadCredentialWith401AndNoDetails() throws Exception {
		Map<String, String> credentials = BadCredentials.authorizations(this.key, this.alice, ISSUER, AUDIENCE);
		assertThat(BadCredentials.failures(endpoints(), credentials, this::send)).isEmpty();
	}

	@Test
	void publicEndpointsNeedNoToken() throws Exception {
		String other = this.name + "-2";
		assertThat(send("POST", "/api/users", null, "{\"username\":\"" + other + "\",\"email\":\"" + other
				+ "@example.com\",\"password\":\"" + PASSWORD + "\"}")
			.statusCode()).isEqualTo(201);
		assertThat(send("POST", "/api/auth/token", null,
				"{\"username\":\"" + this.name + "\",\"password\":\"" + PASSWORD + "\"}")
			.statusCode()).isEqualTo(200);
		HttpResponse<String> jwks = send("GET", "/.well-known/jwks.json", null, null);
		assertThat(jwks.statusCode()).isEqualTo(200);
		assertThat(jwks.body()).contains(this.key.getKeyID()).doesNotContain("\"d\"");
	}

	/**
	 * No user is ever deleted, so the closest is a valid token for an id no user has: the
	 * caller's own profile is a 404 problem (never a 500), and nothing is created for it.
	 */
	@Test
	void aValidTokenOfAUserThatDoesNotExistFindsNoProfile() throws Exception {
		UUID ghost = UUID.randomUUID();
		String authorization = "Bearer "
				+ BadCredentials.sign(this.key, BadCredentials.claims(ghost, ISSUER, AUDIENCE).build());
		List<String> failures = new ArrayList<>();
		for (String[] endpoint : List.of(new String[] { "GET", "/api/users/me", null },
				new String[] { "PATCH", "/api/users/me", "{\"displayName\":\"Ghost\"}" },
				new String[] { "PUT", "/api/users/me/presence", "{\"status\":\"online\"}" },
				new String[] { "GET", "/api/users/" + ghost, null })) {
			HttpResponse<String> response = send(endpoint[0], endpoint[1], authorization, endpoint[2]);
			if (response.statusCode() != 404 || !response.headers()
				.firstValue("Content-Type")
				.orElse("")
				.startsWith("application/problem+json")) {
				failures.add(endpoint[0] + " " + endpoint[1] + ": " + response.statusCode() + " " + response.body());
			}
		}
		assertThat(failures).isEmpty();
	}

	/** Method, path, body, status for a valid token of alice. */
	private List<String[]> endpoints() {
		return List.of(new String[] { "GET", "/api/users/me", null, "200" },
				new String[] { "PATCH", "/api/users/me", "{\"statusMessage\":\"here\"}", "200" },
				new String[] { "PUT", "/api/users/me/presence", "{\"status\":\"online\"}", "200" },
				new String[] { "GET", "/api/users/" + this.alice, null, "200" },
				new String[] { "GET", "/api/users?search=matrix", null, "200" });
	}

	private HttpResponse<String> send(String method, String path, String authorization, String body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
