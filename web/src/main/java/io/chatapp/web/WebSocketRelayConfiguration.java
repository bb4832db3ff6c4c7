package io.chatapp.web;

import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * {@code /ws}: the WebSocket relay to chats-api. Only pages of this origin (or of
 * {@code chatapp.gateway.allowed-origins}) may open it; a handshake without
 * {@code Origin} comes from a non-browser client and is allowed, as chats-api itself
 * would.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketRelayConfiguration implements WebSocketConfigurer {

	private final WebSocketRelay relay;

	private final WebProperties properties;

	WebSocketRelayConfiguration(WebSocketRelay relay, WebProperties properties) {
		this.relay = relay;
		this.properties = properties;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		// Same origin is always allowed (Origin matching Host); these are the others.
		registry.addHandler(this.relay, "/ws")
			.setAllowedOrigins(this.properties.allowedOrigins().toArray(String[]::new));
	}

	@Bean
	static WebSocketRelay webSocketRelay(LoadBalancerClient loadBalancer, WebProperties properties) {
		ExecutorService threads = Executors.newCachedThreadPool(daemon("ws-relay"));
		HttpClient client = HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.executor(threads)
			.build();
		return new WebSocketRelay(loadBalancer, properties, client, threads);
	}

	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		int limit = (int) this.properties.maxClientFrameSize().toBytes();
		container.setMaxTextMessageBufferSize(limit);
		container.setMaxBinaryMessageBufferSize(limit);
		return container;
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
