package io.chatapp.apphost;

import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.HostingException;
import io.chatapp.hosting.ResourceSnapshot;
import io.chatapp.hosting.ResourceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A migration that fails stops the start: the services that wait for it never start, and
 * the error shows the migration's log.
 */
class FailingMigrationTests {

	private DistributedApplication app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.stop();
		}
	}

	@Test
	void aFailedMigrationStopsTheStartWithItsLog() {
		assumeTrue(TestModels.jarExists("users-api"), "the service jars have not been built");
		Map<String, String> options = TestModels.options("failing-migration");
		// Nothing listens on port 1: the job cannot connect and exits with an error.
		options.put("db-migration.args", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres");
		this.app = AppHost.build(HostOptions.of(options));

		assertThatExceptionOfType(HostingException.class).isThrownBy(this.app::start)
			.withMessageContaining("db-migration exited with code 1")
			.withMessageContaining("--- last lines of db-migration")
			.withMessageContaining("127.0.0.1:1");

		ResourceSnapshot usersApi = this.app.resource("users-api").orElseThrow().snapshot();
		assertThat(usersApi.state()).isEqualTo(ResourceState.FAILED_TO_START);
		assertThat(usersApi.detail()).contains("db-migration");
		assertThat(usersApi.pids()).isEmpty();
		assertThat(TestModels.isFree(Integer.parseInt(options.get("users-api.port")))).isTrue();
		assertThat(this.app.resource("db-migration").orElseThrow().snapshot().exitCode()).isEqualTo(1);
	}

}
