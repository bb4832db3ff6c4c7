package io.chatapp.worker;

import java.util.List;

import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The real PostgreSQL that worker tests run against: the JVM's embedded server, migrated
 * once by the db-migration job's own code, reached as the service's role like in
 * production.
 */
final class ChatsTestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String ROLE = "chats_app";

	static final String PASSWORD = "chats_app_test";

	private static boolean migrated;

	static synchronized EmbeddedPostgresServer start() {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
		if (!migrated) {
			new DatabaseMigrator(adminDataSource(server), List.of(new ServiceSchema("chats", ROLE, PASSWORD)))
				.migrate();
			migrated = true;
		}
		return server;
	}

	/**
	 * The superuser, for what the service's role may not do (such as altering a table).
	 * @return a client on the {@code chats} schema
	 */
	static JdbcClient admin() {
		DriverManagerDataSource dataSource = adminDataSource(start());
		dataSource.setSchema("chats");
		return JdbcClient.create(dataSource);
	}

	private static DriverManagerDataSource adminDataSource(EmbeddedPostgresServer server) {
		return new DriverManagerDataSource(server.jdbcUrl(), server.superuser(), "");
	}

	static String[] properties() {
		return new String[] { "spring.datasource.url=" + start().jdbcUrl(), "spring.datasource.username=" + ROLE,
				"spring.datasource.password=" + PASSWORD };
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestPropertyValues.of(properties()).applyTo(context);
	}

}
