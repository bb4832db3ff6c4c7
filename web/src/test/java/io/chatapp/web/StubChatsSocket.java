package io.chatapp.web;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A stand-in for chats-api's {@code /ws}: a real WebSocket server in an application
 * context of its own, driven by the frames a test sends through the relay. Not a
 * {@code @Configuration}, so the gateway's component scan leaves it alone.
 *
 * <ul>
 * <li>{@code close:<code>} closes the socket with that code</li>
 * <li>{@code burst:<n>} sends {@code m0} .. {@code m<n-1>} as fast as it can</li>
 * <li>{@code big:<n>} sends one message of {@code n} characters</li>
 * <li>{@code headers} answers with the handshake's {@code Origin} and
 * {@code X-Forwarded-For}</li>
 * <li>anything else is echoed as {@code echo:<text>}</li>
 * </ul>
 */
@EnableAutoConfiguration
@EnableWebSocket
class StubChatsSocket implements WebSocketConfigurer {

	/** The close statuses the stub's sockets ended with, in order. */
	static final BlockingQueue<CloseStatus> closes = new LinkedBlockingQueue<>();

	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(StubChatsSocket.class)
			.properties(Map.of("server.port", "0", "spring.application.name", "stub-chats-api",
					"spring.main.banner-mode", "off"))
			.run();
	}

	static String url(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(new Handler(), "/ws");
	}

	private static final class Handler extends TextWebSocketHandler {

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			String text = message.getPayload();
			if (text.startsWith("close:")) {
				session.close(new CloseStatus(Integer.parseInt(text.substring(6)), "closed by chats-api"));
			}
			else if (text.startsWith("burst:")) {
				for (int i = 0; i < Integer.parseInt(text.substring(6)); i++) {
					session.sendMessage(new TextMessage("m" + i));
				}
			}
			else if (text.startsWith("big:")) {
				session.sendMessage(new TextMessage("x".repeat(Integer.parseInt(text.substring(4)))));
			}
			else if (text.equals("headers")) {
				session.sendMessage(new TextMessage("origin=" + session.getHandshakeHeaders().getOrigin()
						+ " forwarded-for=" + session.getHandshakeHeaders().getFirst("X-Forwarded-For")));
			}
			else {
				session.sendMessage(new TextMessage("echo:" + text));
			}
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			closes.add(status);
		}

	}

}
