package io.chatapp.chats.users;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.servicedefaults.ResilienceAutoConfiguration;
import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.User;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Asks users-api which user ids exist, over gRPC: each attempt has a deadline, an
 * unavailable or slow users-api is retried with back-off (the call is idempotent), and a
 * circuit breaker makes callers fail fast while it stays down. Failures surface as a 503
 * problem; reading and sending messages never come here.
 */
@Component
public class UserDirectory {

	private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

	/** users-api accepts at most this many ids per call. */
	private static final int BATCH = 500;

	private final UsersServiceGrpc.UsersServiceBlockingStub users;

	private final ChatsProperties properties;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	UserDirectory(UsersServiceGrpc.UsersServiceBlockingStub users, ChatsProperties properties,
			CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {
		this.users = users;
		this.properties = properties;
		this.circuitBreaker = circuitBreakers.circuitBreaker("users-api");
		RetryConfig idempotent = retries.getConfiguration(ResilienceAutoConfiguration.IDEMPOTENT)
			.orElseGet(retries::getDefaultConfig);
		this.retry = retries.retry("users-api",
				RetryConfig.from(idempotent).retryOnException(UserDirectory::isTransient).build());
	}

	/**
	 * The ids that users-api does not know.
	 * @param ids user ids to check
	 * @return the unknown ones, in the order given
	 * @throws ProblemException 503 when users-api cannot answer
	 */
	public Set<UUID> unknown(Collection<UUID> ids) {
		Set<UUID> unknown = new LinkedHashSet<>(ids);
		List<UUID> all = List.copyOf(unknown);
		for (int from = 0; from < all.size(); from += BATCH) {
			List<UUID> batch = all.subList(from, Math.min(all.size(), from + BATCH));
			BatchGetUsersRequest request = BatchGetUsersRequest.newBuilder()
				.addAllUserIds(batch.stream().map(UUID::toString).toList())
				.build();
			for (User user : call(() -> this.users
				.withDeadlineAfter(this.properties.usersDeadline().toMillis(), TimeUnit.MILLISECONDS)
				.batchGetUsers(request)
				.getUsersList())) {
				unknown.remove(UUID.fromString(user.getId()));
			}
		}
		return unknown;
	}

	private <T> T call(Supplier<T> call) {
		try {
			return CircuitBreaker.decorateSupplier(this.circuitBreaker, Retry.decorateSupplier(this.retry, call)).get();
		}
		catch (CallNotPermittedException ex) {
			throw ProblemException.serviceUnavailable("The users service is unavailable; try again shortly");
		}
		catch (StatusRuntimeException ex) {
			log.warn("users-api call failed: {}", ex.getStatus());
			throw ProblemException.serviceUnavailable("The users service is unavailable; try again shortly");
		}
	}

	private static boolean isTransient(Throwable ex) {
		if (!(ex instanceof StatusRuntimeException status)) {
			return false;
		}
		Status.Code code = status.getStatus().getCode();
		return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
				|| code == Status.Code.RESOURCE_EXHAUSTED;
	}

}
