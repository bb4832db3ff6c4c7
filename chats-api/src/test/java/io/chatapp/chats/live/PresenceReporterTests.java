package io.chatapp.chats.live;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.chats.ChatsTestSupport;
import io.chatapp.users.v1.ReleaseConnectionsRequest;
import io.chatapp.users.v1.ReleaseConnectionsResponse;
import io.chatapp.users.v1.RenewConnectionsRequest;
import io.chatapp.users.v1.RenewConnectionsResponse;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What chats-api tells users-api about its sockets, against a real gRPC server: a lease
 * at a user's first socket, renewals for everyone connected, a release only after the
 * grace period (a reconnect within it keeps the lease), and every lease released when the
 * instance stops.
 */
class PresenceReporterTests {

	final List<RenewConnectionsRequest> renewals = new CopyOnWriteArrayList<>();

	final List<ReleaseConnectionsRequest> releases = new CopyOnWriteArrayList<>();

	final Set<UUID> connected = ConcurrentHashMap.newKeySet();

	Server server;

	ManagedChannel channel;

	PresenceReporter reporter;

	@BeforeEach
	void start() throws Exception {
		this.server = ServerBuilder.forPort(0).addService(new UsersServiceGrpc.UsersServiceImplBase() {

			@Override
			public void renewConnections(RenewConnectionsRequest request,
					StreamObserver<RenewConnectionsResponse> response) {
				PresenceReporterTests.this.renewals.add(request);
				response.onNext(RenewConnectionsResponse.getDefaultInstance());
				response.onCompleted();
			}

			@Override
			public void releaseConnections(ReleaseConnectionsRequest request,
					StreamObserver<ReleaseConnectionsResponse> response) {
				PresenceReporterTests.this.releases.add(request);
				response.onNext(ReleaseConnectionsResponse.getDefaultInstance());
				response.onCompleted();
			}

		}).build().start();
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.server.getPort()).usePlaintext().build();
		ChatsProperties.Live defaults = ChatsTestSupport.liveDefaults();
		ChatsProperties.Live live = new ChatsProperties.Live(defaults.authTimeout(), defaults.heartbeat(),
				defaults.idleTimeout(), defaults.maxFrameBytes(), defaults.framesPerSecond(), defaults.frameBurst(),
				defaults.queueFrames(), defaults.queueBytes(), defaults.maxSockets(), defaults.feedInterval(),
				defaults.typingInterval(), defaults.typingTtl(), Duration.ofMillis(500), Duration.ofMillis(300),
				Duration.ofSeconds(30), false);
		ChatsProperties properties = new ChatsProperties(100, 100, Duration.ofSeconds(2), Duration.ofSeconds(1), 100,
				100, 10, Duration.ofMillis(200), live);
		this.reporter = new PresenceReporter(UsersServiceGrpc.newBlockingStub(this.channel), properties);
		this.reporter.watch(() -> this.connected);
		this.reporter.start();
	}

	@AfterEach
	void stop() {
		this.reporter.stop();
		this.channel.shutdownNow();
		this.server.shutdownNow();
	}

	@Test
	void aFirstSocketTakesALeaseAtOnceAndRenewalsCoverEveryoneConnected() {
		UUID alice = connect();
		UUID bob = connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> renewed().containsAll(List.of(alice, bob)));
		assertThat(this.renewals).allSatisfy((renewal) -> {
			assertThat(renewal.getLeaseSeconds()).isEqualTo(30);
			assertThat(renewal.getInstanceId()).startsWith("chats-api-");
		});
		this.renewals.clear();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.renewals.stream()
				.anyMatch(
						(renewal) -> renewal.getUserIdsList().containsAll(List.of(alice.toString(), bob.toString()))));
		assertThat(this.releases).isEmpty();
	}

	@Test
	void theLastSocketClosingReleasesTheLeaseAfterTheGracePeriod() {
		UUID alice = connect();
		disconnect(alice);
		await().atMost(Duration.ofSeconds(5)).until(() -> released().contains(alice));
	}

	@Test
	void aReconnectWithinTheGracePeriodKeepsTheLease() throws Exception {
		UUID alice = connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> renewed().contains(alice));
		disconnect(alice);
		Thread.sleep(100);
		this.connected.add(alice);
		this.reporter.connected(alice);
		// Past the grace period and a few renewals: still no release.
		UUID marker = connect();
		disconnect(marker);
		await().atMost(Duration.ofSeconds(5)).until(() -> released().contains(marker));
		assertThat(released()).doesNotContain(alice);
	}

	@Test
	void stoppingReleasesEveryLeaseOfTheInstance() {
		UUID alice = connect();
		UUID bob = connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> renewed().containsAll(List.of(alice, bob)));
		this.reporter.stop();
		assertThat(released()).contains(alice, bob);
	}

	private UUID connect() {
		UUID user = UUID.randomUUID();
		this.connected.add(user);
		this.reporter.connected(user);
		return user;
	}

	private void disconnect(UUID user) {
		this.connected.remove(user);
		this.reporter.disconnected(user);
	}

	private Set<UUID> renewed() {
		Set<UUID> users = ConcurrentHashMap.newKeySet();
		this.renewals.forEach((renewal) -> renewal.getUserIdsList().forEach((id) -> users.add(UUID.fromString(id))));
		return users;
	}

	private Set<UUID> released() {
		Set<UUID> users = ConcurrentHashMap.newKeySet();
		this.releases.forEach((release) -> release.getUserIdsList().forEach((id) -> users.add(UUID.fromString(id))));
		return users;
	}

}
