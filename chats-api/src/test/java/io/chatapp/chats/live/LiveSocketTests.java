package io.chatapp.chats.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.chats.users.UserDirectory;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.BDDMockito.given;

/**
 * The {@code /ws} protocol on a real server and PostgreSQL: the handshake, delivery to
 * every socket of every member, typing, and each refusal and limit with its documented
 * error frame or close code.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chatapp.chats.chat-creations-per-minute=1000",
				"chatapp.chats.sends-per-minute=100000", "chatapp.chats.live.auth-timeout=2s",
				"chatapp.chats.live.idle-timeout=6s", "chatapp.chats.live.queue-bytes=65536",
				"chatapp.chats.live.max-sockets=30", "spring.grpc.client.channel.users.target=static://127.0.0.1:1" })
@Import({ ChatsTestSupport.TestTokens.class, LiveSocketTests.KeptSpans.class })
class LiveSocketTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@MockitoBean
	UserDirectory users;

	@Autowired
	LiveSessions sessions;

	@Autowired
	InMemorySpanExporter spans;

	@Autowired
	JdbcClient jdbc;

	RestClient http;

	final UUID alice = UUID.randomUUID();

	final UUID bob = UUID.randomUUID();

	final UUID carol = UUID.randomUUID();

	final List<SocketClient> clients = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
		given(this.users.unknown(anyCollection())).willReturn(Set.of());
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(SocketClient::close);
	}

	@Test
	void membersGetEachOthersMessagesOnEverySocketWithTheTokenAfterEach() {
		String chat = chat("direct", this.alice, this.bob);
		SocketClient alicePhone = ready(this.alice);
		SocketClient aliceLaptop = ready(this.alice);
		SocketClient bobSocket = ready(this.bob);
		SocketClient carolSocket = ready(this.carol);

		send(this.alice, chat, "hi bob");
		send(this.bob, chat, "hi alice");

		for (SocketClient socket : List.of(alicePhone, aliceLaptop, bobSocket)) {
			JsonNode first = socket.await(LiveSocketTests::isMessage, WAIT);
			JsonNode second = socket.await(LiveSocketTests::isMessage, WAIT);
			assertThat(List.of(first, second)).extracting((frame) -> frame.path("event").path("data").toString())
				.satisfiesExactly((data) -> assertThat(data).contains("hi bob"),
						(data) -> assertThat(data).contains("hi alice"));
			assertThat(first.path("syncToken").asString()).isNotBlank();
			// The token after an event is where sync goes on: nothing of this chat
			// after the second message.
			Map<String, Object> rest = sync(this.alice, second.path("syncToken").asString());
			assertThat((List<?>) rest.get("events")).isEmpty();
			Map<String, Object> fromFirst = sync(this.alice, first.path("syncToken").asString());
			assertThat(fromFirst.get("events").toString()).contains("hi alice").doesNotContain("hi bob");
		}
		assertThat(carolSocket.frames).as("a non-member gets nothing").isEmpty();
	}

	@Test
	void theReadyTokenSyncsExactlyWhatTheSocketThenDelivers() {
		String chat = chat("group", this.alice, this.bob, this.carol);
		send(this.alice, chat, "before the socket");
		SocketClient bobSocket = ready(this.bob);
		for (int i = 0; i < 20; i++) {
			send((i % 2 == 0) ? this.alice : this.carol, chat, "live " + i);
		}
		Set<String> delivered = new HashSet<>();
		while (delivered.size() < 20) {
			delivered.add(bobSocket.await(LiveSocketTests::isMessage, WAIT).path("event").path("id").asString());
		}
		List<Map<String, Object>> synced = events(sync(this.bob, bobSocket.ready.path("syncToken").asString()));
		assertThat(synced).extracting((event) -> (String) event.get("id"))
			.containsExactlyInAnyOrderElementsOf(delivered);
	}

	@Test
	void aMemberAddedLaterGetsEventsFromTheirJoiningOnAndAMemberRemovedStops() {
		String chat = chat("group", this.alice, this.bob);
		SocketClient carolSocket = ready(this.carol);
		send(this.alice, chat, "before carol");
		call(this.alice, HttpMethod.POST, "/api/chats/" + chat + "/members", Map.of("userIds", List.of(this.carol)));
		send(this.alice, chat, "after carol joined");
		JsonNode added = carolSocket
			.await((frame) -> "chat.member_added".equals(frame.path("event").path("type").asString()), WAIT);
		assertThat(added.path("event").path("chatId").asString()).isEqualTo(chat);
		assertThat(carolSocket.await(LiveSocketTests::isMessage, WAIT).path("event").toString())
			.contains("after carol joined");
		call(this.alice, HttpMethod.DELETE, "/api/chats/" + chat + "/members/" + this.carol, null);
		carolSocket.await((frame) -> "chat.member_removed".equals(frame.path("event").path("type").asString()), WAIT);
		send(this.alice, chat, "after carol left");
		SocketClient bobSocket = ready(this.bob);
		send(this.alice, chat, "marker");
		bobSocket.await((frame) -> isMessage(frame) && frame.toString().contains("marker"), WAIT);
		assertThat(carolSocket.frames).noneMatch((frame) -> frame.toString().contains("after carol left"))
			.noneMatch((frame) -> frame.toString().contains("marker"));
	}

	@Test
	void typingReachesTheOtherMembersOnceEveryIntervalAndExpires() {
		String chat = chat("group", this.alice, this.bob, this.carol);
		SocketClient aliceSocket = ready(this.alice);
		SocketClient bobSocket = ready(this.bob);
		for (int i = 0; i < 5; i++) {
			aliceSocket.send("{\"type\":\"typing\",\"chatId\":\"" + chat + "\"}");
		}
		JsonNode typing = bobSocket.await(LiveSocketTests::isTyping, WAIT).path("event");
		assertThat(typing.path("chatId").asString()).isEqualTo(chat);
		assertThat(typing.path("userId").asString()).isEqualTo(this.alice.toString());
		assertThat(Instant.parse(typing.path("data").path("expiresAt").asString()))
			.isAfter(Instant.parse(typing.path("occurredAt").asString()));
		// A ping round trip after the typing frames: everything sent before it has been
		// handled.
		aliceSocket.send("{\"type\":\"ping\"}");
		aliceSocket.await((frame) -> "pong".equals(frame.path("type").asString()), WAIT);
		send(this.alice, chat, "marker");
		bobSocket.await((frame) -> isMessage(frame) && frame.toString().contains("marker"), WAIT);
		assertThat(bobSocket.frames).as("the other four were within the interval").noneMatch(LiveSocketTests::isTyping);
		assertThat(aliceSocket.frames).as("nobody hears their own typing").noneMatch(LiveSocketTests::isTyping);
	}

	@Test
	void framesTheServerCannotUseGetAnErrorFrameAndTheSocketStaysOpen() {
		String bobsChat = chat("direct", this.bob, this.carol);
		SocketClient socket = ready(this.alice);
		socket.send("not json");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("bad_frame");
		socket.send("[1,2]");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("bad_frame");
		socket.send("{\"type\":42}");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("bad_frame");
		socket.send("{\"type\":\"shout\"}");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("unknown_type");
		socket.send("{\"type\":\"typing\",\"chatId\":\"nope\"}");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("bad_frame");
		socket.send("{\"type\":\"typing\",\"chatId\":\"" + bobsChat + "\"}");
		assertThat(socket.next(WAIT).path("code").asString()).as("not a member").isEqualTo("not_found");
		socket.send("{\"type\":\"auth\",\"token\":\"" + ChatsTestSupport.token(this.alice) + "\"}");
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("already_authenticated");
		socket.sendBinary(new byte[] { 1, 2, 3 });
		assertThat(socket.next(WAIT).path("code").asString()).isEqualTo("bad_frame");
		socket.send("{\"type\":\"ping\"}");
		assertThat(socket.next(WAIT).path("type").asString()).isEqualTo("pong");
		assertThat(socket.closed).isNotDone();
	}

	@Test
	void badOrMissingAuthenticationClosesWith4401() {
		SocketClient forged = connect();
		forged.send("{\"type\":\"auth\",\"token\":\"" + tokenSignedByAnotherKey(this.alice) + "\"}");
		assertThat(forged.closeCode(WAIT)).isEqualTo(4401);

		SocketClient garbage = connect();
		garbage.send("{\"type\":\"auth\",\"token\":\"abc.def.ghi\"}");
		assertThat(garbage.closeCode(WAIT)).isEqualTo(4401);

		SocketClient noToken = connect();
		noToken.send("{\"type\":\"auth\"}");
		assertThat(noToken.closeCode(WAIT)).isEqualTo(4401);

		SocketClient pingFirst = connect();
		pingFirst.send("{\"type\":\"ping\"}");
		assertThat(pingFirst.closeCode(WAIT)).isEqualTo(4401);

		SocketClient silent = connect();
		assertThat(silent.closeCode(WAIT)).as("no auth within the auth timeout").isEqualTo(4401);
		assertThat(silent.frames).isEmpty();
	}

	@Test
	void anExpiredTokenIsRefusedAndATokenThatExpiresClosesTheSocket() {
		SocketClient expired = connect();
		expired.send("{\"type\":\"auth\",\"token\":\"" + ChatsTestSupport.token(this.alice, Duration.ofSeconds(-120))
				+ "\"}");
		assertThat(expired.closeCode(WAIT)).isEqualTo(4401);

		SocketClient expiring = SocketClient.ready(this.port,
				ChatsTestSupport.token(this.alice, Duration.ofSeconds(2)));
		this.clients.add(expiring);
		assertThat(expiring.closeCode(WAIT)).isEqualTo(4401);
	}

	@Test
	void limitsCloseWithTheirDocumentedCodes() {
		SocketClient huge = ready(this.alice);
		huge.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
		assertThat(huge.closeCode(WAIT)).as("a frame over 4 KiB").isEqualTo(1009);

		SocketClient binary = ready(this.alice);
		binary.sendBinary(new byte[1024]);
		assertThat(binary.closeCode(WAIT)).as("a binary frame over 256 bytes").isEqualTo(1009);

		SocketClient flood = ready(this.alice);
		for (int i = 0; i < 100 && !flood.closed.isDone(); i++) {
			flood.send("{\"type\":\"ping\"}");
		}
		assertThat(flood.closeCode(WAIT)).as("more than the burst of frames").isEqualTo(4429);

		SocketClient idle = ready(this.alice);
		assertThat(idle.closeCode(Duration.ofSeconds(15))).as("silent past the idle timeout").isEqualTo(4408);
	}

	@Test
	void anInstanceHoldingAsManySocketsAsItMayClosesTheNextWith1013() {
		await().atMost(WAIT).until(() -> this.sessions.size() == 0);
		for (int i = 0; i < 30; i++) {
			ready(this.alice);
		}
		SocketClient oneTooMany = connect();
		assertThat(oneTooMany.closeCode(WAIT)).isEqualTo(1013);
		this.clients.remove(0).close();
		await().atMost(WAIT).until(() -> this.sessions.size() < 30);
		ready(this.bob);
	}

	@Test
	void aStalledSocketIsClosedForResyncWithoutDelayingTheOthers() throws Exception {
		String chat = chat("group", this.alice, this.bob, this.carol);
		SocketClient stalled = ready(this.bob);
		stalled.stall();
		SocketClient healthy = ready(this.carol);
		String content = "y".repeat(3900);
		int messages = 200;
		Set<String> received = new HashSet<>();
		for (int i = 0; i < messages; i++) {
			send(this.alice, chat, i + content);
			// The healthy socket keeps up while the stalled one's queue fills.
			while (healthy.frames.peek() != null) {
				JsonNode frame = healthy.next(WAIT);
				if (isMessage(frame)) {
					received.add(frame.path("event").path("id").asString());
				}
			}
			if (i % 20 == 0) {
				healthy.send("{\"type\":\"ping\"}");
			}
		}
		while (received.size() < messages) {
			JsonNode frame = healthy.await(LiveSocketTests::isMessage, WAIT);
			received.add(frame.path("event").path("id").asString());
		}
		assertThat(received).hasSize(messages);
		// 200 frames of 4 KB overflow the stalled socket's 64 KiB queue (plus what the
		// network buffers hold): the server gives up on it, and the client, once it
		// reads again, learns to resync (or finds the connection gone).
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> this.sessions.count(this.bob) == 0);
		assertThat(this.sessions.count(this.carol)).isEqualTo(1);
	}

	private SocketClient connect() {
		SocketClient client = SocketClient.connect(this.port);
		this.clients.add(client);
		return client;
	}

	@Test
	void aDeliveredEventContinuesTheTraceOfTheRequestThatMadeIt() {
		String chat = chat("direct", this.alice, this.bob);
		SocketClient bobSocket = ready(this.bob);
		String traceId = UUID.randomUUID().toString().replace("-", "");
		String callerSpan = traceId.substring(0, 16);

		ResponseEntity<Map<String, Object>> sent = this.http.post()
			.uri("/api/chats/" + chat + "/messages")
			.header("Authorization", "Bearer " + ChatsTestSupport.token(this.alice))
			.header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("content", "traced"))
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(sent.getStatusCode().value()).isEqualTo(201);
		String eventId = bobSocket.await(LiveSocketTests::isMessage, WAIT).path("event").path("id").asString();

		String stored = this.jdbc.sql("SELECT traceparent FROM outbox WHERE event_id = CAST(:id AS uuid)")
			.param("id", eventId)
			.query(String.class)
			.single();
		assertThat(stored).startsWith("00-" + traceId + "-");
		SpanData deliver = await().atMost(WAIT)
			.until(() -> this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getTraceId().equals(traceId) && span.getName().equals("deliver message.created"))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
		assertThat(deliver.getParentSpanId()).as("the span that wrote the event").isEqualTo(stored.substring(36, 52));
		assertThat(deliver.getKind()).isEqualTo(SpanKind.PRODUCER);
		assertThat(deliver.getAttributes().get(LiveSessions.SOCKETS)).isEqualTo(1L);
		assertThat(deliver.getAttributes().get(LiveSessions.WAITED)).isNotNull().isGreaterThanOrEqualTo(0L);
	}

	private SocketClient ready(UUID user) {
		SocketClient client = SocketClient.ready(this.port, ChatsTestSupport.token(user));
		this.clients.add(client);
		return client;
	}

	private String chat(String type, UUID owner, UUID... members) {
		Map<String, Object> chat = call(owner, HttpMethod.POST, "/api/chats",
				"group".equals(type) ? Map.of("type", type, "title", "t", "memberIds", List.of(members))
						: Map.of("type", type, "memberIds", List.of(members)));
		return (String) chat.get("id");
	}

	private void send(UUID sender, String chat, String content) {
		Map<String, Object> sent = call(sender, HttpMethod.POST, "/api/chats/" + chat + "/messages",
				Map.of("content", content));
		assertThat(sent).containsKey("seq");
	}

	private Map<String, Object> sync(UUID user, String since) {
		return call(user, HttpMethod.GET, "/api/sync?since=" + since, null);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> events(Map<String, Object> sync) {
		return (List<Map<String, Object>>) sync.get("events");
	}

	private Map<String, Object> call(UUID user, HttpMethod method, String uri, Object body) {
		RestClient.RequestBodySpec request = this.http.method(method)
			.uri(uri)
			.header("Authorization", "Bearer " + ChatsTestSupport.token(user));
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		Map<String, Object> response = request.retrieve().body(new ParameterizedTypeReference<>() {
		});
		return (response != null) ? response : Map.of();
	}

	private static boolean isMessage(JsonNode frame) {
		return "message.created".equals(frame.path("event").path("type").asString());
	}

	private static boolean isTyping(JsonNode frame) {
		return "typing".equals(frame.path("event").path("type").asString());
	}

	private static String tokenSignedByAnotherKey(UUID user) {
		try {
			RSAKey other = new RSAKeyGenerator(2048).keyID("test").generate();
			NimbusJwtEncoder encoder = new NimbusJwtEncoder(
					new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(new com.nimbusds.jose.jwk.JWKSet(other)));
			Instant now = Instant.now();
			JwtClaimsSet claims = JwtClaimsSet.builder()
				.issuer("chatapp-users")
				.audience(List.of("chatapp"))
				.subject(user.toString())
				.issuedAt(now)
				.expiresAt(now.plusSeconds(600))
				.build();
			return encoder
				.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("test").build(),
						claims))
				.getTokenValue();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Keeps the spans the instance exports, as a collector would receive them. */
	@TestConfiguration(proxyBeanMethods = false)
	static class KeptSpans {

		@Bean
		InMemorySpanExporter spanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
