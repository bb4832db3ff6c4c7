package io.chatapp.servicedefaults.web;

import java.net.URI;
import java.time.Duration;
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
 * @param verifiedTokens how many verified access tokens are remembered, so a client's
 * next request with the same token skips the signature check ({@code 0}: verify every
 * time)
 * @param verifiedTokenMaxAge longest a verified token is remembered (at most until it
 * expires); a signing key withdrawn from the JWKS stops being honoured within this time
 * @param serverUrl the server URL the OpenAPI document names, where clients reach the
 * service; by default {@code http://<server.address>:<port>} of the running server
 */
@ConfigurationProperties("chatapp.web")
public record WebApiProperties(@DefaultValue("64KB") DataSize maxRequestSize, List<String> publicPaths,
		@DefaultValue("10000") int verifiedTokens, @DefaultValue("5m") Duration verifiedTokenMaxAge, URI serverUrl) {

	public WebApiProperties {
		publicPaths = (publicPaths != null) ? List.copyOf(publicPaths) : List.of();
	}

}
