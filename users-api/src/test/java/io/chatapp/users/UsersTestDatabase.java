package io.chatapp.users;

import java.util.List;

import javax.sql.DataSource;

import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real PostgreSQL that users-api tests run against: the JVM's embedded server,
 * migrated once by the db-migration job's own code, reached as the service's role like in
 * production.
 */
public final class UsersTestDatabase {

	static final String ROLE = "users_app";

	static final String PASSWORD = "users_app_test";

	private static boolean migrated;

	private UsersTestDatabase() {
	}

	/**
	 * Starts and migrates the database on first use.
	 * @return the running server
	 */
	public static synchronized EmbeddedPostgresServer start() {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
		if (!migrated) {
			DriverManagerDataSource admin = new DriverManagerDataSource(server.jdbcUrl(), server.superuser(), "");
			new DatabaseMigrator(admin, List.of(new ServiceSchema("users", ROLE, PASSWORD))).migrate();
			migrated = true;
		}
		return server;
	}

	/**
	 * A new data source as the service's role, for tests that need connections of their
	 * own, like a second instance has.
	 * @return the data source
	 */
	public static DataSource dataSource() {
		return new DriverManagerDataSource(start().jdbcUrl(), ROLE, PASSWORD);
	}

	public static void register(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer server = start();
		registry.add("spring.datasource.url", server::jdbcUrl);
		registry.add("spring.datasource.username", () -> ROLE);
		registry.add("spring.datasource.password", () -> PASSWORD);
	}

}
