package io.chatapp.chats;

import io.chatapp.chats.users.UserDirectory;
import java.net.http.HttpResponse;
import java.util.Set;
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
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * The published OpenAPI document lists exactly the API's endpoints, passes Redocly's
 * recommended rules, and documents the statuses the endpoints really answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chatapp.chats.chat-creations-per-minute=1000" })
@Import(ChatsTestSupport.TestTokens.class)
class OpenApiDocumentTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	/** Same context as {@link ChatsApiEndToEndTests}, so it is started once. */
	@MockitoBean
	UserDirectory users;

	@Test
	void documentListsExactlyTheControllersEndpoints() {
		assertThat(OpenApiContract.implemented(this.mappings, "io.chatapp.chats")).hasSizeGreaterThan(10)
			.isEqualTo(OpenApiContract.documented(baseUrl()));
	}

	@Test
	void documentFollowsTheRecommendedLintRules() {
		assertThat(OpenApiRules.violations(OpenApiContract.document(baseUrl()))).isEmpty();
	}

	@Test
	void documentPassesRedoclyLint() {
		RedoclyLint.Result lint = RedoclyLint.lint(OpenApiContract.document(baseUrl()), "chats-api");
		assumeTrue(lint.ran(), lint.output());
		assertThat(lint.exitCode()).as(lint.output()).isZero();
		// The one warning: the document states no license, as the project has none.
		assertThat(lint.warnings()).as(lint.output()).isLessThanOrEqualTo(1);
	}

	@Test
	void everyOperationAnswersTheStatusesItDocuments() {
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
		DocumentedStatuses api = new DocumentedStatuses(baseUrl());
		UUID alice = UUID.randomUUID();
		UUID bob = UUID.randomUUID();
		UUID carol = UUID.randomUUID();
		String owner = ChatsTestSupport.token(alice);
		String member = ChatsTestSupport.token(bob);
		String chatId = id(api.send("POST /api/chats", "/api/chats", owner,
				"{\"type\":\"group\",\"title\":\"docs\",\"memberIds\":[\"%s\"]}".formatted(bob)));
		String direct = "{\"type\":\"direct\",\"memberIds\":[\"%s\"]}".formatted(carol);
		api.send("POST /api/chats", "/api/chats", owner, direct);
		api.send("POST /api/chats", "/api/chats", owner, direct);
		api.send("POST /api/chats", "/api/chats", owner, "{\"type\":\"channel\",\"memberIds\":[]}");
		api.send("GET /api/chats", "/api/chats?limit=5", owner, null);
		api.send("GET /api/chats", "/api/chats", null, null);
		api.send("GET /api/chats/{chatId}", "/api/chats/" + chatId, owner, null);
		api.send("GET /api/chats/{chatId}", "/api/chats/" + chatId, ChatsTestSupport.token(carol), null);
		api.send("POST /api/chats/{chatId}/members", "/api/chats/" + chatId + "/members", owner,
				"{\"userIds\":[\"%s\"]}".formatted(carol));
		api.send("DELETE /api/chats/{chatId}/members/{userId}", "/api/chats/" + chatId + "/members/" + carol, member,
				null);
		api.send("DELETE /api/chats/{chatId}/members/{userId}", "/api/chats/" + chatId + "/members/" + carol, owner,
				null);
		String messages = "/api/chats/" + chatId + "/messages";
		String send = "{\"content\":\"hello docs\",\"clientMessageId\":\"%s\"}".formatted(UUID.randomUUID());
		api.send("POST /api/chats/{chatId}/messages", messages, owner, send);
		api.send("POST /api/chats/{chatId}/messages", messages, owner, send);
		api.send("GET /api/chats/{chatId}/messages", messages + "?limit=10", member, null);
		api.send("GET /api/chats/{chatId}/messages", messages + "?before=5&after=1", member, null);
		api.send("POST /api/chats/{chatId}/read", "/api/chats/" + chatId + "/read", member, "{\"seq\":1}");
		api.send("PATCH /api/chats/{chatId}/messages/{seq}", messages + "/1", owner, "{\"content\":\"edited\"}");
		api.send("PATCH /api/chats/{chatId}/messages/{seq}", messages + "/1", member, "{\"content\":\"mine\"}");
		api.send("PUT /api/chats/{chatId}/messages/{seq}/reactions/{emoji}", messages + "/1/reactions/ok", member,
				null);
		api.send("DELETE /api/chats/{chatId}/messages/{seq}/reactions/{emoji}", messages + "/1/reactions/ok", member,
				null);
		api.send("GET /api/messages/search", "/api/messages/search?q=edited", owner, null);
		api.send("DELETE /api/chats/{chatId}/messages/{seq}", messages + "/1", owner, null);
		api.send("GET /api/sync", "/api/sync", member, null);
		api.send("GET /api/sync", "/api/sync?since=nonsense", member, null);
		api.send("GET /api/notifications", "/api/notifications?unreadOnly=true", member, null);
		api.send("POST /api/notifications/read", "/api/notifications/read", member,
				"{\"ids\":[\"%s\"]}".formatted(UUID.randomUUID()));
		assertThat(api.undocumented()).isEmpty();
		assertThat(api.unseenSuccesses()).isEmpty();
	}

	private static String id(HttpResponse<String> response) {
		return JsonMapper.builder().build().readTree(response.body()).path("id").asString();
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

}
