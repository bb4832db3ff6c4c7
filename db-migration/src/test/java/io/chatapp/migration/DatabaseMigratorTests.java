package io.chatapp.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.chatapp.testsupport.EmbeddedPostgresServer;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The migration job against a real PostgreSQL. Each test class run works in a database of
 * its own, so the schemas start empty even though the server (and its data directory) is
 * shared; roles are cluster-wide, so tests that create one use a unique name.
 */
class DatabaseMigratorTests {

	private static final EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();

	private static final MigrationProperties.ServiceSchema USERS = new MigrationProperties.ServiceSchema("users",
			"users_app", "users-secret");

	private static final MigrationProperties.ServiceSchema CHATS = new MigrationProperties.ServiceSchema("chats",
			"chats_app", "chats-secret");

	private static String database;

	private static DataSource admin;

	private static int firstRunApplied;

	private static final List<String> uniqueRoles = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void createDatabaseAndMigrateOnce() {
		database = "migrator_" + UUID.randomUUID().toString().replace("-", "");
		new JdbcTemplate(dataSource("postgres", postgres.superuser(), "")).execute("CREATE DATABASE " + database);
		admin = dataSource(database, postgres.superuser(), "");
		firstRunApplied = new DatabaseMigrator(admin, List.of(USERS, CHATS)).migrate();
	}

	@AfterAll
	static void dropDatabaseAndUniqueRoles() {
		// The server's data directory outlives the test run: leave nothing behind but the
		// shared roles.
		JdbcTemplate jdbc = new JdbcTemplate(dataSource("postgres", postgres.superuser(), ""));
		jdbc.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		uniqueRoles.forEach((role) -> jdbc.execute("DROP ROLE IF EXISTS " + role));
	}

	@Test
	void theFirstRunAppliesTheUsersMigrations() {
		JdbcTemplate jdbc = new JdbcTemplate(admin);

		assertThat(appliedVersions(jdbc, "users")).startsWith("1");
		assertThat(jdbc.queryForList(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = 'users' ORDER BY table_name",
				String.class))
			.contains("users", "signing_keys", "outbox", "login_attempts", "presence_leases");
	}

	@Test
	void theFirstRunCountsEveryMigrationItApplied() {
		JdbcTemplate jdbc = new JdbcTemplate(admin);

		assertThat(firstRunApplied)
			.isEqualTo(appliedVersions(jdbc, "users").size() + appliedVersions(jdbc, "chats").size())
			.isPositive();
	}

	@Test
	void theFirstRunCreatesBothRolesAndSchemas() {
		JdbcTemplate jdbc = new JdbcTemplate(admin);

		assertThat(jdbc.queryForList(
				"SELECT rolname FROM pg_roles WHERE rolname IN ('users_app', 'chats_app') AND rolcanlogin",
				String.class))
			.containsExactlyInAnyOrder("users_app", "chats_app");
		assertThat(jdbc.queryForList(
				"SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('users', 'chats')",
				String.class))
			.containsExactlyInAnyOrder("users", "chats");
	}

	@Test
	void aSchemaWithoutMigrationsIsStillCreated() {
		// No classpath:db/migration/empty_* folder exists.
		String schema = "empty_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

		int applied = new DatabaseMigrator(admin,
				List.of(new MigrationProperties.ServiceSchema(schema, uniqueRole("empty_"), "pw")))
			.migrate();

		assertThat(applied).isZero();
		assertThat(new JdbcTemplate(admin).queryForObject(
				"SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", Integer.class, schema))
			.isEqualTo(1);
	}

	@Test
	void aSecondRunAppliesNothing() {
		assertThat(new DatabaseMigrator(admin, List.of(USERS, CHATS)).migrate()).isZero();
	}

	@Test
	void aNewRoleIsCreatedAndCanLogIn() throws SQLException {
		String role = uniqueRole("fresh_");
		JdbcTemplate jdbc = new JdbcTemplate(admin);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = ?", Integer.class, role))
			.isZero();

		new DatabaseMigrator(admin, List.of(new MigrationProperties.ServiceSchema("chats", role, "pw"))).migrate();

		assertThat(jdbc.queryForObject("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", Boolean.class, role))
			.isTrue();
		try (Connection connection = connect(role, "pw")) {
			assertThat(new JdbcTemplate(new SingleConnectionDataSource(connection, true))
				.queryForObject("SELECT current_user", String.class)).isEqualTo(role);
		}
	}

