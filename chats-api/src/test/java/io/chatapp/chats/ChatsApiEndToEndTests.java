package io.chatapp.chats;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.chatapp.chats.users.UserDirectory;
import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * The Chats part of the contract over HTTP, on a real server and a real PostgreSQL. Only
 * the users-api lookup is replaced (it has its own tests against a gRPC server).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chatapp.chats.chat-creations-per-minute=1000" })
@Import(ChatsTestSupport.TestTokens.class)
@SuppressWarnings("unchecked")
class ChatsApiEndToEndTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@MockitoBean
	UserDirectory users;

	RestClient http;

	UUID alice = UUID.randomUUID();

	UUID bob = UUID.randomUUID();

	UUID carol = UUID.randomUUID();

	@BeforeEach
	void setUp() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
	}

	@Test
	void directChatIsCreatedOnceAndBothSeeIt() {
		ResponseEntity<Map<String, Object>> created = call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "direct", "memberIds", List.of(this.bob)));
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		String chatId = (String) created.getBody().get("id");
		assertThat(created.getHeaders().getLocation()).hasToString("/api/chats/" + chatId);
		assertThat((List<Map<String, Object>>) created.getBody().get("members")).extracting((m) -> m.get("userId"))
			.containsExactlyInAnyOrder(this.alice.toString(), this.bob.toString());

		ResponseEntity<Map<String, Object>> again = call(this.bob, HttpMethod.POST, "/api/chats",
				Map.of("type", "direct", "memberIds", List.of(this.alice)));
		assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(again.getBody().get("id")).isEqualTo(chatId);
		assertThat(call(this.bob, HttpMethod.GET, "/api/chats/" + chatId, null).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(call(this.carol, HttpMethod.GET, "/api/chats/" + chatId, null).getStatusCode())
			.as("a chat is invisible to non-members")
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void directChatRulesAreValidated() {
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "direct", "memberIds", List.of(this.alice)))))
			.containsExactly("memberIds");
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "direct", "memberIds", List.of(this.bob, this.carol)))))
			.containsExactly("memberIds");
		assertThat(problemFields(
				call(this.alice, HttpMethod.POST, "/api/chats", Map.of("type", "channel", "memberIds", List.of()))))
			.containsExactly("type");
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "memberIds", List.of("not-a-uuid")))))
			.containsExactly("memberIds[0]");
	}

	@Test
	void unknownMemberIdsAre400NamingThem() {
		UUID ghost = UUID.randomUUID();
		given(this.users.unknown(anyCollection())).willReturn(Set.of(ghost));
		ResponseEntity<Map<String, Object>> response = call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "title", "t", "memberIds", List.of(this.bob, ghost)));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody().get("errors").toString()).contains(ghost.toString());
	}

	@Test
	void usersApiDownIsA503ForChatCreationButMessagingGoesOn() {
		String chatId = group(this.alice, this.bob);
		given(this.users.unknown(anyCollection()))
			.willThrow(ProblemException.serviceUnavailable("The users service is unavailable"));
		assertThat(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "memberIds", List.of(this.carol)))
			.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(send(this.bob, chatId, "still works").getStatusCode()).isEqualTo(HttpStatus.CREATED);
	}

	@Test
	void messagesFlowWithSeqsHistoryAndUnreadCounts() {
		String chatId = group(this.alice, this.bob);
		for (int i = 1; i <= 5; i++) {
			ResponseEntity<Map<String, Object>> sent = send(this.alice, chatId, "hello " + i);
			assertThat(sent.getStatusCode()).isEqualTo(HttpStatus.CREATED);
			assertThat(((Number) sent.getBody().get("seq")).longValue()).isEqualTo(i);
		}
		send(this.bob, chatId, "hi alice");

		Map<String, Object> bobsView = call(this.bob, HttpMethod.GET, "/api/chats/" + chatId, null).getBody();
		assertThat(bobsView).containsEntry("lastSeq", 6)
			.containsEntry("unreadCount", 0)
			.containsEntry("readSeq", 6)
			.as("sending reads everything up to one's own message");
		Map<String, Object> alicesView = call(this.alice, HttpMethod.GET, "/api/chats/" + chatId, null).getBody();
		assertThat(alicesView).containsEntry("unreadCount", 1).containsEntry("readSeq", 5);
		assertThat((Map<String, Object>) alicesView.get("lastMessage")).containsEntry("content", "hi alice");

		Map<String, Object> newest = call(this.bob, HttpMethod.GET, "/api/chats/" + chatId + "/messages?limit=2", null)
			.getBody();
		assertThat(seqs(newest)).containsExactly(6L, 5L);
		assertThat(newest).containsEntry("hasMore", true);
		Map<String, Object> older = call(this.bob, HttpMethod.GET,
				"/api/chats/" + chatId + "/messages?before=5&limit=10", null)
			.getBody();
		assertThat(seqs(older)).containsExactly(4L, 3L, 2L, 1L);
		assertThat(older).containsEntry("hasMore", false);
		Map<String, Object> after = call(this.bob, HttpMethod.GET, "/api/chats/" + chatId + "/messages?after=4", null)
			.getBody();
		assertThat(seqs(after)).containsExactly(5L, 6L);

		ResponseEntity<Map<String, Object>> read = call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/read",
				Map.of("seq", 6));
		assertThat(read.getBody()).containsEntry("readSeq", 6).containsEntry("unreadCount", 0);
		ResponseEntity<Map<String, Object>> backwards = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/read", Map.of("seq", 2));
		assertThat(backwards.getBody()).as("read markers never move backwards").containsEntry("readSeq", 6);
		assertThat(
				call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/read", Map.of("seq", 99)).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void sendIsIdempotentOnClientMessageId() {
		String chatId = group(this.alice, this.bob);
		Map<String, Object> body = Map.of("content", "once", "clientMessageId", "c-" + UUID.randomUUID());
		ResponseEntity<Map<String, Object>> first = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/messages", body);
		ResponseEntity<Map<String, Object>> retry = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/messages", body);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(retry.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(retry.getBody()).isEqualTo(first.getBody());
	}

	@Test
	void badMessagesAreRejectedAndNothingIsStored() {
		String chatId = group(this.alice, this.bob);
		assertThat(problemFields(send(this.alice, chatId, "   "))).containsExactly("content");
		assertThat(problemFields(send(this.alice, chatId, "x".repeat(4001)))).containsExactly("content");
		assertThat(call(this.alice, HttpMethod.POST, "/api/chats/not-a-uuid/messages", Map.of("content", "x"))
			.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(send(this.carol, chatId, "not a member").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(send(this.alice, UUID.randomUUID().toString(), "no chat").getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(call(this.alice, HttpMethod.GET, "/api/chats/" + chatId + "/messages/abc", null).getStatusCode())
			.isIn(HttpStatus.BAD_REQUEST, HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(call(this.alice, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/abc", Map.of("content", "x"))
			.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(call(this.alice, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/0", Map.of("content", "x"))
			.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(call(this.alice, HttpMethod.GET, "/api/chats/" + chatId + "/messages?before=1&after=1", null)
			.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(
				call(this.alice, HttpMethod.GET, "/api/chats/" + chatId + "/messages?limit=201", null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
		Long stored = this.jdbc.sql("SELECT count(*) FROM messages WHERE chat_id = CAST(:c AS uuid)")
			.param("c", chatId)
			.query(Long.class)
			.single();
		assertThat(stored).isZero();
	}

	@Test
	void editAndDeleteFollowOwnershipAndAdminRules() {
		String chatId = group(this.alice, this.bob, this.carol);
		send(this.bob, chatId, "bob's message");
		assertThat(
				call(this.carol, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/1", Map.of("content", "hijack"))
					.getStatusCode())
			.isEqualTo(HttpStatus.FORBIDDEN);
		ResponseEntity<Map<String, Object>> edited = call(this.bob, HttpMethod.PATCH,
				"/api/chats/" + chatId + "/messages/1", Map.of("content", "bob's edited message"));
		assertThat(edited.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(edited.getBody()).containsEntry("content", "bob's edited message");
		assertThat(edited.getBody().get("editedAt")).isNotNull();
		assertThat(call(this.carol, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/1", null).getStatusCode())
			.isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(call(this.alice, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/1", null).getStatusCode())
			.as("the group owner may delete any message")
			.isEqualTo(HttpStatus.NO_CONTENT);
		Map<String, Object> deleted = (Map<String, Object>) ((List<?>) call(this.bob, HttpMethod.GET,
				"/api/chats/" + chatId + "/messages", null)
			.getBody()
			.get("items")).get(0);
		assertThat(deleted).containsEntry("deleted", true).containsEntry("content", "");
		assertThat(call(this.bob, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/1", Map.of("content", "back"))
			.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(call(this.bob, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/99", Map.of("content", "x"))
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void reactionsAreSetAndCleared() {
		String chatId = group(this.alice, this.bob);
		send(this.alice, chatId, "react to me");
		assertThat(call(this.bob, HttpMethod.PUT, "/api/chats/" + chatId + "/messages/1/reactions/🎉", null)
			.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		call(this.bob, HttpMethod.PUT, "/api/chats/" + chatId + "/messages/1/reactions/🎉", null);
		Map<String, Object> message = (Map<String, Object>) ((List<?>) call(this.alice, HttpMethod.GET,
				"/api/chats/" + chatId + "/messages", null)
			.getBody()
			.get("items")).get(0);
		assertThat(message.get("reactions")).isEqualTo(Map.of("🎉", List.of(this.bob.toString())));
		call(this.bob, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/1/reactions/🎉", null);
		message = (Map<String, Object>) ((List<?>) call(this.alice, HttpMethod.GET,
				"/api/chats/" + chatId + "/messages", null)
			.getBody()
			.get("items")).get(0);
		assertThat(message.get("reactions")).isEqualTo(Map.of());
		assertThat(call(this.bob, HttpMethod.PUT, "/api/chats/" + chatId + "/messages/7/reactions/x", null)
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void membersAreAddedByAdminsAndLeaveByThemselves() {
		String chatId = group(this.alice, this.bob);
		assertThat(call(this.bob, HttpMethod.POST, "/api/chats/" + chatId + "/members",
				Map.of("userIds", List.of(this.carol)))
			.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		ResponseEntity<Map<String, Object>> added = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/members", Map.of("userIds", List.of(this.carol)));
		assertThat(added.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat((List<?>) added.getBody().get("members")).hasSize(3);
		assertThat(call(this.carol, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.bob, null)
			.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(call(this.carol, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.carol, null)
			.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(call(this.carol, HttpMethod.GET, "/api/chats/" + chatId, null).getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(call(this.alice, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.carol, null)
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/members", Map.of("userIds", List.of()))
			.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void whenTheOwnerLeavesTheLongestStandingMemberOwnsTheGroup() {
		String chatId = group(this.alice, this.bob);
		call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/members", Map.of("userIds", List.of(this.carol)));
		assertThat(call(this.alice, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.alice, null)
			.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		ResponseEntity<Map<String, Object>> chat = call(this.bob, HttpMethod.GET, "/api/chats/" + chatId, null);
		assertThat((List<Map<String, Object>>) chat.getBody().get("members"))
			.extracting((m) -> m.get("userId") + ":" + m.get("role"))
			.containsExactlyInAnyOrder(this.bob + ":owner", this.carol + ":member");
		// The group can still grow: the new owner adds someone.
		assertThat(call(this.bob, HttpMethod.POST, "/api/chats/" + chatId + "/members",
				Map.of("userIds", List.of(this.alice)))
			.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void chatTitlesWithControlCharactersAre400() {
		for (String title : List.of("a\u0000b", "line\nbreak", "bell\u0007", "esc\u001b[31m")) {
			assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats",
					Map.of("type", "group", "title", title, "memberIds", List.of()))))
				.containsExactly("title");
		}
	}

	@Test
	void chatListIsMostRecentFirstAndPages() {
		UUID dave = UUID.randomUUID();
		String first = group(dave, this.alice);
		String second = group(dave, this.bob);
		String third = group(dave, this.carol);
		send(dave, first, "bump the first chat");
		Map<String, Object> page = call(dave, HttpMethod.GET, "/api/chats?limit=2", null).getBody();
		assertThat((List<Map<String, Object>>) page.get("items")).extracting((c) -> c.get("id"))
			.containsExactly(first, third);
		Map<String, Object> next = call(dave, HttpMethod.GET, "/api/chats?limit=2&cursor=" + page.get("nextCursor"),
				null)
			.getBody();
		assertThat((List<Map<String, Object>>) next.get("items")).extracting((c) -> c.get("id"))
			.containsExactly(second);
		assertThat(next.get("nextCursor")).isNull();
		assertThat(call(dave, HttpMethod.GET, "/api/chats?cursor=garbage", null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void searchFindsWordsInTheCallersChatsOnly() {
		String ours = group(this.alice, this.bob);
		String theirs = group(this.carol, UUID.randomUUID());
		String word = "zebra" + UUID.randomUUID().toString().substring(0, 6);
		send(this.alice, ours, "look, a " + word + " in the park");
		send(this.carol, theirs, "another " + word + " elsewhere");
		Map<String, Object> found = call(this.bob, HttpMethod.GET, "/api/messages/search?q=" + word, null).getBody();
		assertThat((List<Map<String, Object>>) found.get("items")).extracting((m) -> m.get("chatId"))
			.containsExactly(ours);
		assertThat(call(this.bob, HttpMethod.GET, "/api/messages/search?q=" + word + "&chatId=" + theirs, null)
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(call(this.bob, HttpMethod.GET, "/api/messages/search?q=", null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void syncDeliversEventsAfterTheTokenAndLongPolls() {
		String chatId = group(this.alice, this.bob);
		Map<String, Object> fresh = call(this.bob, HttpMethod.GET, "/api/sync", null).getBody();
		assertThat((List<?>) fresh.get("events")).isEmpty();
		String token = (String) fresh.get("nextToken");
		send(this.alice, chatId, "while bob was away");
		Map<String, Object> caughtUp = call(this.bob, HttpMethod.GET, "/api/sync?since=" + token, null).getBody();
		assertThat((List<Map<String, Object>>) caughtUp.get("events")).extracting((e) -> e.get("type"))
			.containsExactly("message.created");
		Map<String, Object> event = ((List<Map<String, Object>>) caughtUp.get("events")).get(0);
		assertThat(event).containsEntry("chatId", chatId).containsEntry("seq", 1).containsKeys("id", "occurredAt");
		long start = System.nanoTime();
		Map<String, Object> empty = call(this.bob, HttpMethod.GET,
				"/api/sync?timeout=300&since=" + caughtUp.get("nextToken"), null)
			.getBody();
		assertThat((List<?>) empty.get("events")).isEmpty();
		assertThat(System.nanoTime() - start).as("waited for the timeout").isGreaterThan(250_000_000L);
		assertThat(call(this.bob, HttpMethod.GET, "/api/sync?since=garbage", null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void notificationsAreListedMarkedReadAndForgetDeletedText() {
		String chatId = group(this.alice, this.bob);
		send(this.alice, chatId, "hey @bob");
		UUID id = UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO notifications (id, user_id, kind, chat_id, seq, from_user_id, preview, created_at)
				VALUES (:id, :user, 'mention', CAST(:chat AS uuid), 1, :from, 'hey @bob', now())""")
			.param("id", id)
			.param("user", this.bob)
			.param("chat", chatId)
			.param("from", this.alice)
			.update();
		Map<String, Object> list = call(this.bob, HttpMethod.GET, "/api/notifications?unreadOnly=true", null).getBody();
		assertThat((List<Map<String, Object>>) list.get("items")).extracting((n) -> n.get("id"))
			.containsExactly(id.toString());
		assertThat(call(this.alice, HttpMethod.POST, "/api/notifications/read", Map.of("ids", List.of(id)))
			.getStatusCode()).as("someone else's ids are ignored").isEqualTo(HttpStatus.NO_CONTENT);
		assertThat((List<?>) call(this.bob, HttpMethod.GET, "/api/notifications?unreadOnly=true", null).getBody()
			.get("items")).hasSize(1);
		call(this.bob, HttpMethod.POST, "/api/notifications/read", Map.of("ids", List.of(id)));
		assertThat((List<?>) call(this.bob, HttpMethod.GET, "/api/notifications?unreadOnly=true", null).getBody()
			.get("items")).isEmpty();

		call(this.alice, HttpMethod.DELETE, "/api/chats/" + chatId + "/messages/1", null);
		List<Map<String, Object>> all = (List<Map<String, Object>>) call(this.bob, HttpMethod.GET, "/api/notifications",
				null)
			.getBody()
			.get("items");
		assertThat(all).singleElement().satisfies((n) -> assertThat(n).containsEntry("preview", ""));
		call(this.bob, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.bob, null);
		assertThat((List<?>) call(this.bob, HttpMethod.GET, "/api/notifications", null).getBody().get("items"))
			.as("a chat the user left shows nothing")
			.isEmpty();
		assertThat(call(this.bob, HttpMethod.POST, "/api/notifications/read", Map.of("ids", List.of())).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void forgedCursorsAndSyncTokensAre400() {
		String farFuture = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("10000000000000:0:" + UUID.randomUUID()).getBytes());
		assertThat(call(this.alice, HttpMethod.GET, "/api/chats?cursor=" + farFuture, null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
		String ahead = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("v1:" + Long.MAX_VALUE + ":1").getBytes());
		assertThat(call(this.alice, HttpMethod.GET, "/api/sync?since=" + ahead, null).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void aRetryAfterLeavingShowsNothingOfTheChat() {
		String chatId = group(this.alice, this.bob);
		Map<String, Object> body = Map.of("content", "before leaving", "clientMessageId", "leave-" + UUID.randomUUID());
		call(this.bob, HttpMethod.POST, "/api/chats/" + chatId + "/messages", body);
		call(this.bob, HttpMethod.DELETE, "/api/chats/" + chatId + "/members/" + this.bob, null);
		assertThat(call(this.bob, HttpMethod.POST, "/api/chats/" + chatId + "/messages", body).getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void transportErrorsAreProblems() {
		assertThat(this.http.get().uri("/api/chats").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		ResponseEntity<Map<String, Object>> wrongType = this.http.post()
			.uri("/api/chats")
			.header("Authorization", "Bearer " + ChatsTestSupport.token(this.alice))
			.contentType(MediaType.TEXT_PLAIN)
			.body("group please")
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(wrongType.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		ResponseEntity<Map<String, Object>> tooLarge = call(this.alice, HttpMethod.POST,
				"/api/chats/" + UUID.randomUUID() + "/messages", Map.of("content", "x".repeat(70_000)));
		assertThat(tooLarge.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		ResponseEntity<Map<String, Object>> malformed = this.http.post()
			.uri("/api/chats")
			.header("Authorization", "Bearer " + ChatsTestSupport.token(this.alice))
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"type\":")
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(malformed.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(malformed.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void unpairedSurrogatesAre400AndNothingIsStoredInTheirPlace() {
		String chatId = group(this.alice, this.bob);
		// Both keys used to be stored as "k?", so the second send answered with the first
		// message and its own content was lost.
		for (String key : List.of("k\\ud800", "k\\udfff")) {
			assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/messages", """
					{"content":"hello","clientMessageId":"%s"}""".formatted(key)))).containsExactly("clientMessageId");
		}
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/messages", """
				{"content":"broken \\udc00 text"}"""))).containsExactly("content");
		assertThat(messagesIn(chatId)).isEmpty();
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats", """
				{"type":"group","title":"team \\ud83d","memberIds":[]}"""))).containsExactly("title");

		ResponseEntity<Map<String, Object>> paired = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/messages", """
						{"content":"smile \\ud83d\\ude00","clientMessageId":"k\\ud83d\\ude00"}""");
		assertThat(paired.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		ResponseEntity<Map<String, Object>> other = call(this.alice, HttpMethod.POST,
				"/api/chats/" + chatId + "/messages", """
						{"content":"grin","clientMessageId":"k\\ud83d\\ude01"}""");
		assertThat(other.getStatusCode()).as("a different key is a different message").isEqualTo(HttpStatus.CREATED);
		assertThat(messagesIn(chatId)).extracting((m) -> m.get("clientMessageId"), (m) -> m.get("content"))
			.containsExactly(tuple("k\ud83d\ude01", "grin"), tuple("k\ud83d\ude00", "smile \ud83d\ude00"));
	}

	@Test
	void aContentThatIsNotAJsonStringIsA400NotStoredAsText() {
		String chatId = group(this.alice, this.bob);
		for (String content : List.of("1", "true", "{}", "[\"a\"]", "null")) {
			assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats/" + chatId + "/messages",
					"{\"content\":" + content + "}")))
				.as(content)
				.containsExactly("content");
		}
		assertThat(messagesIn(chatId)).isEmpty();
		long seq = ((Number) send(this.alice, chatId, "original").getBody().get("seq")).longValue();
		assertThat(problemFields(
				call(this.alice, HttpMethod.PATCH, "/api/chats/" + chatId + "/messages/" + seq, "{\"content\":42}")))
			.containsExactly("content");
		assertThat(messagesIn(chatId)).extracting((m) -> m.get("content")).containsExactly("original");
	}

	@Test
	void aNulInContentIsTheSameValidationProblemAsAnyOtherBadContent() {
		String chatId = group(this.alice, this.bob);
		ResponseEntity<Map<String, Object>> blank = send(this.alice, chatId, "   ");
		ResponseEntity<Map<String, Object>> nul = send(this.alice, chatId, "a\u0000b");
		assertThat(problemFields(nul)).containsExactly("content");
		assertThat(nul.getBody().get("type")).isEqualTo(blank.getBody().get("type"));
		assertThat(nul.getBody().get("title")).isEqualTo(blank.getBody().get("title"));
		assertThat(messagesIn(chatId)).isEmpty();
	}

	@Test
	void lengthsCountCharactersNotUtf16Units() {
		String emoji = "\ud83d\ude00";
		String chatId = group(this.alice, this.bob);
		assertThat(send(this.alice, chatId, emoji.repeat(4000)).getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(problemFields(send(this.alice, chatId, emoji.repeat(4001)))).containsExactly("content");
		assertThat(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "title", emoji.repeat(200), "memberIds", List.of()))
			.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(problemFields(call(this.alice, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "title", emoji.repeat(201), "memberIds", List.of()))))
			.containsExactly("title");
	}

	private List<Map<String, Object>> messagesIn(String chatId) {
		return (List<Map<String, Object>>) call(this.alice, HttpMethod.GET, "/api/chats/" + chatId + "/messages", null)
			.getBody()
			.get("items");
	}

	private String group(UUID owner, UUID... members) {
		ResponseEntity<Map<String, Object>> created = call(owner, HttpMethod.POST, "/api/chats",
				Map.of("type", "group", "title", "team", "memberIds", List.of(members)));
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		return (String) created.getBody().get("id");
	}

	private ResponseEntity<Map<String, Object>> send(UUID sender, String chatId, String content) {
		return call(sender, HttpMethod.POST, "/api/chats/" + chatId + "/messages", Map.of("content", content));
	}

	private ResponseEntity<Map<String, Object>> call(UUID user, HttpMethod method, String uri, Object body) {
		RestClient.RequestBodySpec request = this.http.method(method)
			.uri(uri)
			.header("Authorization", "Bearer " + ChatsTestSupport.token(user));
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.retrieve().toEntity(new ParameterizedTypeReference<>() {
		});
	}

	private static List<Long> seqs(Map<String, Object> page) {
		return ((List<Map<String, Object>>) page.get("items")).stream()
			.map((m) -> ((Number) m.get("seq")).longValue())
			.toList();
	}

	private static List<String> problemFields(ResponseEntity<Map<String, Object>> response) {
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		return ((List<Map<String, Object>>) response.getBody().get("errors")).stream()
			.map((e) -> (String) e.get("field"))
			.toList();
	}

}
