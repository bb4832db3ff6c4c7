package io.chatapp.web;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions.lb;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

/**
 * The API routes (Spring Cloud Gateway, server-webmvc): users and tokens go to users-api,
 * everything about chats to chats-api, balanced over its instances. Requests and
 * responses pass through unchanged (method, path, query, headers, body; status, headers,
 * body); an upstream that cannot be reached is a 503 problem with {@code Retry-After}.
 */
@Configuration(proxyBeanMethods = false)
class ApiRoutes {

	private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

	@Bean
	RouterFunction<ServerResponse> usersApiRoutes(WebProperties properties) {
		return route("users-api").route(path("/api/users/**", "/api/auth/**"), http())
			.filter(upstreamFailures("users-api", 1, properties))
			.before(uri(properties.usersApiUrl()))
			.build();
	}

	@Bean
	RouterFunction<ServerResponse> chatsApiRoutes(WebProperties properties) {
		// Outermost first: a connection refused by one instance is retried, with the load
		// balancer's next choice, before it becomes a 503.
		int instances = Math.min(3, Math.max(1, properties.chatsApiUrls().size()));
		return route("chats-api")
			.route(path("/api/chats/**", "/api/sync", "/api/messages/**", "/api/notifications/**"), http())
			.filter(upstreamFailures("chats-api", instances, properties))
			.filter(lb(ChatsApiInstances.SERVICE_ID))
			.build();
	}

	/**
	 * Tries a request up to {@code attempts} times while the upstream cannot be connected
	 * to (the request has not left then, so this is safe for any method), and turns a
	 * failure of the proxy itself into a problem.
	 */
	private static HandlerFilterFunction<ServerResponse, ServerResponse> upstreamFailures(String upstream, int attempts,
			WebProperties properties) {
		return (request, next) -> {
			for (int attempt = 1;; attempt++) {
				try {
					return next.handle(request);
				}
				catch (Exception ex) {
					if (attempt < attempts && connectFailed(ex)) {
						log.debug("{} {}: {} attempt {} failed to connect, trying the next instance", request.method(),
								request.path(), upstream, attempt);
						continue;
					}
					return upstreamFailed(upstream, ex, request, properties);
				}
			}
		};
	}

	/**
	 * The proxy's HTTP client: HTTP/1.1 (no h2c upgrade attempt on every request), never
	 * following redirects (a {@code Location} goes back to the browser), and a response
	 * timeout longer than any long-poll.
	 */
	@Bean
	ClientHttpRequestFactory gatewayClientHttpRequestFactory(WebProperties properties) {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
		factory.setReadTimeout(properties.responseTimeout());
		return factory;
	}

	/**
	 * What the browser gets when the proxy itself failed (an upstream's own errors pass
	 * through untouched): 503 with {@code Retry-After} when the upstream is down or has
	 * no instance, 504 when it did not answer in time, 502 for anything else. Never a
	 * 500: the gateway received nothing wrong from the client.
	 */
	private static ServerResponse upstreamFailed(String upstream, Throwable ex, ServerRequest request,
			WebProperties properties) {
		HttpStatus status;
		String detail;
		if (unreachable(ex)) {
			status = HttpStatus.SERVICE_UNAVAILABLE;
			detail = upstream + " is not reachable; try again shortly";
		}
		else if (causedBy(ex, HttpTimeoutException.class)) {
			status = HttpStatus.GATEWAY_TIMEOUT;
			detail = upstream + " did not answer within " + properties.responseTimeout().toSeconds() + " s";
		}
		else {
			status = HttpStatus.BAD_GATEWAY;
			detail = upstream + " failed to answer";
		}
		log.warn("{} {} -> {}: {} ({})", request.method(), request.path(), upstream, status.value(), ex.toString());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("about:blank"));
		problem.setInstance(URI.create(request.path()));
		ServerResponse.BodyBuilder response = ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, properties.retryAfter().toSeconds())));
		}
		return response.body(problem);
	}

	private static boolean unreachable(Throwable ex) {
		if (ex instanceof HttpServerErrorException serverError
				&& serverError.getStatusCode() == HttpStatus.SERVICE_UNAVAILABLE) {
			// The load balancer has no instance.
			return true;
		}
		return connectFailed(ex) || causedBy(ex, UnknownHostException.class)
				|| causedBy(ex, UnresolvedAddressException.class);
	}

	private static boolean connectFailed(Throwable ex) {
		return causedBy(ex, ConnectException.class) || causedBy(ex, HttpConnectTimeoutException.class);
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
