package io.chatapp.chats.live;

import io.chatapp.chats.ChatsProperties;
import jakarta.websocket.server.ServerContainer;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
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
class LiveConfiguration implements WebSocketConfigurer {

	private final ChatSocketHandler handler;

	LiveConfiguration(ChatSocketHandler handler) {
		this.handler = handler;
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
			container.setDefaultMaxBinaryMessageBufferSize(live.maxFrameBytes());
			// Backstops to the sessions' own idle check and queue: a write that a client
			// does not take within the idle timeout fails, and the socket closes.
			container.setDefaultMaxSessionIdleTimeout(live.idleTimeout().plusSeconds(30).toMillis());
			container.setAsyncSendTimeout(live.idleTimeout().toMillis());
		};
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
