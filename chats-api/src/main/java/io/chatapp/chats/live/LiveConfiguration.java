package io.chatapp.chats.live;

import io.chatapp.chats.ChatsProperties;
import jakarta.websocket.server.ServerContainer;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.context.ServletContextAware;

/**
 * The WebSocket endpoint {@code /ws} and its container limits.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class LiveConfiguration implements WebSocketConfigurer {

	/**
	 * Tomcat gives every socket three buffers of this size (frame input, frame output,
	 * text encoding), 8 KiB each unless the system property
	 * {@value #WEBSOCKET_BUFFER_PROPERTY} says otherwise; {@code main} sets it before the
	 * server starts. A frame larger than the buffer is read or written in pieces.
	 */
	static final String WEBSOCKET_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	static final int WEBSOCKET_BUFFER_BYTES = 2048;

	static final int CONNECTION_BUFFER_BYTES = 4096;

	static final int MAX_BINARY_FRAME_BYTES = 256;

	private final ChatSocketHandler handler;

	LiveConfiguration(ChatSocketHandler handler) {
		this.handler = handler;
	}

	/**
	 * Makes Tomcat's per-socket WebSocket buffers small, unless the system property is
	 * set already. Must run before the server starts.
	 */
	public static void smallWebSocketBuffers() {
		if (System.getProperty(WEBSOCKET_BUFFER_PROPERTY) == null) {
			System.setProperty(WEBSOCKET_BUFFER_PROPERTY, Integer.toString(WEBSOCKET_BUFFER_BYTES));
		}
	}

	/**
	 * Any origin: the socket authenticates with a token in its first frame, never with
	 * cookies, so another site's page gains nothing by opening it.
	 */
	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ws").setAllowedOriginPatterns("*");
	}

	/**
	 * Limits of the WebSocket container, applied once the server has created it (a mock
	 * servlet environment has none).
	 */
	@Bean
	ServletContextAware webSocketContainerLimits(ChatsProperties properties) {
		return (servletContext) -> {
			if (!(servletContext.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
				return;
			}
			ChatsProperties.Live live = properties.live();
			// A larger frame closes the socket with 1009.
			container.setDefaultMaxTextMessageBufferSize(live.maxFrameBytes());
			// The protocol is text; a binary frame is answered bad_frame, and this
			// buffer (allocated for every socket) need hold no more than a small one.
			container.setDefaultMaxBinaryMessageBufferSize(MAX_BINARY_FRAME_BYTES);
			// Backstops to the sessions' own idle check and queue: a write that a client
			// does not take within the idle timeout fails, and the socket closes.
			container.setDefaultMaxSessionIdleTimeout(live.idleTimeout().plusSeconds(30).toMillis());
			container.setAsyncSendTimeout(live.idleTimeout().toMillis());
		};
	}

	/**
	 * Every connection holds a read and a write buffer for its whole life; an idle socket
	 * needs neither to be large. Frames in both directions are small (client frames are
	 * at most 4 KiB), and a larger response is simply written in more pieces.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallConnectionBuffers() {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			connector.setProperty("socket.appReadBufSize", Integer.toString(CONNECTION_BUFFER_BYTES));
			connector.setProperty("socket.appWriteBufSize", Integer.toString(CONNECTION_BUFFER_BYTES));
		});
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "chatapp.chats.live.signals", matchIfMissing = true)
	KafkaAdmin.NewTopics liveSignalTopics() {
		// Signals are useless after seconds; keep a minute.
		return new KafkaAdmin.NewTopics(TopicBuilder.name(LiveSignals.TYPING_TOPIC)
			.partitions(12)
			.config(TopicConfig.RETENTION_MS_CONFIG, "60000")
			.build());
	}

}
