package io.chatapp.users;

import java.net.http.HttpResponse;
import java.util.UUID;

import io.chatapp.testsupport.DocumentedStatuses;
import io.chatapp.testsupport.OpenApiContract;
import io.chatapp.testsupport.OpenApiRules;
import io.chatapp.testsupport.RedoclyLint;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published OpenAPI document lists exactly the API's endpoints (adding, removing or
 * changing a mapping without the document following fails here), passes Redocly's
 * recommended rules, and documents the statuses the endpoints really answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.grpc.server.port=0", "server.address=127.0.0.1", "chatapp.outbox.enabled=false",
				// No broker in these tests: readiness must not depend on one at
				// localhost:9092.
				"management.health.kafka.enabled=false" })
class OpenApiDocumentTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void documentListsExactlyTheControllersEndpoints() {
		assertThat(OpenApiContract.implemented(this.mappings, "io.chatapp.users")).isNotEmpty()
			.isEqualTo(OpenApiContract.documented(baseUrl()));
	}

	@Test
	void documentFollowsTheRecommendedLintRules() {
		assertThat(OpenApiRules.violations(OpenApiContract.document(baseUrl()))).isEmpty();
	}

	@Test
	void documentPassesRedoclyLint() {
		RedoclyLint.Result lint = RedoclyLint.lint(OpenApiContract.document(baseUrl()), "users-api");
		assumeTrue(lint.ran(), lint.output());
		assertThat(lint.exitCode()).as(lint.output()).isZero();
		// The one warning: the document states no license, as the project has none.
		assertThat(lint.warnings()).as(lint.output()).isLessThanOrEqualTo(1);
	}

	@Test
	void everyOperationAnswersTheStatusesItDocuments() {
		DocumentedStatuses api = new DocumentedStatuses(baseUrl());
		String name = "doc" + UUID.randomUUID().toString().substring(0, 8);
		String register = """
				{"username":"%s","displayName":"Doc","email":"%s@example.org","password":"correct horse"}"""
			.formatted(name, name);
		HttpResponse<String> registered = api.send("POST /api/users", "/api/users", null, register);
		api.send("POST /api/users", "/api/users", null, register);
		api.send("POST /api/users", "/api/users", null, "{\"username\":\"\"}");
		String id = JsonMapper.builder().build().readTree(registered.body()).path("id").asString();
		HttpResponse<String> token = api.send("POST /api/auth/token", "/api/auth/token", null,
				"{\"username\":\"%s\",\"password\":\"correct horse\"}".formatted(name));
		api.send("POST /api/auth/token", "/api/auth/token", null,
				"{\"username\":\"%s\",\"password\":\"wrong horse\"}".formatted(name));
		String accessToken = JsonMapper.builder().build().readTree(token.body()).path("accessToken").asString();
		api.send("GET /.well-known/jwks.json", "/.well-known/jwks.json", null, null);
		api.send("GET /.well-known/jwks.json", "/.well-known/jwks.json", null, null, "Accept", "text/html");
		api.send("GET /api/users/me", "/api/users/me", accessToken, null);
		api.send("GET /api/users/me", "/api/users/me", null, null);
		api.send("PATCH /api/users/me", "/api/users/me", accessToken, "{\"statusMessage\":\"documenting\"}");
		api.send("PUT /api/users/me/presence", "/api/users/me/presence", accessToken, "{\"status\":\"busy\"}");
		api.send("PUT /api/users/me/presence", "/api/users/me/presence", accessToken, "{\"status\":\"asleep\"}");
		api.send("GET /api/users/{id}", "/api/users/" + id, accessToken, null);
		api.send("GET /api/users/{id}", "/api/users/" + UUID.randomUUID(), accessToken, null);
		api.send("GET /api/users", "/api/users?search=" + name, accessToken, null);
		api.send("GET /api/users", "/api/users?search=", accessToken, null);
		assertThat(api.undocumented()).isEmpty();
		assertThat(api.unseenSuccesses()).isEmpty();
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

}
