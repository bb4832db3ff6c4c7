package io.chatapp.users.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.chatapp.servicedefaults.web.FieldProblem;
import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

@WebMvcTest(UserController.class)
class UserControllerTests {

	static final UUID ALICE_ID = UUID.fromString("11111111-1111-4111-8111-111111111111");

	static final User ALICE = new User(ALICE_ID, "alice", "Alice", "alice@example.com", "{noop}x", null, "Hi",
			PresenceStatus.ONLINE, Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-01T00:00:00Z"));

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	UserService service;

	@MockitoBean
	JwtDecoder jwtDecoder;

	@Test
	void registerAnswers201WithLocationAndTheUsersOwnView() {
		given(this.service.register(any())).willReturn(ALICE);
		MvcTestResult result = this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"Alice","email":"alice@example.com","password":"long enough"}""").exchange();
		assertThat(result).hasStatus(HttpStatus.CREATED)
			.hasHeader("Location", "/api/users/" + ALICE_ID)
			.bodyJson()
			.extractingPath("$.email")
			.isEqualTo("alice@example.com");
		assertThat(result).bodyJson().extractingPath("$.presence.status").isEqualTo("online");
	}

	@Test
	void registerNamesEveryInvalidField() {
		MvcTestResult result = this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"a!","email":"not-an-email","password":"short","displayName":"   "}""").exchange();
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.contains("username", "email", "password", "displayName");
		then(this.service).should(never()).register(any());
	}

	@Test
	void registerRejectsControlCharactersNamingEachField() {
		MvcTestResult result = this.mvc.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.content(
					"""
							{"username":"al\\u0001ice","displayName":"\\u0001","email":"a\\u0000b@example.com","password":"long enough"}""")
			.exchange();
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsOnly("username", "displayName", "email");
		assertThat(result).bodyJson()
			.extractingPath("$.errors[?(@.field == 'displayName')].message")
			.asArray()
			.containsExactly("must not contain control characters");
		then(this.service).should(never()).register(any());
	}

	@Test
	void registerRejectsADisplayNameThatIsBlankOnceStripped() {
		// An ideographic space is white space, though not to String.trim().
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"alice","displayName":" \\u3000 ","email":"alice@example.com","password":"long enough"}"""))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].message")
			.asArray()
			.containsExactly("must not be blank");
		then(this.service).should(never()).register(any());
	}

	@Test
	void registerAcceptsLettersAndEmojiInTheDisplayName() {
		given(this.service.register(any())).willReturn(ALICE);
		assertThat(this.mvc.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.content(
					"""
							{"username":"alice","displayName":"Zo\\u00EB \\uD83D\\uDE00","email":"alice@example.com","password":"long enough"}"""))
			.hasStatus(HttpStatus.CREATED);
	}

	@Test
	void registerRejectsAnUnpairedSurrogateNamingTheField() {
		// displayName, email, password, and the field that is bad
		String[][] cases = { { "Al\\uD83D", "alice@example.com", "long enough", "displayName" },
				{ "Alice", "a\\uDC00@example.com", "long enough", "email" },
				{ "Alice", "alice@example.com", "long enough\\uD800", "password" } };
		for (String[] bad : cases) {
			String body = """
					{"username":"alice","displayName":"%s","email":"%s","password":"%s"}""".formatted(bad[0], bad[1],
					bad[2]);
			assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content(body)).as(body)
				.hasStatus(HttpStatus.BAD_REQUEST)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.extractingPath("$.errors[*].field")
				.asArray()
				.containsExactly(bad[3]);
		}
		then(this.service).should(never()).register(any());
	}

	@Test
	void registerCountsPasswordCharactersAsCodePoints() {
		given(this.service.register(any())).willReturn(ALICE);
		String fourEmoji = "\\uD83D\\uDE00".repeat(4);
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"alice","email":"alice@example.com","password":"%s"}""".formatted(fourEmoji)))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactly("password");
		then(this.service).should(never()).register(any());

		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"alice","email":"alice@example.com","password":"%s"}""".formatted(fourEmoji.repeat(2))))
			.hasStatus(HttpStatus.CREATED);
	}

	@Test
	void registerAcceptsADisplayNameOf64Emoji() {
		given(this.service.register(any())).willReturn(ALICE);
		assertThat(this.mvc.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"username":"alice","displayName":"%s","email":"alice@example.com","password":"long enough"}"""
				.formatted("\\uD83D\\uDE00".repeat(64))))
			.hasStatus(HttpStatus.CREATED);
	}

	@Test
	void registerWithMissingFieldsIs400() {
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.contains("username", "email", "password");
	}

	@Test
	void registerConflictIs409NamingTheField() {
		given(this.service.register(any())).willThrow(ProblemException.conflict("Username is already taken",
				List.of(new FieldProblem("username", "is already taken"))));
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"alice","email":"alice@example.com","password":"long enough"}"""))
			.hasStatus(HttpStatus.CONFLICT)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("username");
	}

	@Test
	void malformedJsonIs400() {
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content("{\"username\":"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("Request body is not valid JSON");
	}

	@Test
	void wrongContentTypeIs415() {
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.TEXT_PLAIN).content("alice"))
			.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void bodyOver64KiBIs413() {
		String huge = "{\"username\":\"" + "a".repeat(70 * 1024) + "\"}";
		assertThat(this.mvc.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).content(huge))
			.hasStatus(HttpStatus.CONTENT_TOO_LARGE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		then(this.service).should(never()).register(any());
	}

	@Test
	void meNeedsAToken() {
		assertThat(this.mvc.get().uri("/api/users/me")).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("WWW-Authenticate", "Bearer");
	}

	@Test
	void meShowsTheCallerWithEmail() {
		given(this.service.get(ALICE_ID)).willReturn(ALICE);
		assertThat(this.mvc.get().uri("/api/users/me").with(jwt().jwt((token) -> token.subject(ALICE_ID.toString()))))
			.hasStatusOk()
			.bodyJson()
			.extractingPath("$.email")
			.isEqualTo("alice@example.com");
	}

	@Test
	void anotherUserIsShownWithoutEmail() {
		given(this.service.get(ALICE_ID)).willReturn(ALICE);
		MvcTestResult result = this.mvc.get()
			.uri("/api/users/" + ALICE_ID)
			.with(jwt().jwt((token) -> token.subject(UUID.randomUUID().toString())))
			.exchange();
		assertThat(result).hasStatusOk().bodyJson().doesNotHavePath("$.email");
		assertThat(result).bodyJson().extractingPath("$.username").isEqualTo("alice");
	}

	@Test
	void unknownUserIs404() {
		UUID unknown = UUID.randomUUID();
		given(this.service.get(unknown)).willThrow(ProblemException.notFound("No user with id " + unknown));
		assertThat(this.mvc.get().uri("/api/users/" + unknown).with(jwt())).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void invalidUuidInPathIs400NamingIt() {
		assertThat(this.mvc.get().uri("/api/users/not-a-uuid").with(jwt())).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("id");
	}

	@Test
	void updateProfileValidatesEachField() {
		assertThat(this.mvc.patch()
			.uri("/api/users/me")
			.with(jwt().jwt((token) -> token.subject(ALICE_ID.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"displayName":"","avatarUrl":"ftp://x","statusMessage":"%s"}""".formatted("s".repeat(141))))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.contains("displayName", "avatarUrl", "statusMessage");
	}

	@Test
	void updateProfileRejectsControlCharactersNamingEachField() {
		MvcTestResult result = this.mvc.patch()
			.uri("/api/users/me")
			.with(jwt().jwt((token) -> token.subject(ALICE_ID.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content(
					"""
							{"displayName":"\\u0001","avatarUrl":"https://img.example.com/\\u0000","statusMessage":"a\\u0000b"}""")
			.exchange();
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactlyInAnyOrder("displayName", "avatarUrl", "statusMessage");
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].message")
			.asArray()
			.containsOnly("must not contain control characters");
		then(this.service).should(never()).updateProfile(any(), any());
	}

	@Test
	void updateProfileRejectsAnUnpairedSurrogateNamingTheField() {
		for (String[] bad : new String[][] { { "displayName", "\\uDE00 Alice" },
				{ "avatarUrl", "https://img.example.com/\\uD83D" }, { "statusMessage", "hi \\uDFFF" } }) {
			assertThat(this.mvc.patch()
				.uri("/api/users/me")
				.with(jwt().jwt((token) -> token.subject(ALICE_ID.toString())))
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"%s\":\"%s\"}".formatted(bad[0], bad[1]))).hasStatus(HttpStatus.BAD_REQUEST)
				.bodyJson()
				.extractingPath("$.errors[*].field")
				.asArray()
				.containsExactly(bad[0]);
		}
		then(this.service).should(never()).updateProfile(any(), any());
	}

	@Test
	void updateProfileReturnsTheUpdatedUser() {
		User renamed = new User(ALICE_ID, "alice", "Alice B", "alice@example.com", "{noop}x", null, null,
				PresenceStatus.ONLINE, null, ALICE.createdAt());
		given(this.service.updateProfile(eq(ALICE_ID), any())).willReturn(renamed);
		assertThat(this.mvc.patch()
			.uri("/api/users/me")
			.with(jwt().jwt((token) -> token.subject(ALICE_ID.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"displayName":"Alice B"}""")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.displayName")
			.isEqualTo("Alice B");
	}

	@Test
	void presenceAcceptsKnownStatuses() {
		given(this.service.setPresence(ALICE_ID, PresenceStatus.AWAY)).willReturn(ALICE);
		assertThat(this.mvc.put()
			.uri("/api/users/me/presence")
			.with(jwt().jwt((token) -> token.subject(ALICE_ID.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"status\":\"away\"}")).hasStatusOk();
		then(this.service).should().setPresence(ALICE_ID, PresenceStatus.AWAY);
	}

	@Test
	void presenceRejectsUnknownAndMissingStatus() {
		assertThat(this.mvc.put()
			.uri("/api/users/me/presence")
			.with(jwt())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"status\":\"sleeping\"}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("status");
		assertThat(this.mvc.put()
			.uri("/api/users/me/presence")
			.with(jwt())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{}")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void searchReturnsItemsWithoutEmails() {
		given(this.service.search("al", 20)).willReturn(List.of(ALICE));
		MvcTestResult result = this.mvc.get().uri("/api/users?search=al").with(jwt()).exchange();
		assertThat(result).hasStatusOk().bodyJson().extractingPath("$.items[0].username").isEqualTo("alice");
		assertThat(result).bodyJson().doesNotHavePath("$.items[0].email");
	}

	@Test
	void searchValidatesItsParameters() {
		assertThat(this.mvc.get().uri("/api/users").with(jwt())).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("search");
		assertThat(this.mvc.get().uri("/api/users?search=al&limit=0").with(jwt())).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("limit");
		assertThat(this.mvc.get().uri("/api/users?search=al&limit=many").with(jwt())).hasStatus(HttpStatus.BAD_REQUEST);
		then(this.service).should(never()).search(any(), anyInt());
	}

	@Test
	void searchRejectsControlCharactersAndUnpairedSurrogatesLikeABlankSearch() {
		for (String search : List.of("\u0000", "al\u0000", "a\u0007", "\u001b[31m", "al\uD800", "\uDC00")) {
			assertThat(this.mvc.get().uri("/api/users").param("search", search).with(jwt()))
				.as("search %s", search.codePoints().boxed().toList())
				.hasStatus(HttpStatus.BAD_REQUEST)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.extractingPath("$.errors[0].field")
				.isEqualTo("search");
		}
		then(this.service).should(never()).search(any(), anyInt());
	}

	@Test
	void searchAcceptsAnyOtherText() {
		given(this.service.search(any(), anyInt())).willReturn(List.of());
		for (String search : List.of("\uFFFD", "\u202Eila", "Zo\u00EB", "\uD83D\uDE00")) {
			assertThat(this.mvc.get().uri("/api/users").param("search", search).with(jwt())).hasStatusOk();
		}
	}

	@Test
	void wrongMethodIs405() {
		assertThat(this.mvc.delete().uri("/api/users/me").with(jwt())).hasStatus(HttpStatus.METHOD_NOT_ALLOWED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
