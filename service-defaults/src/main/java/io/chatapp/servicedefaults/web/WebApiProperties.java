package io.chatapp.servicedefaults.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Defaults for ChatApp's HTTP APIs.
 *
 * @param maxRequestSize larger request bodies are answered 413
 * @param publicPaths requests that need no access token, as {@code "METHOD /path"} or
 * {@code "/path"} (any method); Ant-style patterns are allowed. Health, OpenAPI and
 * Swagger UI are always public.
 */
@ConfigurationProperties("chatapp.web")
public record WebApiProperties(@DefaultValue("64KB") DataSize maxRequestSize, List<String> publicPaths) {

	public WebApiProperties {
		publicPaths = (publicPaths != null) ? List.copyOf(publicPaths) : List.of();
	}

}
