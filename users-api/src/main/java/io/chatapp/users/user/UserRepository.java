package io.chatapp.users.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users in schema {@code users}. */
@Repository
public class UserRepository {

	private static final String COLUMNS = """
			id, username, display_name, email, password_hash, avatar_url, status_message, presence,
			last_seen_at, created_at""";

	private static final RowMapper<User> ROW_MAPPER = UserRepository::map;

	private final JdbcClient jdbc;

	UserRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts a new user. The unique indexes on lower(username) and lower(email) reject
	 * duplicates with a {@code DuplicateKeyException}.
	 * @param user the user to insert
	 */
	void insert(User user) {
		this.jdbc.sql("""
				INSERT INTO users (id, username, display_name, email, password_hash, presence, created_at, updated_at)
				VALUES (:id, :username, :displayName, :email, :passwordHash, :presence, :createdAt, :createdAt)
				""")
			.param("id", user.id())
			.param("username", user.username())
			.param("displayName", user.displayName())
			.param("email", user.email())
			.param("passwordHash", user.passwordHash())
			.param("presence", user.presence().value())
			.param("createdAt", Timestamp.from(user.createdAt()))
			.update();
	}

	public Optional<User> findById(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
			.param("id", id)
			.query(ROW_MAPPER)
			.optional();
	}

	/**
	 * Finds a user to log in by username or email, case-insensitively.
	 * @param login a username or an email
	 * @return the user, if any
	 */
	Optional<User> findByLogin(String login) {
		String normalised = login.trim().toLowerCase(Locale.ROOT);
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM users WHERE lower(username) = :login OR lower(email) = :login")
			.param("login", normalised)
			.query(ROW_MAPPER)
			.optional();
	}

	public List<User> findAllById(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = ANY(:ids)")
			.param("ids", ids.toArray(UUID[]::new))
			.query(ROW_MAPPER)
			.list();
	}

	/**
	 * Users whose username or display name starts with the prefix, case-insensitively,
	 * served by the prefix indexes.
	 * @param prefix the start of a name
	 * @param limit the most to return
	 * @return matches ordered by username
	 */
	List<User> searchByPrefix(String prefix, int limit) {
		String pattern = escapeLike(prefix.toLowerCase(Locale.ROOT)) + "%";
		return this.jdbc.sql("""
				SELECT %s FROM users
				WHERE lower(username) LIKE :pattern OR lower(display_name) LIKE :pattern
				ORDER BY username
				LIMIT :limit
				""".formatted(COLUMNS)).param("pattern", pattern).param("limit", limit).query(ROW_MAPPER).list();
	}

	int updateProfile(UUID id, String displayName, String avatarUrl, String statusMessage) {
		return this.jdbc.sql("""
				UPDATE users SET display_name = :displayName, avatar_url = :avatarUrl,
				       status_message = :statusMessage, updated_at = now()
				WHERE id = :id
				""")
			.param("id", id)
			.param("displayName", displayName)
			.param("avatarUrl", avatarUrl)
			.param("statusMessage", statusMessage)
			.update();
	}

	int updatePresence(UUID id, PresenceStatus presence, Instant lastSeenAt) {
		return this.jdbc.sql("""
				UPDATE users SET presence = :presence, last_seen_at = :lastSeenAt, updated_at = now()
				WHERE id = :id
				""")
			.param("id", id)
			.param("presence", presence.value())
			.param("lastSeenAt", Timestamp.from(lastSeenAt))
			.update();
	}

	/**
	 * Locks the user's row for the rest of the transaction, so concurrent changes of one
	 * user are applied (and their events recorded) one after the other.
	 * @param id the user
	 * @return the user as locked, if it exists
	 */
	Optional<User> lockById(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id FOR UPDATE")
			.param("id", id)
			.query(ROW_MAPPER)
			.optional();
	}

	/**
	 * Sets the presence of several users at once.
	 * @param ids the users
	 * @param presence their new presence
	 * @param lastSeenAt when it was set
	 */
	void updatePresences(Collection<UUID> ids, PresenceStatus presence, Instant lastSeenAt) {
		if (ids.isEmpty()) {
			return;
		}
		this.jdbc.sql("""
				UPDATE users SET presence = :presence, last_seen_at = :lastSeenAt, updated_at = now()
				WHERE id = ANY(:ids)
				""")
			.param("ids", ids.toArray(UUID[]::new))
			.param("presence", presence.value())
			.param("lastSeenAt", Timestamp.from(lastSeenAt))
			.update();
	}

	/**
	 * Locks the rows of those of the users that exist, in id order, so that transactions
	 * locking overlapping sets wait for each other instead of deadlocking.
	 * @param ids the users, in any order, unknown ones allowed
	 * @return the presence of each locked user, by id
	 */
	Map<UUID, PresenceStatus> lockPresences(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return Map.of();
		}
		return presences(this.jdbc.sql("SELECT id, presence FROM users WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
			.param("ids", ids.toArray(UUID[]::new)));
	}

	/**
	 * Locks some users who hold an expired connection lease, skipping users whose rows
	 * another transaction holds (another instance's reaper, or a renewal that is about to
	 * change the user's leases anyway): they are looked at again next time. The time is
	 * the statement's (stable, unlike {@code clock_timestamp()}), so the expiry index
	 * finds the expired leases without reading the others.
	 * @param limit the most leases to look at, oldest expiry first
	 * @return the presence of each locked user, by id
	 */
	Map<UUID, PresenceStatus> lockPresencesWithExpiredLeases(int limit) {
		return presences(this.jdbc.sql("""
				SELECT id, presence FROM users
				WHERE id IN (
				    SELECT user_id FROM presence_leases WHERE expires_at <= statement_timestamp()
				    ORDER BY expires_at LIMIT :limit)
				ORDER BY id
				FOR UPDATE SKIP LOCKED
				""").param("limit", limit));
	}

	private static Map<UUID, PresenceStatus> presences(JdbcClient.StatementSpec statement) {
		Map<UUID, PresenceStatus> presences = new LinkedHashMap<>();
		statement.query((rs) -> {
			presences.put(rs.getObject("id", UUID.class), PresenceStatus.of(rs.getString("presence")));
		});
		return presences;
	}

	private static String escapeLike(String value) {
		return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	private static User map(ResultSet rs, int row) throws SQLException {
		return new User(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("display_name"),
				rs.getString("email"), rs.getString("password_hash"), rs.getString("avatar_url"),
				rs.getString("status_message"), PresenceStatus.of(rs.getString("presence")),
				instant(rs.getTimestamp("last_seen_at")), instant(rs.getTimestamp("created_at")));
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
