package io.chatapp.chats.live;

import io.chatapp.chats.ChatsProperties;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

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

	@Bean
	static ServletServerContainerFactoryBean webSocketContainer(ChatsProperties properties) {
		ChatsProperties.Live live = properties.live();
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		// A larger frame closes the socket with 1009.
		container.setMaxTextMessageBufferSize(live.maxFrameBytes());
		container.setMaxBinaryMessageBufferSize(live.maxFrameBytes());
		// Backstops to the sessions' own idle check and queue: a write that a client
		// does not take within the idle timeout fails, and the socket closes.
		container.setMaxSessionIdleTimeout(live.idleTimeout().plusSeconds(30).toMillis());
		container.setAsyncSendTimeout(live.idleTimeout().toMillis());
		return container;
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
