package io.chatapp.users.user;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Connection leases in table {@code presence_leases}: one row per user and chats-api
 * instance holding a socket of theirs. Callers lock the users' rows first (see
 * {@link ConnectionPresence}); times are the database's, so every users-api instance
 * judges expiry by the same clock.
 */
@Repository
class PresenceLeases {

	private final JdbcClient jdbc;

	PresenceLeases(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The database's current time (not the transaction's start, which may be long past
	 * after waiting for locks).
	 * @return the time now
	 */
	OffsetDateTime now() {
		return this.jdbc.sql("SELECT clock_timestamp()").query(OffsetDateTime.class).single();
	}

	/**
	 * Of some users, those holding a lease that is still valid at a time.
	 * @param userIds the users to look at
	 * @param at the time
	 * @return the users with a lease expiring after {@code at}
	 */
	Set<UUID> holders(Collection<UUID> userIds, OffsetDateTime at) {
		if (userIds.isEmpty()) {
			return Set.of();
		}
		return new HashSet<>(this.jdbc
			.sql("SELECT DISTINCT user_id FROM presence_leases WHERE user_id = ANY(:ids) AND expires_at > :at")
			.param("ids", userIds.toArray(UUID[]::new))
			.param("at", at)
			.query(UUID.class)
			.list());
	}

	/**
	 * Creates or extends one instance's leases on some users.
	 * @param instanceId the instance
	 * @param userIds existing users
	 * @param expiresAt the new expiry of each lease
	 */
	void renew(String instanceId, Collection<UUID> userIds, OffsetDateTime expiresAt) {
		if (userIds.isEmpty()) {
			return;
		}
		this.jdbc.sql("""
				INSERT INTO presence_leases (user_id, instance_id, expires_at)
				SELECT user_id, :instanceId, :expiresAt FROM unnest(:ids) AS ids(user_id)
				ON CONFLICT (user_id, instance_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
				""")
			.param("ids", userIds.toArray(UUID[]::new))
			.param("instanceId", instanceId)
			.param("expiresAt", expiresAt)
			.update();
	}

	/**
	 * Ends one instance's leases on some users.
	 * @param instanceId the instance
	 * @param userIds the users
	 */
	void release(String instanceId, Collection<UUID> userIds) {
		if (userIds.isEmpty()) {
			return;
		}
		this.jdbc.sql("DELETE FROM presence_leases WHERE instance_id = :instanceId AND user_id = ANY(:ids)")
			.param("ids", userIds.toArray(UUID[]::new))
			.param("instanceId", instanceId)
			.update();
	}

	/**
	 * Deletes the leases of some users that expired by a time.
	 * @param userIds the users
	 * @param at the time
	 */
	void deleteExpired(Collection<UUID> userIds, OffsetDateTime at) {
		if (userIds.isEmpty()) {
			return;
		}
		this.jdbc.sql("DELETE FROM presence_leases WHERE user_id = ANY(:ids) AND expires_at <= :at")
			.param("ids", userIds.toArray(UUID[]::new))
			.param("at", at)
			.update();
	}

}