	@Test
	void theServiceRoleCanReadAndWriteItsTables() throws SQLException {
		try (Connection connection = connect("users_app", "users-secret")) {
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
			UUID id = UUID.randomUUID();
			String username = "u" + id.toString().substring(0, 8);

			int inserted = jdbc.update(
					"INSERT INTO users.users (id, username, display_name, email, password_hash) VALUES (?, ?, ?, ?, ?)",
					id, username, "User", username + "@example.com", "hash");

			assertThat(inserted).isEqualTo(1);
			assertThat(jdbc.queryForObject("SELECT username FROM users.users WHERE id = ?", String.class, id))
				.isEqualTo(username);
			assertThat(jdbc.update("INSERT INTO users.outbox (event_id, topic, event_key, event_type, payload) "
					+ "VALUES (?, 't', 'k', 'e', '{}'::jsonb)", UUID.randomUUID()))
				.as("identity columns need the sequence grant")
				.isEqualTo(1);
		}
	}

	@Test
	void theServiceRoleFindsItsTablesWithoutASchemaPrefix() throws SQLException {
		try (Connection connection = connect("users_app", "users-secret")) {
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));

			assertThat(jdbc.queryForObject("SHOW search_path", String.class)).isEqualTo("users");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isNotNull();
		}
	}

	@Test
	void theServiceRoleCannotCreateTablesInItsSchema() throws SQLException {
		try (Connection connection = connect("users_app", "users-secret")) {
			assertPermissionDenied(connection, "CREATE TABLE users.sneaky (id int)");
		}
	}

	@Test
	void theServiceRoleCannotReadTheMigrationHistory() throws SQLException {
		try (Connection connection = connect("users_app", "users-secret")) {
			assertPermissionDenied(connection, "SELECT * FROM users.flyway_schema_history");
		}
	}

	@Test
	void theServiceRoleCannotReadAnotherServicesTables() throws SQLException {
		new JdbcTemplate(admin).execute("CREATE TABLE IF NOT EXISTS chats.secrets (id int)");
		try (Connection connection = connect("users_app", "users-secret")) {
			assertPermissionDenied(connection, "SELECT * FROM chats.secrets");
		}
	}

	@Test
	void anInvalidRoleNameIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DatabaseMigrator(admin,
					List.of(new MigrationProperties.ServiceSchema("users", "users_app; DROP ROLE postgres", "pw"))))
			.withMessageContaining("role");
	}

	@Test
	void anInvalidSchemaNameOrAMissingPasswordIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DatabaseMigrator(admin,
				List.of(new MigrationProperties.ServiceSchema("Users-Schema", "users_app", "pw"))));
		assertThatIllegalArgumentException().isThrownBy(() -> new DatabaseMigrator(admin,
				List.of(new MigrationProperties.ServiceSchema("users", "users_app", ""))));
	}

	@Test
	void aPasswordWithAQuoteIsStoredSafely() {
		String role = uniqueRole("quoted_");

		new DatabaseMigrator(admin, List.of(new MigrationProperties.ServiceSchema("chats", role, "it's secret")))
			.migrate();

		assertThat(new JdbcTemplate(admin).queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = ?",
				Integer.class, role))
			.isEqualTo(1);
	}

	@Test
	void aBrokenMigrationFailsNamingTheFile() {
		String role = uniqueRole("broken_");
		DatabaseMigrator migrator = new DatabaseMigrator(admin,
				List.of(new MigrationProperties.ServiceSchema("broken", role, "pw")));

		assertThatExceptionOfType(FlywayException.class).isThrownBy(migrator::migrate)
			.withMessageContaining("V1__broken.sql");
	}

	private static List<String> appliedVersions(JdbcTemplate jdbc, String schema) {
		return jdbc.queryForList(
				"SELECT version FROM " + schema
						+ ".flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank",
				String.class);
	}

	private static String uniqueRole(String prefix) {
		String role = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		uniqueRoles.add(role);
		return role;
	}

	private static void assertPermissionDenied(Connection connection, String sql) {
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		})
			.withMessageContaining("permission denied")
			// insufficient_privilege, not a typo or a missing table
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501"));
	}

	private static Connection connect(String user, String password) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(database), user, password);
	}

	private static DataSource dataSource(String db, String user, String password) {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), jdbcUrl(db), user,
				password);
		return dataSource;
	}

	private static String jdbcUrl(String db) {
		return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + db;
	}

}
