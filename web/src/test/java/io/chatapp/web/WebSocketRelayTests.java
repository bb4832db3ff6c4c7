package io.chatapp.web;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code /ws} relay over real sockets: a browser-like client on the gateway's port, a
 * stand-in chats-api WebSocket server behind it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSocketRelayTests {

	private static final ConfigurableApplicationContext chatsApi = StubChatsSocket.start();

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketRelay relay;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry registry) {
		registry.add("chatapp.web.chats-api-urls", () -> StubChatsSocket.url(chatsApi));
	}

	@AfterAll
	static void stopUpstream() {
		chatsApi.close();
	}

	private final List<TestSocket> sockets = new ArrayList<>();

	@BeforeEach
	void forgetCloses() {
		StubChatsSocket.closes.clear();
	}

	@AfterEach
	void closeSockets() {
		this.sockets.forEach((socket) -> socket.socket.abort());
		await().untilAsserted(() -> assertThat(this.relay.openSockets()).isZero());
	}

	private TestSocket connect(String origin) throws Exception {
		TestSocket socket = TestSocket.connect(this.port, origin);
		this.sockets.add(socket);
		return socket;
	}

	@Test
	void framesPassBothWays() throws Exception {
		TestSocket socket = connect(null);

		socket.send("{\"type\":\"auth\",\"token\":\"t\"}");
		socket.send("{\"type\":\"ping\"}");

		assertThat(socket.next()).isEqualTo("echo:{\"type\":\"auth\",\"token\":\"t\"}");
		assertThat(socket.next()).isEqualTo("echo:{\"type\":\"ping\"}");
	}

	@Test
	void aBurstFromChatsApiArrivesWholeAndInOrder() throws Exception {
		TestSocket socket = connect(null);

		socket.send("burst:2000");

		for (int i = 0; i < 2000; i++) {
			assertThat(socket.next()).isEqualTo("m" + i);
		}
	}

	@Test
	void aLargeMessageFromChatsApiArrivesAsOneMessage() throws Exception {
		TestSocket socket = connect(null);

		socket.send("big:200000");

		assertThat(socket.next()).hasSize(200_000);
	}

	@ParameterizedTest
	@ValueSource(ints = { 4401, 4408, 4409, 4429, 1009, 1001, 1000 })
	void chatsApisCloseCodeReachesTheBrowserUnchanged(int code) throws Exception {
		TestSocket socket = connect(null);

		socket.send("close:" + code);

		assertThat(socket.awaitClose()).isEqualTo(code);
		await().untilAsserted(() -> assertThat(this.relay.openSockets()).isZero());
	}

	@ParameterizedTest
	@ValueSource(ints = { 1000, 1001, 4000 })
	void theBrowsersCloseCodeReachesChatsApi(int code) throws Exception {
		TestSocket socket = connect(null);
		socket.send("hello");
		assertThat(socket.next()).isEqualTo("echo:hello");

		socket.socket.sendClose(code, "bye").get(5, TimeUnit.SECONDS);

		CloseStatus received = StubChatsSocket.closes.poll(10, TimeUnit.SECONDS);
		assertThat(received).isNotNull();
		assertThat(received.getCode()).isEqualTo(code);
		await().untilAsserted(() -> assertThat(this.relay.openSockets()).isZero());
	}

	@Test
	void aBrowserThatDropsTheConnectionClosesItsChatsApiSocket() throws Exception {
		TestSocket socket = connect(null);
		socket.send("hello");
		assertThat(socket.next()).isEqualTo("echo:hello");

		socket.socket.abort();

		CloseStatus received = StubChatsSocket.closes.poll(10, TimeUnit.SECONDS);
		assertThat(received).isNotNull();
		assertThat(received.getCode()).isEqualTo(1001);
	}

	@Test
	void aFrameOverTheLimitFromTheBrowserClosesWith1009() throws Exception {
		TestSocket socket = connect(null);

		socket.socket.sendText("x".repeat(9 * 1024), true);

		assertThat(socket.awaitClose()).isEqualTo(1009);
	}

	@Test
	void aPageOfThisOriginMayConnect() throws Exception {
		TestSocket socket = connect("http://127.0.0.1:" + this.port);

		socket.send("headers");

		assertThat(socket.next()).isEqualTo("origin=null forwarded-for=127.0.0.1");
	}

	@Test
	void aPageOfAnotherOriginIsRefused() {
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> connect("http://evil.example"))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void aPageOfTheSameHostOnAnotherPortIsRefused() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> connect("http://127.0.0.1:" + (this.port + 1)))
			.havingCause()
			.isInstanceOf(WebSocketHandshakeException.class);
	}

	@Test
	void socketsAreCountedWhileOpen() throws Exception {
		TestSocket socket = connect(null);
		await().untilAsserted(() -> assertThat(this.relay.openSockets()).isEqualTo(1));

		socket.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);

		await().untilAsserted(() -> assertThat(this.relay.openSockets()).isZero());
	}

}
