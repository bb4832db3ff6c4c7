package io.chatapp.chats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.chatapp.chats.users.UserDirectory;
import io.chatapp.testsupport.BadCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * Every endpoint against every kind of bad credential, with the production token
 * verification (keys from a JWKS endpoint, issuer and audience checked): each is a 401
 * problem that tells nothing about why, and a valid token of someone outside a chat sees
 * 404 for everything in it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1" })
class AuthMatrixTests {

	static final String ISSUER = "chatapp-users";

	static final String AUDIENCE = "chatapp";

	static final RSAKey KEY = BadCredentials.generate("users-api");

	static final HttpServer JWKS = jwks();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
				() -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/.well-known/jwks.json");
	}

	@AfterAll
	static void stopJwks() {
		JWKS.stop(0);
	}

	@LocalServerPort
	int port;

	@MockitoBean
	UserDirectory users;

	final HttpClient http = HttpClient.newHttpClient();

	final UUID alice = UUID.randomUUID();

	final UUID mallory = UUID.randomUUID();

	String chatId;

	@BeforeEach
	void chat() throws Exception {
		given(this.users.unknown(anyCollection())).willReturn(java.util.Set.of());
		HttpResponse<String> created = send("POST", "/api/chats",
				BadCredentials.sign(KEY, BadCredentials.claims(this.alice, ISSUER, AUDIENCE).build()),
				"{\"type\":\"group\",\"title\":\"team\",\"memberIds\":[]}");
		assertThat(created.statusCode()).isEqualTo(201);
		this.chatId = created.body().replaceFirst("^\\{\"id\":\"([^\"]+)\".*", "$1");
		assertThat(send("POST", "/api/chats/" + this.chatId + "/messages",
				BadCredentials.sign(KEY, BadCredentials.claims(this.alice, ISSUER, AUDIENCE).build()),
				"{\"content\":\"hi\"}")
			.statusCode()).isEqualTo(201);
	}

	@Test
	void everyEndpointAnswersEveryBadCredentialWith401AndNoDetails() throws Exception {
		Map<String, String> credentials = BadCredentials.authorizations(KEY, this.alice, ISSUER, AUDIENCE);
		assertThat(BadCredentials.failures(endpoints(), credentials, this::sendRaw)).isEmpty();
	}

	@Test
	void aValidTokenOfANonMemberSeesNothingOfTheChat() throws Exception {
		String token = BadCredentials.sign(KEY, BadCredentials.claims(this.mallory, ISSUER, AUDIENCE).build());
		List<String> failures = new ArrayList<>();
		for (String[] endpoint : endpoints()) {
			HttpResponse<String> response = send(endpoint[0], endpoint[1], token, endpoint[2]);
			int expected = Integer.parseInt(endpoint[3]);
			if (response.statusCode() != expected) {
				failures.add(endpoint[0] + " " + endpoint[1] + ": " + response.statusCode() + " " + response.body());
			}
			else if (response.body().contains("hi\"") || response.body().contains("team")) {
				failures.add(endpoint[0] + " " + endpoint[1] + ": leaks the chat: " + response.body());
			}
		}
		assertThat(failures).isEmpty();
	}

	/** Method, path, body, status for a valid token of a non-member. */
	private List<String[]> endpoints() {
		String chat = "/api/chats/" + this.chatId;
		return List.of(new String[] { "GET", "/api/chats", null, "200" },
				new String[] { "POST", "/api/chats", "{\"type\":\"group\",\"memberIds\":[]}", "201" },
				new String[] { "GET", chat, null, "404" },
				new String[] { "POST", chat + "/members", "{\"userIds\":[\"" + this.mallory + "\"]}", "404" },
				new String[] { "DELETE", chat + "/members/" + this.alice, null, "404" },
				new String[] { "POST", chat + "/read", "{\"seq\":1}", "404" },
				new String[] { "POST", chat + "/messages", "{\"content\":\"x\"}", "404" },
				new String[] { "GET", chat + "/messages", null, "404" },
				new String[] { "PATCH", chat + "/messages/1", "{\"content\":\"x\"}", "404" },
				new String[] { "DELETE", chat + "/messages/1", null, "404" },
				new String[] { "PUT", chat + "/messages/1/reactions/%F0%9F%91%8D", null, "404" },
				new String[] { "DELETE", chat + "/messages/1/reactions/%F0%9F%91%8D", null, "404" },
				new String[] { "GET", "/api/messages/search?q=hi&chatId=" + this.chatId, null, "404" },
				new String[] { "GET", "/api/sync", null, "200" },
				new String[] { "GET", "/api/notifications", null, "200" },
				new String[] { "POST", "/api/notifications/read", "{\"ids\":[\"" + UUID.randomUUID() + "\"]}", "204" });
	}

	private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
		return sendRaw(method, path, "Bearer " + token, body);
	}

	private HttpResponse<String> sendRaw(String method, String path, String authorization, String body)
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

	/** A valid token whose payload now names someone else, signature unchanged. */

	private static HttpServer jwks() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
			server.createContext("/.well-known/jwks.json", (exchange) -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
