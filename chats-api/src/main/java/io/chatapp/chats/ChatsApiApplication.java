package io.chatapp.chats;

import io.chatapp.chats.live.LiveConfiguration;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * chats-api: chats, members, messages, read markers, search, notifications and sync (port
 * 5001). Tokens are verified locally against users-api's JWKS; member ids are checked
 * with users-api over gRPC.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@OpenAPIDefinition(info = @Info(title = "ChatApp Chats API", version = "v1"),
		security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class ChatsApiApplication {

	public static void main(String[] args) {
		LiveConfiguration.smallWebSocketBuffers();
		SpringApplication.run(ChatsApiApplication.class, args);
	}

}
