package io.chatapp.chats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.chatapp.chats.users.UserDirectory;
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
import org.mockito.Mockito;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every chats-api endpoint fed what hostile or careless clients send (at least 1,000
 * requests each): hostile values of every type in every body field, bodies that are not
 * JSON, hostile path segments and query values, wrong content types. Never a 5xx, every
 * error a problem without internals, and what is accepted is stored exactly. jqwik prints
 * the seed of a failing run; {@code @Property(seed = "...")} replays it.
 */
class HostileInputTests {

	private static final int PER_ENDPOINT = 1_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static ConfigurableApplicationContext app;

	private static RawHttp http;

	private static final UUID ALICE = UUID.randomUUID();

	/** Never a member: removing him is a 404, so the fixture chat keeps its owner. */
	private static final UUID BOB = UUID.randomUUID();

	private static String token;

	private static String chatId;

	private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

	/**
	 * Method, path ({chat}, {seq}, {user}, {emoji} filled in), body fields, query
	 * parameters.
	 */
	private static final List<Endpoint> ENDPOINTS = List.of(
			new Endpoint("POST", "/api/chats", List.of("type", "title", "memberIds"), List.of()),
			new Endpoint("GET", "/api/chats", null, List.of("limit", "cursor")),
			new Endpoint("GET", "/api/chats/{chat}", null, List.of()),
			new Endpoint("POST", "/api/chats/{chat}/members", List.of("userIds"), List.of()),
			new Endpoint("DELETE", "/api/chats/{chat}/members/{user}", null, List.of()),
			new Endpoint("POST", "/api/chats/{chat}/read", List.of("seq"), List.of()),
			new Endpoint("POST", "/api/chats/{chat}/messages", List.of("content", "clientMessageId", "replyToSeq"),
					List.of()),
			new Endpoint("GET", "/api/chats/{chat}/messages", null, List.of("before", "after", "limit")),
			new Endpoint("PATCH", "/api/chats/{chat}/messages/{seq}", List.of("content"), List.of()),
			new Endpoint("DELETE", "/api/chats/{chat}/messages/{seq}", null, List.of()),
			new Endpoint("PUT", "/api/chats/{chat}/messages/{seq}/reactions/{emoji}", null, List.of()),
			new Endpoint("DELETE", "/api/chats/{chat}/messages/{seq}/reactions/{emoji}", null, List.of()),
			new Endpoint("GET", "/api/messages/search", null, List.of("q", "chatId", "limit")),
			new Endpoint("GET", "/api/sync", null, List.of("since", "timeout")),
			new Endpoint("GET", "/api/notifications", null, List.of("unreadOnly")),
			new Endpoint("POST", "/api/notifications/read", List.of("ids"), List.of()));

	@BeforeContainer
	static void start() throws Exception {
		EmbeddedPostgresServer server = ChatsTestSupport.database();
		app = new SpringApplicationBuilder(ChatsApiApplication.class, ChatsTestSupport.TestTokens.class,
				UsersStandIn.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.datasource.url=" + server.jdbcUrl(),
					"--spring.datasource.username=chats_app", "--spring.datasource.password=chats_app_test",
					"--chatapp.outbox.enabled=false", "--management.health.kafka.enabled=false",
					"--chatapp.chats.sends-per-minute=10000000", "--chatapp.chats.chat-creations-per-minute=10000000",
					"--chatapp.chats.sync-max-timeout=20ms", "--spring.main.banner-mode=off",
					"--logging.level.root=WARN");
		http = new RawHttp("127.0.0.1", ((WebServerApplicationContext) app).getWebServer().getPort());
		token = ChatsTestSupport.token(ALICE);
		RawHttp.Response chat = http.send("POST", "/api/chats", HostileInput.json(token),
				"{\"type\":\"group\",\"title\":\"fuzz\",\"memberIds\":[]}".getBytes(StandardCharsets.UTF_8));
		chatId = JSON.readTree(chat.body()).get("id").asString();
		http.send("POST", "/api/chats/" + chatId + "/messages", HostileInput.json(token),
				"{\"content\":\"first\"}".getBytes(StandardCharsets.UTF_8));
	}

	@AfterContainer
	static void stop() {
		if (app != null) {
			app.close();
		}
		assertThat(COUNTS).as("requests per endpoint").hasSize(ENDPOINTS.size());
		COUNTS.forEach((endpoint, count) -> assertThat(count.get()).as(endpoint).isGreaterThanOrEqualTo(PER_ENDPOINT));
	}

