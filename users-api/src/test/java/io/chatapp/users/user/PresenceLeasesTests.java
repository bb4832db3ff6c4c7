package io.chatapp.users.user;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.chatapp.users.UsersTestDatabase;
import io.chatapp.users.v1.ReleaseConnectionsRequest;
import io.chatapp.users.v1.RenewConnectionsRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcServerPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static io.chatapp.testsupport.KafkaTopics.header;
import static io.chatapp.testsupport.KafkaTopics.readStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Connection presence over gRPC against the real PostgreSQL and Kafka: leases make a user
 * online and offline with one {@code user.presence_changed} per transition, expired
 * leases are reaped, a chosen status is kept while connected, and bad reports are refused
 * with short messages.
 */
@SpringBootTest(properties = { "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1",
		"chatapp.users.presence-reaper-interval=200ms",
		// The embedded broker and the clients log every setting at INFO.
		"logging.level.org.apache.kafka=WARN", "logging.level.kafka=WARN" })
@EmbeddedKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceLeasesTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private static final int SHORT = 200;

	private static final int LEASE = 30;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalGrpcServerPort
	int grpcPort;

	@Autowired
	UserService service;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Autowired
	TransactionTemplate transactions;

	ManagedChannel channel;

	@BeforeAll
	void channel() {
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.grpcPort).usePlaintext().build();
	}

	@AfterAll
	void close() {
		this.channel.shutdownNow();
	}

	@Test
	void theFirstLeaseMakesAnOfflineUserOnlineWithOneEventOnUserEvents() {
		UUID user = register();
		renew("chats-1", LEASE, user);

		User online = this.service.get(user);
		assertThat(online.presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(online.lastSeenAt()).isNotNull();
		List<Map<String, Object>> events = presenceEvents(user);
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).containsEntry("status", "online")
			.containsEntry("previousStatus", "offline")
			.containsKey("lastSeenAt");
		ConsumerRecord<String, String> record = await().atMost(Duration.ofSeconds(30))
			.until(() -> readStrings(this.kafka.getBrokersAsString(), "user.events", user.toString()).stream()
				.filter((r) -> "user.presence_changed".equals(header(r, "ce_type")))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
		assertThat(record.value()).contains("\"status\": \"online\"", "\"previousStatus\": \"offline\"");
	}

	@Test
	void renewingAgainFromAnyInstanceRecordsNoFurtherEvent() {
		UUID user = register();
		renew("chats-1", LEASE, user);
		renew("chats-1", LEASE, user);
		renew("chats-2", LEASE, user);
		renew("chats-1", LEASE, user, user);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(statuses(user)).containsExactly("online");
		assertThat(leaseHolders(user)).containsExactlyInAnyOrder("chats-1", "chats-2");
	}

	@Test
	void releasingTheLastLeaseMakesTheUserOfflineWithOneEvent() {
		UUID user = register();
		renew("chats-1", LEASE, user);
		release("chats-1", user);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);
		assertThat(statuses(user)).containsExactly("online", "offline");
		assertThat(presenceEvents(user).get(1)).containsEntry("previousStatus", "online");
		assertThat(leaseHolders(user)).isEmpty();

		release("chats-1", user);
		assertThat(statuses(user)).hasSize(2);
	}

	@Test
	void releasingOneOfTwoInstancesKeepsTheUserOnline() {
		UUID user = register();
		renew("chats-1", LEASE, user);
		renew("chats-2", LEASE, user);
		release("chats-1", user);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(statuses(user)).containsExactly("online");
		assertThat(leaseHolders(user)).containsExactly("chats-2");

		release("chats-2", user);
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);
		assertThat(statuses(user)).containsExactly("online", "offline");
	}

	@Test
	void anExpiredLeaseIsReapedAndItsUserGoesOffline() {
		UUID user = register();
		renew("chats-dead", UsersGrpcService.MIN_LEASE_SECONDS, user);
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.ONLINE);

		await().atMost(Duration.ofSeconds(15)).until(() -> this.service.get(user).presence() == PresenceStatus.OFFLINE);
		assertThat(leaseHolders(user)).isEmpty();
		assertThat(statuses(user)).containsExactly("online", "offline");
	}

	@Test
	void theReaperLeavesAUserWhoStillHoldsAValidLeaseOnline() {
		UUID user = register();
		renew("chats-dead", UsersGrpcService.MIN_LEASE_SECONDS, user);
		renew("chats-alive", LEASE, user);

		await().atMost(Duration.ofSeconds(15)).until(() -> leaseHolders(user).equals(List.of("chats-alive")));
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(statuses(user)).containsExactly("online");
	}

	@Test
	void theReaperFindsExpiredLeasesThroughTheExpiryIndex() {
		String plan = this.transactions.execute((status) -> {
			// Planner costs on a small table favour a scan; forbid it to see the index
			// bounds the search.
			this.jdbc.sql("SET LOCAL enable_seqscan = off").update();
			return this.jdbc.sql("""
					EXPLAIN SELECT user_id FROM presence_leases WHERE expires_at <= statement_timestamp()
					ORDER BY expires_at LIMIT 500""").query((rs, row) -> rs.getString(1)).list().toString();
		});
		assertThat(plan).contains("presence_leases_expires_at_idx").contains("Index Cond: (expires_at <=");
	}

	@Test
	void aStatusChosenWhileConnectedIsKeptAcrossRenewalsUntilTheLastLeaseEnds() {
		UUID user = register();
		renew("chats-1", LEASE, user);
		this.service.setPresence(user, PresenceStatus.BUSY);
		renew("chats-1", LEASE, user);
		renew("chats-2", LEASE, user);
		release("chats-1", user);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.BUSY);
		assertThat(statuses(user)).containsExactly("online", "busy");

		release("chats-2", user);
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);
		assertThat(statuses(user)).containsExactly("online", "busy", "offline");
		assertThat(presenceEvents(user).get(2)).containsEntry("previousStatus", "busy");
	}

	@Test
	void offlineChosenWhileConnectedIsKeptAcrossRenewals() {
		UUID user = register();
		renew("chats-1", LEASE, user);
		this.service.setPresence(user, PresenceStatus.OFFLINE);
		renew("chats-1", LEASE, user);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);
		assertThat(statuses(user)).containsExactly("online", "offline");

		release("chats-1", user);
		assertThat(statuses(user)).containsExactly("online", "offline");
	}

	@Test
	void unknownUserIdsAreIgnored() {
		UUID user = register();
		UUID unknown = UUID.randomUUID();
		renew("chats-1", LEASE, unknown, user);
		release("chats-2", unknown);

		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(leaseHolders(unknown)).isEmpty();
	}

	@Test
	void tenThousandUsersInOneReportAreAccepted() {
		UUID user = register();
		List<String> ids = new ArrayList<>();
		ids.add(user.toString());
		while (ids.size() < UsersGrpcService.MAX_CONNECTIONS) {
			ids.add(UUID.randomUUID().toString());
		}
		stub().renewConnections(RenewConnectionsRequest.newBuilder()
			.setInstanceId("chats-big")
			.addAllUserIds(ids)
			.setLeaseSeconds(UsersGrpcService.MAX_LEASE_SECONDS)
			.build());
		stub().releaseConnections(
				ReleaseConnectionsRequest.newBuilder().setInstanceId("chats-big").addAllUserIds(ids).build());
		assertThat(statuses(user)).containsExactly("online", "offline");
	}

	@Test
	void moreThanTenThousandUsersInOneReportAreInvalid() {
		List<String> ids = new ArrayList<>();
		while (ids.size() <= UsersGrpcService.MAX_CONNECTIONS) {
			ids.add(UUID.randomUUID().toString());
		}
		assertInvalidArgument(() -> stub().renewConnections(RenewConnectionsRequest.newBuilder()
			.setInstanceId("chats-1")
			.addAllUserIds(ids)
			.setLeaseSeconds(30)
			.build()));
		assertInvalidArgument(() -> stub().releaseConnections(
				ReleaseConnectionsRequest.newBuilder().setInstanceId("chats-1").addAllUserIds(ids).build()));
	}

	@Test
	void aMalformedUserIdIsInvalidAndNothingChanges() {
		UUID user = register();
		assertInvalidArgument(() -> stub().renewConnections(RenewConnectionsRequest.newBuilder()
			.setInstanceId("chats-1")
			.addUserIds(user.toString())
			.addUserIds("x".repeat(100_000))
			.setLeaseSeconds(LEASE)
			.build()));
		assertInvalidArgument(() -> stub().releaseConnections(
				ReleaseConnectionsRequest.newBuilder().setInstanceId("chats-1").addUserIds("not-a-uuid").build()));
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);
		assertThat(leaseHolders(user)).isEmpty();
	}

	@Test
	void instanceIdsOutsideOneTo128CharactersOrWithControlCharactersAreInvalidAndNotEchoed() {
		UUID user = register();
		List<String> bad = List.of("", "i".repeat(129), "x".repeat(1_000_000), "chats\n1", "chats\u00001",
				"\u001b[2Jchats", "chats\u009b1");
		for (String instanceId : bad) {
			assertInvalidArgument(() -> stub().renewConnections(RenewConnectionsRequest.newBuilder()
				.setInstanceId(instanceId)
				.addUserIds(user.toString())
				.setLeaseSeconds(LEASE)
				.build()), instanceId);
			assertInvalidArgument(() -> stub().releaseConnections(ReleaseConnectionsRequest.newBuilder()
				.setInstanceId(instanceId)
				.addUserIds(user.toString())
				.build()), instanceId);
		}
		assertThat(this.service.get(user).presence()).isEqualTo(PresenceStatus.OFFLINE);

		// 128 characters, some outside the BMP (two chars each in Java), is the longest.
		String longest = "\uD83D\uDCAC".repeat(64) + "c".repeat(64);
		renew(longest, LEASE, user);
		assertThat(leaseHolders(user)).containsExactly(longest);
	}

	@Test
	void leasesOutsideFiveTo300SecondsAreInvalid() {
		UUID user = register();
		for (int lease : new int[] { 0, -1, 4, 301, Integer.MAX_VALUE }) {
			assertInvalidArgument(() -> renew("chats-1", lease, user));
		}
		assertThat(leaseHolders(user)).isEmpty();
		renew("chats-1", UsersGrpcService.MIN_LEASE_SECONDS, user);
		renew("chats-2", UsersGrpcService.MAX_LEASE_SECONDS, user);
		assertThat(leaseHolders(user)).containsExactlyInAnyOrder("chats-1", "chats-2");
	}

	private UUID register() {
		String name = "pl_" + UUID.randomUUID().toString().substring(0, 8);
		return this.service.register(new UserRequests.Register(name, null, name + "@example.com", "password1")).id();
	}

	private void renew(String instanceId, int leaseSeconds, UUID... users) {
		RenewConnectionsRequest.Builder request = RenewConnectionsRequest.newBuilder()
			.setInstanceId(instanceId)
			.setLeaseSeconds(leaseSeconds);
		for (UUID user : users) {
			request.addUserIds(user.toString());
		}
		stub().renewConnections(request.build());
	}

	private void release(String instanceId, UUID... users) {
		ReleaseConnectionsRequest.Builder request = ReleaseConnectionsRequest.newBuilder().setInstanceId(instanceId);
		for (UUID user : users) {
			request.addUserIds(user.toString());
		}
		stub().releaseConnections(request.build());
	}

	private List<String> leaseHolders(UUID user) {
		return this.jdbc.sql("SELECT instance_id FROM presence_leases WHERE user_id = ? ORDER BY instance_id")
			.param(user)
			.query(String.class)
			.list();
	}

	private List<String> statuses(UUID user) {
		return presenceEvents(user).stream().map((data) -> (String) data.get("status")).toList();
	}

	/** The data of the user's {@code user.presence_changed} events, in order. */
	private List<Map<String, Object>> presenceEvents(UUID user) {
		return this.jdbc.sql("""
				SELECT payload->'data'->>'status' AS status, payload->'data'->>'previousStatus' AS previous,
				       payload->'data'->>'lastSeenAt' AS last_seen_at
				FROM outbox WHERE event_key = ? AND event_type = 'user.presence_changed' ORDER BY id
				""")
			.param(user.toString())
			.query((rs, row) -> Map.<String, Object>of("status", rs.getString("status"), "previousStatus",
					rs.getString("previous"), "lastSeenAt", rs.getString("last_seen_at")))
			.list();
	}

	private UsersServiceGrpc.UsersServiceBlockingStub stub() {
		return UsersServiceGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void assertInvalidArgument(Runnable call) {
		assertInvalidArgument(call, "");
	}

	private static void assertInvalidArgument(Runnable call, String notEchoed) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.getStatus().getCode()).as(ex.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).hasSizeLessThan(SHORT);
			if (!notEchoed.isEmpty()) {
				assertThat(ex.getStatus().getDescription()).doesNotContain(notEchoed);
			}
		});
	}

}
