package io.chatapp.apphost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.ResourceSnapshot;
import io.chatapp.hosting.ResourceState;
import io.chatapp.testsupport.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * External mode: with {@code postgres.url} set, no PostgreSQL is started and the
 * migration job runs against the named server.
 */
class ExternalPostgresTests {

	private EmbeddedPostgresServer external;

	private DistributedApplication app;

	@BeforeEach
	void startAnExistingServer() {
		this.external = EmbeddedPostgresServer.start(Path.of("target", "apphost-tests", "external-postgres"),
				TestModels.freePort());
	}

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.stop();
		}
		this.external.close();
	}

	@Test
	void theMigrationRunsAgainstTheExternalServerAndNoEmbeddedOneStarts() throws Exception {
		assumeTrue(TestModels.jarExists("users-api"), "the service jars have not been built");
		Map<String, String> options = TestModels.options("external-postgres-model");
		options.put("postgres.url", this.external.jdbcUrl());
		options.put("postgres.username", "postgres");
		options.put("postgres.password", "postgres");
		// Only what this test is about: the database and the migration.
		for (String resource : new String[] { "kafka", "users-api", "chats-api", "chats-worker", "web" }) {
			options.put(resource + ".enabled", "false");
		}
		this.app = AppHost.build(HostOptions.of(options));

		this.app.start();

		ResourceSnapshot postgres = this.app.resource("postgres").orElseThrow().snapshot();
		assertThat(postgres.state()).isEqualTo(ResourceState.HEALTHY);
		assertThat(postgres.detail()).startsWith("external");
		assertThat(postgres.pids()).isEmpty();
		assertThat(Files.exists(Path.of(options.get("data-dir"), "postgres"))).isFalse();
		assertThat(TestModels.isFree(Integer.parseInt(options.get("postgres.port")))).isTrue();
		assertThat(this.app.resource("db-migration").orElseThrow().snapshot().exitCode()).isZero();
		try (Connection connection = DriverManager.getConnection(this.external.jdbcUrl(), "postgres", "postgres");
				ResultSet schemas = connection.createStatement()
					.executeQuery("select nspname from pg_namespace where nspname in ('users', 'chats')")) {
			int count = 0;
			while (schemas.next()) {
				count++;
			}
			assertThat(count).isEqualTo(2);
		}
	}

}
