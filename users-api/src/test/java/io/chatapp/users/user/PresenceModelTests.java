package io.chatapp.users.user;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.chatapp.testsupport.EmbeddedPostgresServer;
import io.chatapp.users.UsersApiApplication;
import io.chatapp.users.UsersTestDatabase;
import io.chatapp.users.v1.ReleaseConnectionsRequest;
import io.chatapp.users.v1.RenewConnectionsRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcServerPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection presence against a model, under concurrency: threads acting as three
 * chats-api instances renew and release leases on a few users at random through two
 * users-api instances on one PostgreSQL, and let leases expire, while both instances'
 * reapers run. Once everything has been answered and every expired lease reaped, each
 * user holds exactly the leases the model says, is {@code online} if and only if one of
 * them is left, and their {@code user.presence_changed} events alternate between
 * {@code online} and {@code offline}, each following the one before, ending at the user's
 * status.
 *
 * <p>
 * Each (instance, user) pair belongs to one thread, so the model of its lease is exact;
 * the instances contend on every user. Reproduce a run's operations with
 * {@code -Dchatapp.presence-model.seed=<seed>} (printed at the start);
 * {@code -Dchatapp.presence-model.operations} sets the operations per thread.
 */
@SpringBootTest(properties = { "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1",
		PresenceModelTests.REAPER, "chatapp.outbox.enabled=false", "management.health.kafka.enabled=false" })
class PresenceModelTests {

	static final String REAPER = "chatapp.users.presence-reaper-interval=100ms";

	private static final int INSTANCES = 3;

	private static final int THREADS_PER_INSTANCE = 2;

	private static final int USERS = 6;

	private static final int LEASE_SECONDS = 300;

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

	ConfigurableApplicationContext second;

	List<ManagedChannel> channels = new ArrayList<>();

	@BeforeEach
	void startSecondInstance() {
		EmbeddedPostgresServer server = UsersTestDatabase.start();
		this.second = new SpringApplicationBuilder(UsersApiApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.grpc.server.port=0", "--spring.grpc.server.address=127.0.0.1",
				"--spring.datasource.url=" + server.jdbcUrl(), "--spring.datasource.username=users_app",
				"--spring.datasource.password=users_app_test", "--chatapp.outbox.enabled=false",
				"--management.health.kafka.enabled=false", "--" + REAPER, "--spring.main.banner-mode=off");
		int secondPort = this.second.getEnvironment().getRequiredProperty("local.grpc.server.port", Integer.class);
		for (int port : new int[] { this.grpcPort, secondPort }) {
			this.channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
		}
	}

