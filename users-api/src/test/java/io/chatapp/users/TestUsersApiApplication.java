package io.chatapp.users;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.boot.SpringApplication;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Runs users-api alone on an embedded PostgreSQL (port 55432, data kept in
 * {@code .data/users-api-local}), migrated first like the AppHost does:
 * {@code ./mvnw -pl users-api -am spring-boot:test-run}.
 */
public final class TestUsersApiApplication {

	private TestUsersApiApplication() {
	}

	public static void main(String[] args) {
		EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(Path.of(".data", "users-api-local"), 55432);
		Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
		DriverManagerDataSource admin = new DriverManagerDataSource(postgres.jdbcUrl(), postgres.superuser(), "");
		new DatabaseMigrator(admin, List.of(new ServiceSchema("users", "users_app", "users_app"))).migrate();
		// No Kafka here: events wait in the outbox, and health leaves Kafka out.
		SpringApplication.from(UsersApiApplication::main)
			.run(concat(args, "--spring.datasource.url=" + postgres.jdbcUrl(), "--chatapp.outbox.enabled=false",
					"--management.health.kafka.enabled=false"));
	}

	private static String[] concat(String[] args, String... extra) {
		String[] all = Arrays.copyOf(args, args.length + extra.length);
		System.arraycopy(extra, 0, all, args.length, extra.length);
		return all;
	}

}