	@Property(tries = PER_ENDPOINT)
	void createChat(@ForAll("createChatRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> createChatRequests() {
		return requestsTo(ENDPOINTS.get(0));
	}

	@Property(tries = PER_ENDPOINT)
	void listChats(@ForAll("listChatsRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> listChatsRequests() {
		return requestsTo(ENDPOINTS.get(1));
	}

	@Property(tries = PER_ENDPOINT)
	void getChat(@ForAll("getChatRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> getChatRequests() {
		return requestsTo(ENDPOINTS.get(2));
	}

	@Property(tries = PER_ENDPOINT)
	void addMembers(@ForAll("addMembersRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> addMembersRequests() {
		return requestsTo(ENDPOINTS.get(3));
	}

	@Property(tries = PER_ENDPOINT)
	void removeMember(@ForAll("removeMemberRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> removeMemberRequests() {
		return requestsTo(ENDPOINTS.get(4));
	}

	@Property(tries = PER_ENDPOINT)
	void markRead(@ForAll("markReadRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> markReadRequests() {
		return requestsTo(ENDPOINTS.get(5));
	}

	@Property(tries = PER_ENDPOINT)
	void sendMessage(@ForAll("sendMessageRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> sendMessageRequests() {
		return requestsTo(ENDPOINTS.get(6));
	}

	@Property(tries = PER_ENDPOINT)
	void history(@ForAll("historyRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> historyRequests() {
		return requestsTo(ENDPOINTS.get(7));
	}

	@Property(tries = PER_ENDPOINT)
	void editMessage(@ForAll("editMessageRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> editMessageRequests() {
		return requestsTo(ENDPOINTS.get(8));
	}

	@Property(tries = PER_ENDPOINT)
	void deleteMessage(@ForAll("deleteMessageRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> deleteMessageRequests() {
		return requestsTo(ENDPOINTS.get(9));
	}

	@Property(tries = PER_ENDPOINT)
	void addReaction(@ForAll("addReactionRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> addReactionRequests() {
		return requestsTo(ENDPOINTS.get(10));
	}

	@Property(tries = PER_ENDPOINT)
	void removeReaction(@ForAll("removeReactionRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> removeReactionRequests() {
		return requestsTo(ENDPOINTS.get(11));
	}

	@Property(tries = PER_ENDPOINT)
	void search(@ForAll("searchRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> searchRequests() {
		return requestsTo(ENDPOINTS.get(12));
	}

	@Property(tries = PER_ENDPOINT)
	void sync(@ForAll("syncRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> syncRequests() {
		return requestsTo(ENDPOINTS.get(13));
	}

	@Property(tries = PER_ENDPOINT)
	void notifications(@ForAll("notificationsRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> notificationsRequests() {
		return requestsTo(ENDPOINTS.get(14));
	}

	@Property(tries = PER_ENDPOINT)
	void markNotificationsRead(@ForAll("markNotificationsReadRequests") Request request) throws Exception {
		check(request);
	}

	@Provide
	Arbitrary<Request> markNotificationsReadRequests() {
		return requestsTo(ENDPOINTS.get(15));
	}

	/**
	 * Never a 5xx, errors are problems without internals, and an accepted message is
	 * stored as sent.
	 */
	private static void check(Request request) throws Exception {
		COUNTS.computeIfAbsent(request.endpoint(), (e) -> new AtomicInteger()).incrementAndGet();
		RawHttp.Response response = http.send(request.method(), request.target(), request.headers(), request.body());
		assertThat(HostileInput.problemWith(response.status(), response.contentType(), response.body()))
			.as("%s %s (%s) %s -> %d %s", request.method(), request.target(),
					request.headers().getOrDefault("Content-Type", "no content type"), request.bodyText(),
					response.status(), response.body())
			.isNull();
		if (request.endpoint().equals("POST /api/chats/{chat}/messages") && response.status() == 201) {
			JsonNode content = JSON.readTree(request.body()).get("content");
			assertThat(content.isString()).as("accepted only as a JSON string: %s", request.bodyText()).isTrue();
			String sent = content.asString();
			assertThat(JSON.readTree(response.body()).get("content").asString()).as("echoed exactly").isEqualTo(sent);
			JsonNode stored = JSON
				.readTree(http.send("GET", "/api/chats/" + chatId + "/messages?limit=1", HostileInput.json(token), null)
					.body())
				.get("items")
				.get(0);
			assertThat(stored.get("content").asString()).as("stored exactly").isEqualTo(sent);
		}
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

	private static String queryOf(Endpoint endpoint, String value) {
		return endpoint.query().isEmpty() ? "" : "?" + endpoint.query().get(0) + "=" + value;
	}

	private static String query(Map<String, String> values) {
		List<String> pairs = new ArrayList<>();
		values.forEach((name, value) -> pairs.add(name + "=" + value));
		return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
	}

	record Endpoint(String method, String template, List<String> fields, List<String> query) {

		/**
		 * The path with one placeholder (chosen by the value's hash) replaced by a
		 * hostile part.
		 */
		String path(String hostile) {
			Map<String, String> values = new LinkedHashMap<>();
			values.put("{chat}", chatId);
			values.put("{seq}", "1");
			values.put("{user}", BOB.toString());
			values.put("{emoji}", "%F0%9F%91%8D");
			List<String> present = values.keySet().stream().filter(this.template::contains).toList();
			if (hostile != null && !present.isEmpty()) {
				values.put(present.get(Math.floorMod(hostile.hashCode(), present.size())), hostile);
			}
			String path = this.template;
			for (Map.Entry<String, String> value : values.entrySet()) {
				path = path.replace(value.getKey(), value.getValue());
			}
			return path;
		}

		byte[] validBody() {
			if (this.fields == null) {
				return null;
			}
			String body = switch (this.template) {
				case "/api/chats" -> "{\"type\":\"group\",\"memberIds\":[]}";
				case "/api/chats/{chat}/members" -> "{\"userIds\":[\"" + ALICE + "\"]}";
				case "/api/chats/{chat}/read" -> "{\"seq\":1}";
				case "/api/notifications/read" -> "{\"ids\":[\"" + UUID.randomUUID() + "\"]}";
				default -> "{\"content\":\"ok\"}";
			};
			return body.getBytes(StandardCharsets.UTF_8);
		}

		Request request(String path, String query, byte[] body, String contentType) {
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("Authorization", "Bearer " + token);
			if (contentType != null && body != null) {
				headers.put("Content-Type", contentType);
			}
			return new Request(this.method + " " + this.template, this.method, path + query, headers, body);
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
			return this.method + " " + this.target + " " + bodyText();
		}

	}

	/** users-api knows every id, so member checks pass and the request goes deeper. */
	@Configuration(proxyBeanMethods = false)
	static class UsersStandIn {

		@Bean
		@Primary
		UserDirectory everyoneExists() {
			return Mockito.mock(UserDirectory.class);
		}

	}

}
