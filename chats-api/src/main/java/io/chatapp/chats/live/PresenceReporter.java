package io.chatapp.chats.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.users.v1.ReleaseConnectionsRequest;
import io.chatapp.users.v1.RenewConnectionsRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells users-api which users hold a socket on this instance, as leases: renewed for all
 * of them every {@code presenceRenewInterval}, at once for a user's first socket here,
 * and released {@code presenceGrace} after their last one closed (a page reload
 * reconnects within it, so presence does not flap). If this instance dies, its leases run
 * out and users-api makes those users offline.
 *
 * <p>
 * Calls run on one background thread, never on a socket's; a failed call is logged and
 * made good by the next renewal.
 */
@Component
class PresenceReporter implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PresenceReporter.class);

	/** Renewals are sent in chunks users-api accepts. */
	private static final int CHUNK = 5000;

	private final UsersServiceGrpc.UsersServiceBlockingStub users;

	private final ChatsProperties.Live properties;

	private final Duration deadline;

	/** This process; a restarted instance is a new one, so stale leases simply expire. */
	private final String instanceId = "chats-api-" + UUID.randomUUID();

	/** Users whose last socket here closed, until the grace period ends. */
	private final Set<UUID> leaving = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService executor;

	private volatile Supplier<Set<UUID>> connected = Set::of;

	private volatile ScheduledFuture<?> renewal;

	private volatile boolean failing;

	PresenceReporter(UsersServiceGrpc.UsersServiceBlockingStub users, ChatsProperties properties) {
		this.users = users;
		this.properties = properties.live();
		this.deadline = properties.usersDeadline();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "presence-reporter");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.executor = executor;
	}

	/** Where the users with a socket here are read from. */
	void watch(Supplier<Set<UUID>> connected) {
		this.connected = connected;
	}

	/** A socket of the user was authenticated here. */
	void connected(UUID userId) {
		if (!this.leaving.remove(userId)) {
			// Back within the grace period: the lease never lapsed. Otherwise say so now,
			// not at the next renewal.
			submit(() -> renew(List.of(userId)));
		}
	}

	/** The user's last socket here closed. */
	void disconnected(UUID userId) {
		this.leaving.add(userId);
		try {
			this.executor.schedule(() -> {
				if (this.leaving.remove(userId) && !this.connected.get().contains(userId)) {
					release(List.of(userId));
				}
			}, this.properties.presenceGrace().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Stopping: every lease is released anyway.
		}
	}

	private void submit(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing more to report.
		}
	}

	private void renewAll() {
		inChunks(this::renew);
	}

	private void inChunks(Consumer<List<UUID>> action) {
		Set<UUID> unique = new LinkedHashSet<>(this.connected.get());
		unique.addAll(this.leaving);
		List<UUID> all = new ArrayList<>(unique);
		for (int from = 0; from < all.size(); from += CHUNK) {
			action.accept(all.subList(from, Math.min(all.size(), from + CHUNK)));
		}
	}

	private void renew(List<UUID> userIds) {
		if (userIds.isEmpty()) {
			return;
		}
		call(() -> this.users.withDeadlineAfter(this.deadline.toMillis(), TimeUnit.MILLISECONDS)
			.renewConnections(RenewConnectionsRequest.newBuilder()
				.setInstanceId(this.instanceId)
				.addAllUserIds(userIds.stream().map(UUID::toString).toList())
				.setLeaseSeconds((int) this.properties.presenceLease().toSeconds())
				.build()));
	}

	private void release(List<UUID> userIds) {
		if (userIds.isEmpty()) {
			return;
		}
		call(() -> this.users.withDeadlineAfter(this.deadline.toMillis(), TimeUnit.MILLISECONDS)
			.releaseConnections(ReleaseConnectionsRequest.newBuilder()
				.setInstanceId(this.instanceId)
				.addAllUserIds(userIds.stream().map(UUID::toString).toList())
				.build()));
	}

	private void call(Runnable call) {
		try {
			call.run();
			if (this.failing) {
				log.info("Presence reports reach users-api again");
				this.failing = false;
			}
		}
		catch (StatusRuntimeException ex) {
			if (!this.failing) {
				log.warn("Presence report to users-api failed; the next renewal retries: {}", ex.getStatus());
				this.failing = true;
			}
		}
	}

	@Override
	public void start() {
		long every = this.properties.presenceRenewInterval().toMillis();
		this.renewal = this.executor.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
	}

	/** Releases every lease of this instance, so its users go offline at once. */
	@Override
	public void stop() {
		ScheduledFuture<?> scheduled = this.renewal;
		if (scheduled == null) {
			return;
		}
		scheduled.cancel(false);
		this.renewal = null;
		submit(() -> inChunks(this::release));
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.renewal != null;
	}

}