	@AfterEach
	void stopSecondInstance() {
		this.channels.forEach(ManagedChannel::shutdownNow);
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void eachUserIsOnlineExactlyWhileALeaseIsLeftAndTheirEventsAlternate() throws Exception {
		long seed = Long.getLong("chatapp.presence-model.seed", new Random().nextLong());
		int operations = Integer.getInteger("chatapp.presence-model.operations", 250);
		System.out.println("PresenceModelTests seed: " + seed + " (-Dchatapp.presence-model.seed=" + seed + ")");

		List<UUID> users = new ArrayList<>();
		for (int i = 0; i < USERS; i++) {
			String name = "pm_" + UUID.randomUUID().toString().substring(0, 8);
			users.add(this.service.register(new UserRequests.Register(name, null, name + "@example.com", "password1"))
				.id());
		}
		int threads = INSTANCES * THREADS_PER_INSTANCE;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<Actor>> runs = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int t = 0; t < threads; t++) {
				int share = t / INSTANCES;
				List<UUID> owned = new ArrayList<>();
				for (int u = share; u < USERS; u += THREADS_PER_INSTANCE) {
					owned.add(users.get(u));
				}
				Actor actor = new Actor("chats-" + (t % INSTANCES), owned, new Random(seed + 31L * (t + 1)));
				runs.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					actor.run(operations);
					return actor;
				}));
			}
			List<Actor> actors = new ArrayList<>();
			for (Future<Actor> run : runs) {
				actors.add(run.get(5, TimeUnit.MINUTES));
			}

			// Every call has been answered; wait for the reapers to end the expired
			// leases.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.jdbc.sql(
						"SELECT count(*) FROM presence_leases WHERE user_id = ANY(?) AND expires_at <= clock_timestamp()")
					.param(users.toArray(UUID[]::new))
					.query(Long.class)
					.single() == 0);

			for (UUID user : users) {
				Set<String> holders = new TreeSet<>();
				actors.stream()
					.filter((actor) -> actor.held.contains(user))
					.forEach((actor) -> holders.add(actor.instance));
				assertThat(leaseHolders(user)).as("seed %d: leases on %s", seed, user).isEqualTo(holders);
				PresenceStatus expected = holders.isEmpty() ? PresenceStatus.OFFLINE : PresenceStatus.ONLINE;
				assertThat(this.service.get(user).presence()).as("seed %d: presence of %s", seed, user)
					.isEqualTo(expected);
				assertAlternating(seed, user, expected);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private void assertAlternating(long seed, UUID user, PresenceStatus finalStatus) {
		List<Map<String, String>> events = this.jdbc.sql("""
				SELECT payload->>'id' AS event_id, payload->'data'->>'status' AS status,
				       payload->'data'->>'previousStatus' AS previous
				FROM outbox WHERE event_key = ? AND event_type = 'user.presence_changed' ORDER BY outbox.id
				""")
			.param(user.toString())
			.query((rs, row) -> Map.of("id", rs.getString("event_id"), "status", rs.getString("status"), "previous",
					rs.getString("previous")))
			.list();
		String status = "offline";
		Set<String> ids = new HashSet<>();
		for (Map<String, String> event : events) {
			assertThat(ids.add(event.get("id"))).as("seed %d: %s event ids are unique", seed, user).isTrue();
			assertThat(event.get("previous")).as("seed %d: %s events follow each other: %s", seed, user, events)
				.isEqualTo(status);
			assertThat(event.get("status")).as("seed %d: %s events alternate: %s", seed, user, events)
				.isEqualTo(status.equals("offline") ? "online" : "offline");
			status = event.get("status");
		}
		assertThat(status).as("seed %d: %s's last event is their status", seed, user).isEqualTo(finalStatus.value());
	}

	private Set<String> leaseHolders(UUID user) {
		return new TreeSet<>(this.jdbc.sql("SELECT instance_id FROM presence_leases WHERE user_id = ?")
			.param(user)
			.query(String.class)
			.list());
	}

	/**
	 * One thread of a chats-api instance, the only one reporting its users: renews and
	 * releases random sets of them, sometimes with an unknown user, through either
	 * users-api instance, and sometimes lets one of its leases expire as if it had
	 * stopped renewing it.
	 */
	private final class Actor {

		final String instance;

		final List<UUID> owned;

		final Random random;

		/** The users this thread holds an unexpired lease on: its part of the model. */
		final Set<UUID> held = new LinkedHashSet<>();

		Actor(String instance, List<UUID> owned, Random random) {
			this.instance = instance;
			this.owned = owned;
			this.random = random;
		}

		void run(int operations) {
			for (int i = 0; i < operations; i++) {
				int kind = this.random.nextInt(10);
				UsersServiceGrpc.UsersServiceBlockingStub stub = UsersServiceGrpc
					.newBlockingStub(PresenceModelTests.this.channels.get(this.random.nextInt(2)))
					.withDeadlineAfter(30, TimeUnit.SECONDS);
				if (kind < 5) {
					List<UUID> some = some();
					RenewConnectionsRequest.Builder request = RenewConnectionsRequest.newBuilder()
						.setInstanceId(this.instance)
						.setLeaseSeconds(LEASE_SECONDS);
					some.forEach((user) -> request.addUserIds(user.toString()));
					if (this.random.nextInt(10) == 0) {
						request.addUserIds(UUID.randomUUID().toString());
					}
					stub.renewConnections(request.build());
					this.held.addAll(some);
				}
				else if (kind < 8) {
					List<UUID> some = some();
					ReleaseConnectionsRequest.Builder request = ReleaseConnectionsRequest.newBuilder()
						.setInstanceId(this.instance);
					some.forEach((user) -> request.addUserIds(user.toString()));
					stub.releaseConnections(request.build());
					this.held.removeAll(some);
				}
				else if (!this.held.isEmpty()) {
					UUID user = new ArrayList<>(this.held).get(this.random.nextInt(this.held.size()));
					// Time passing, which takes no lock.
					PresenceModelTests.this.jdbc.sql("""
							UPDATE presence_leases SET expires_at = clock_timestamp() - interval '1 millisecond'
							WHERE user_id = ? AND instance_id = ?
							""").param(user).param(this.instance).update();
					this.held.remove(user);
				}
			}
		}

		/** A random non-empty subset of the owned users, in random order. */
		private List<UUID> some() {
			List<UUID> some = new ArrayList<>(this.owned);
			Collections.shuffle(some, this.random);
			return some.subList(0, 1 + this.random.nextInt(some.size()));
		}

	}

}
