package io.chatapp.users.user;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.chatapp.users.UsersTestDatabase;
import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcServerPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code chatapp.users.v1.UsersService} over a real loopback channel, with malformed and
 * oversized input: every call ends promptly (each has a deadline, so a hang fails the
 * test) with a short message that does not echo the input.
 */
@SpringBootTest(properties = { "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1",
		"chatapp.outbox.enabled=false", "management.health.kafka.enabled=false" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersGrpcServiceTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private static final int SHORT = 200;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalGrpcServerPort
	int grpcPort;

	ManagedChannel channel;

	@BeforeAll
	void channel() {
		// Default limits, like any client's.
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.grpcPort).usePlaintext().build();
	}

	@AfterAll
	void close() {
		this.channel.shutdownNow();
	}

	@Test
	void aHundredKilobyteUserIdIsPromptlyInvalidWithAShortMessage() {
		assertInvalidArgument(() -> stub().getUser(GetUserRequest.newBuilder().setUserId("a".repeat(100_000)).build()));
	}

	@Test
	void aOneMegabyteUserIdIsPromptlyInvalidWithAShortMessage() {
		assertInvalidArgument(
				() -> stub().getUser(GetUserRequest.newBuilder().setUserId("a".repeat(1_000_000)).build()));
	}

	@Test
	void aLargerMessageThanTheServerTakesIsPromptlyRefused() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub().getUser(GetUserRequest.newBuilder().setUserId("a".repeat(2_000_000)).build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
				assertThat(String.valueOf(ex.getStatus().getDescription())).hasSizeLessThan(SHORT);
			});
	}

	@Test
	void aBatchWithOneTwentyKilobyteIdIsPromptlyInvalidWithAShortMessage() {
		assertInvalidArgument(() -> stub().batchGetUsers(BatchGetUsersRequest.newBuilder()
			.addUserIds(UUID.randomUUID().toString())
			.addUserIds("b".repeat(20_000))
			.build()));
	}

	@Test
	void aBatchOfManyBadIdsIsInvalidWithAShortMessage() {
		BatchGetUsersRequest.Builder request = BatchGetUsersRequest.newBuilder();
		for (int i = 0; i < 500; i++) {
			request.addUserIds("not-a-uuid-" + "x".repeat(100) + i);
		}
		assertInvalidArgument(() -> stub().batchGetUsers(request.build()));
	}

	@Test
	void tooManyIdsInABatchAreInvalid() {
		BatchGetUsersRequest.Builder request = BatchGetUsersRequest.newBuilder();
		for (int i = 0; i <= UsersGrpcService.MAX_BATCH; i++) {
			request.addUserIds(UUID.randomUUID().toString());
		}
		assertInvalidArgument(() -> stub().batchGetUsers(request.build()));
	}

	@Test
	void anUnpairedSurrogateIsInvalid() {
		String id = UUID.randomUUID().toString().substring(0, 35) + "\uD800";
		assertInvalidArgument(() -> stub().getUser(GetUserRequest.newBuilder().setUserId(id).build()));
		assertInvalidArgument(() -> stub().batchGetUsers(BatchGetUsersRequest.newBuilder().addUserIds(id).build()));
	}

	@Test
	void anIdThatIsNotUtf8IsInvalid() {
		// A surrogate half as another language's runtime might encode it (CESU-8), which
		// the Java client refuses to send: the request is written byte by byte.
		ByteArrayOutputStream id = new ByteArrayOutputStream();
		id.writeBytes(UUID.randomUUID().toString().substring(0, 33).getBytes(StandardCharsets.US_ASCII));
		id.writeBytes(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 });
		byte[] request = new byte[2 + id.size()];
		request[0] = 0x0A; // field 1, length-delimited
		request[1] = (byte) id.size();
		System.arraycopy(id.toByteArray(), 0, request, 2, id.size());
		// Field 1 is the id in GetUserRequest and one of the ids in BatchGetUsersRequest.
		for (String method : List.of(UsersServiceGrpc.getGetUserMethod().getFullMethodName(),
				UsersServiceGrpc.getBatchGetUsersMethod().getFullMethodName())) {
			MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
				.setType(MethodDescriptor.MethodType.UNARY)
				.setFullMethodName(method)
				.setRequestMarshaller(RawBytes.INSTANCE)
				.setResponseMarshaller(RawBytes.INSTANCE)
				.build();
			assertInvalidArgument(() -> ClientCalls.blockingUnaryCall(this.channel, raw,
					CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), request));
		}
	}

	@Test
	void controlCharactersInAnIdAreInvalidAndNotEchoed() {
		assertInvalidArgument(
				() -> stub().getUser(GetUserRequest.newBuilder().setUserId("\u0000\u001b[2J\r\nforged").build()),
				(description) -> assertThat(description).doesNotContain("\u001b", "\r", "\n", "\u0000"));
	}

	@Test
	void reflectionStillDescribesTheService() throws Exception {
		List<String> services = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(this.channel)
			.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
			.serverReflectionInfo(new StreamObserver<>() {

				@Override
				public void onNext(ServerReflectionResponse response) {
					response.getListServicesResponse()
						.getServiceList()
						.forEach((service) -> services.add(service.getName()));
				}

				@Override
				public void onError(Throwable ex) {
					done.countDown();
				}

				@Override
				public void onCompleted() {
					done.countDown();
				}

			});
		requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onCompleted();
		assertThat(done.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(services).contains(UsersServiceGrpc.SERVICE_NAME);
	}

	private UsersServiceGrpc.UsersServiceBlockingStub stub() {
		return UsersServiceGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void assertInvalidArgument(Runnable call) {
		assertInvalidArgument(call, (description) -> {
		});
	}

	private static void assertInvalidArgument(Runnable call, Consumer<String> description) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.getStatus().getCode()).as(ex.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).hasSizeLessThan(SHORT);
			description.accept(ex.getStatus().getDescription());
		});
	}

	private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {

		INSTANCE;

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
