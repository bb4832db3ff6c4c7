package io.chatapp.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * web: the browser's single origin (port 5000). Serves the chat client's static files,
 * proxies {@code /api/**} to users-api and chats-api (chats-api balanced over its
 * replicas) and relays the {@code /ws} WebSocket to a chats-api instance.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebApplication {

	public static void main(String[] args) {
		SpringApplication.run(WebApplication.class, args);
	}

}
