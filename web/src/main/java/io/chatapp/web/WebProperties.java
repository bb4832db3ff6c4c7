package io.chatapp.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the web gateway.
 *
 * @param usersApiUrl where users-api answers HTTP
 * @param chatsApiUrls every chats-api instance; requests and sockets are balanced over
 * them round-robin (environment:
 * {@code CHATAPP_GATEWAY_CHATSAPIURLS=http://a:5001,http://b:5011})
 * @param connectTimeout longest wait for a connection to an upstream
 * @param responseTimeout longest wait for an upstream's response to begin; above the
 * longest {@code /api/sync} long-poll (60 s), so a long-poll never times out here
 * @param retryAfter the {@code Retry-After} of a 503 answered because an upstream is down
 * @param allowedOrigins origins, besides the page's own, whose pages may open
 * {@code /ws}; empty: same origin only (a handshake without {@code Origin}, from a
 * non-browser client, is always allowed)
 * @param maxSockets most WebSockets relayed at once; further handshakes are closed with
 * 1013 (try again later)
 * @param maxClientFrameSize largest WebSocket message read from a browser (larger: closed
 * with 1009); above chats-api's own limit (4 KiB), so that chats-api decides, and small
 * because each socket holds a buffer of this size
 * @param maxServerFrameSize largest WebSocket message relayed from chats-api (larger:
 * closed with 1009)
 */
@ConfigurationProperties("chatapp.gateway")
public record WebProperties(@DefaultValue("http://127.0.0.1:5002") URI usersApiUrl,
		@DefaultValue("http://127.0.0.1:5001") List<URI> chatsApiUrls, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("90s") Duration responseTimeout, @DefaultValue("2s") Duration retryAfter,
		List<String> allowedOrigins, @DefaultValue("10000") int maxSockets,
		@DefaultValue("8KB") DataSize maxClientFrameSize, @DefaultValue("1MB") DataSize maxServerFrameSize) {

	public WebProperties {
		chatsApiUrls = List.copyOf(chatsApiUrls);
		allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
	}

}
