package io.chatapp.chats.users;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.BatchGetUsersResponse;
import io.chatapp.users.v1.User;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The users-api client against a real gRPC server on a local port: unknown ids, retries
 * of transient failures, deadlines, and failing fast while users-api is down.
 */
class UserDirectoryTests {

	static final UUID KNOWN = UUID.randomUUID();

	final AtomicInteger calls = new AtomicInteger();

	volatile Status failWith;

	volatile int failuresLeft;

	volatile Duration delay = Duration.ZERO;

	Server server;

	ManagedChannel channel;

	@AfterEach
	void stop() {
		if (this.channel != null) {
			this.channel.shutdownNow();
		}
		if (this.server != null) {
			this.server.shutdownNow();
		}
	}

	@Test
	void unknownIdsAreThoseUsersApiDoesNotReturn() throws Exception {
		UUID ghost = UUID.randomUUID();
		assertThat(directory(start()).unknown(List.of(KNOWN, ghost))).containsExactly(ghost);
	}

	@Test
	void transientFailuresAreRetried() throws Exception {
		this.failWith = Status.UNAVAILABLE;
		this.failuresLeft = 2;
		assertThat(directory(start()).unknown(List.of(KNOWN))).isEmpty();
		assertThat(this.calls.get()).isEqualTo(3);
	}

	@Test
	void nonTransientFailuresAreNotRetriedAndSurfaceAs503() throws Exception {
		this.failWith = Status.INTERNAL;
		this.failuresLeft = 100;
		UserDirectory directory = directory(start());
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> directory.unknown(List.of(KNOWN)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void aSlowUsersApiHitsTheDeadline() throws Exception {
		this.delay = Duration.ofSeconds(2);
		UserDirectory directory = directory(start());
		long started = System.nanoTime();
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> directory.unknown(List.of(KNOWN)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("3 attempts of 200 ms, not 3 x 2 s")
			.isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void whileUsersApiIsDownCallsFailFastOnceTheCircuitOpens() throws Exception {
		// Nothing listens on this port.
		int port;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		UserDirectory directory = directory(port);
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> directory.unknown(List.of(KNOWN)));
		}
		long started = System.nanoTime();
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> directory.unknown(List.of(KNOWN)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(50));
	}

	private int start() throws Exception {
		this.server = ServerBuilder.forPort(0).addService(new UsersServiceGrpc.UsersServiceImplBase() {
			@Override
			public void batchGetUsers(BatchGetUsersRequest request, StreamObserver<BatchGetUsersResponse> response) {
				UserDirectoryTests.this.calls.incrementAndGet();
				if (UserDirectoryTests.this.failuresLeft > 0) {
					UserDirectoryTests.this.failuresLeft--;
					response.onError(UserDirectoryTests.this.failWith.asRuntimeException());
					return;
				}
				sleep(UserDirectoryTests.this.delay);
				BatchGetUsersResponse.Builder result = BatchGetUsersResponse.newBuilder();
				request.getUserIdsList()
					.stream()
					.filter(KNOWN.toString()::equals)
					.forEach((id) -> result.addUsers(User.newBuilder().setId(id).setUsername("known")));
				response.onNext(result.build());
				response.onCompleted();
			}
		}).build().start();
		return this.server.getPort();
	}

	private UserDirectory directory(int port) {
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		ChatsProperties properties = new ChatsProperties(100, 100, Duration.ofMillis(200), Duration.ofSeconds(1), 100,
				100, 10, Duration.ofMillis(200), ChatsTestSupport.liveDefaults());
		RetryRegistry retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(1).build());
		retries.addConfiguration("idempotent",
				RetryConfig.custom()
					.maxAttempts(3)
					.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(10, 2.0, 0.5))
					.build());
		CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.minimumNumberOfCalls(3)
			.slidingWindowSize(5)
			.failureRateThreshold(50)
			.build());
		return new UserDirectory(UsersServiceGrpc.newBlockingStub(this.channel), properties, breakers, retries);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
