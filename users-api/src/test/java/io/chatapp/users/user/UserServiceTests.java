package io.chatapp.users.user;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.UsersTestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The users service and its repository against the real PostgreSQL: normalisation,
 * database-enforced uniqueness, indexed prefix search, and events recorded with their
 * change and only with it.
 */
@SpringBootTest(properties = { "spring.grpc.server.port=0", "chatapp.outbox.enabled=false",
		// No broker in these tests: readiness must not depend on one at localhost:9092.
		"management.health.kafka.enabled=false" })
class UserServiceTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@Autowired
	UserService service;

	@Autowired
	UserRepository repository;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Test
	void registrationNormalisesUsernameAndEmailAndHashesThePassword() {
		String name = unique("Norm");
		User user = register(name, "  " + name.toUpperCase() + "@Example.COM ", "a long password");
		assertThat(user.username()).isEqualTo(name.toLowerCase());
		assertThat(user.email()).isEqualTo(name.toLowerCase() + "@example.com");
		assertThat(user.passwordHash()).startsWith("{argon2@SpringSecurity_v5_8}").doesNotContain("a long password");
		assertThat(this.repository.findById(user.id())).contains(user);
		assertThat(this.service.findByLogin(name.toUpperCase())).contains(user);
		assertThat(this.service.findByLogin(" " + name.toUpperCase() + "@example.com")).contains(user);
		assertThat(this.service.passwordMatches(Optional.of(user), "a long password")).isTrue();
		assertThat(this.service.passwordMatches(Optional.of(user), "another password")).isFalse();
		assertThat(this.service.passwordMatches(Optional.empty(), "a long password")).isFalse();
	}

	@Test
	void theDatabaseRejectsCaseInsensitiveDuplicatesEvenBypassingTheService() {
		String name = unique("raw");
		register(name, name + "@example.com", "password1");
		assertThatExceptionOfType(DuplicateKeyException.class)
			.isThrownBy(() -> insertRaw("other_" + name, name.toUpperCase() + "@EXAMPLE.COM"))
			.withMessageContaining("users_email_key");
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> insertRaw(name.toUpperCase(), "third_" + name + "@example.com"))
			.as("usernames are stored in lower case only");
	}

	@Test
	void aRejectedRegistrationRecordsNoEvent() {
		String name = unique("dupe");
		register(name, name + "@example.com", "password1");
		long before = outboxCount();
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> register(name, "second-" + name + "@example.com", "password1"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.CONFLICT));
		assertThat(outboxCount()).isEqualTo(before);
	}

	@Test
	void profileUpdatesRecordAnEventOnlyWhenSomethingChanged() {
		User user = register(unique("prof"), unique("prof") + "@example.com", "password1");
		User updated = this.service.updateProfile(user.id(),
				new UserRequests.UpdateProfile(" New Name ", "https://img.example.com/a.png", "busy coding"));
		assertThat(updated.displayName()).isEqualTo("New Name");
		assertThat(this.service.get(user.id())).isEqualTo(updated);
		assertThat(eventTypes(user.id())).containsExactly("user.registered", "user.updated");

		this.service.updateProfile(user.id(), new UserRequests.UpdateProfile(null, null, null));
		assertThat(eventTypes(user.id())).hasSize(2);

		User cleared = this.service.updateProfile(user.id(), new UserRequests.UpdateProfile(null, "", ""));
		assertThat(cleared.avatarUrl()).isNull();
		assertThat(cleared.statusMessage()).isNull();
		assertThat(cleared.displayName()).isEqualTo("New Name");
	}

	@Test
	void presenceChangesAreRecordedOnceAndLastSeenMoves() {
		User user = register(unique("pres"), unique("pres") + "@example.com", "password1");
		User online = this.service.setPresence(user.id(), PresenceStatus.ONLINE);
		this.service.setPresence(user.id(), PresenceStatus.ONLINE);
		assertThat(online.lastSeenAt()).isNotNull();
		assertThat(this.service.get(user.id()).presence()).isEqualTo(PresenceStatus.ONLINE);
		assertThat(eventTypes(user.id())).containsExactly("user.registered", "user.presence_changed");
	}

	@Test
	void unknownUsersAre404ForUpdates() {
		assertThatExceptionOfType(ProblemException.class)
			.isThrownBy(() -> this.service.setPresence(UUID.randomUUID(), PresenceStatus.AWAY))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND));
	}

	@Test
	void searchMatchesPrefixesOfUsernameOrDisplayNameAndTreatsWildcardsLiterally() {
		String tag = UUID.randomUUID().toString().substring(0, 6);
		User byName = register("zed_" + tag, "zed_" + tag + "@example.com", "password1");
		User byDisplay = this.service
			.register(new UserRequests.Register("q_" + tag, "Zed " + tag, "q_" + tag + "@example.com", "password1"));
		register("x_zed_" + tag, "x_zed_" + tag + "@example.com", "password1");
		assertThat(this.service.search("ZED_" + tag, 10)).extracting(User::id).containsExactly(byName.id());
		assertThat(this.service.search("zed", 50)).extracting(User::id).contains(byName.id(), byDisplay.id());
		assertThat(this.service.search("%", 50)).isEmpty();
		assertThat(this.service.search("_ed", 50)).isEmpty();
	}

	@Test
	void prefixSearchUsesTheIndexes() {
		String plan = this.transactions.execute((status) -> {
			// Planner costs on a small table favour a scan; forbid it to see the indexes
			// are usable.
			this.jdbc.sql("SET LOCAL enable_seqscan = off").update();
			return this.jdbc.sql("""
					EXPLAIN SELECT id FROM users WHERE lower(username) LIKE 'ab%' OR lower(display_name) LIKE 'ab%'""")
				.query((rs, row) -> rs.getString(1))
				.list()
				.toString();
		});
		assertThat(plan).contains("users_username_prefix_idx").contains("users_display_name_prefix_idx");
	}

	private User register(String username, String email, String password) {
		return this.service.register(new UserRequests.Register(username, null, email, password));
	}

	private void insertRaw(String username, String email) {
		this.jdbc.sql("""
				INSERT INTO users (id, username, display_name, email, password_hash)
				VALUES (:id, :username, 'x', :email, 'h')""")
			.param("id", UUID.randomUUID())
			.param("username", username)
			.param("email", email)
			.update();
	}

	private List<String> eventTypes(UUID userId) {
		return this.jdbc.sql("SELECT event_type FROM outbox WHERE event_key = :key ORDER BY id")
			.param("key", userId.toString())
			.query(String.class)
			.list();
	}

	private long outboxCount() {
		return this.jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
	}

	private static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
	}

}
