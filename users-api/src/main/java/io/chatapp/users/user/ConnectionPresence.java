package io.chatapp.users.user;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import io.chatapp.users.outbox.Outbox;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Presence driven by connections: chats-api instances hold leases on the users with a
 * socket on them (see {@link PresenceLeases}), and a user is connected while any lease is
 * unexpired. Gaining the first lease makes an {@code offline} user {@code online}; losing
 * the last one (released, or expired because its instance died) makes a user
 * {@code offline}. A user who is already connected keeps the status they chose.
 *
 * <p>
 * Every change of a user's leases happens with the user's row locked, and the locks are
 * taken in id order, so renewals and releases of several instances, the reapers of
 * several users-api instances and {@code PUT /api/users/me/presence} apply one after the
 * other per user, and each transition is seen, and recorded as one
 * {@code user.presence_changed}, exactly once.
 */
@Service
class ConnectionPresence {

	/** Users the reaper handles per transaction. */
	static final int REAP_BATCH = 500;

	private final UserRepository users;

	private final PresenceLeases leases;

	private final Outbox outbox;

	private final Clock clock;

	ConnectionPresence(UserRepository users, PresenceLeases leases, Outbox outbox, Clock clock) {
		this.users = users;
		this.leases = leases;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Creates or extends an instance's leases on some users; those who were not connected
	 * and are {@code offline} become {@code online}.
	 * @param instanceId the chats-api instance
	 * @param userIds the users with a socket there; unknown ones are ignored
	 * @param lease how long the leases last unless renewed
	 */
	@Transactional
	void renew(String instanceId, Collection<UUID> userIds, Duration lease) {
		Map<UUID, PresenceStatus> locked = this.users.lockPresences(userIds);
		if (locked.isEmpty()) {
			return;
		}
		OffsetDateTime now = this.leases.now();
		Set<UUID> connected = this.leases.holders(locked.keySet(), now);
		this.leases.renew(instanceId, locked.keySet(), now.plus(lease));
		change(locked, (id) -> !connected.contains(id) && locked.get(id) == PresenceStatus.OFFLINE,
				PresenceStatus.ONLINE);
	}

	/**
	 * Ends an instance's leases on some users; those left with no valid lease become
	 * {@code offline}.
	 * @param instanceId the chats-api instance
	 * @param userIds the users whose last socket there closed; unknown ones are ignored
	 */
	@Transactional
	void release(String instanceId, Collection<UUID> userIds) {
		Map<UUID, PresenceStatus> locked = this.users.lockPresences(userIds);
		if (locked.isEmpty()) {
			return;
		}
		this.leases.release(instanceId, locked.keySet());
		disconnect(locked, this.leases.now());
	}

	/**
	 * Deletes one batch of expired leases; their users left with no valid lease become
	 * {@code offline}. Users locked elsewhere are left for a later round.
	 * @return how many users were looked at; 0 when no expired lease could be taken
	 */
	@Transactional
	int reap() {
		Map<UUID, PresenceStatus> locked = this.users.lockPresencesWithExpiredLeases(REAP_BATCH);
		if (locked.isEmpty()) {
			return 0;
		}
		// Taken after the locks: every lease renewed before them is seen as renewed.
		OffsetDateTime now = this.leases.now();
		this.leases.deleteExpired(locked.keySet(), now);
		disconnect(locked, now);
		return locked.size();
	}

	private void disconnect(Map<UUID, PresenceStatus> locked, OffsetDateTime now) {
		Set<UUID> connected = this.leases.holders(locked.keySet(), now);
		change(locked, (id) -> !connected.contains(id) && locked.get(id) != PresenceStatus.OFFLINE,
				PresenceStatus.OFFLINE);
	}

	private void change(Map<UUID, PresenceStatus> locked, Predicate<UUID> changes, PresenceStatus status) {
		List<UUID> changed = locked.keySet().stream().filter(changes).toList();
		if (changed.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		this.users.updatePresences(changed, status, now);
		changed.forEach((id) -> this.outbox.record(UserService.presenceChanged(id, status, locked.get(id), now)));
	}

}
