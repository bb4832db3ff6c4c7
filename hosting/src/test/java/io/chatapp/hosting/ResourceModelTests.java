package io.chatapp.apphost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The model as described, without starting anything (except where a taken port must stop
 * the start before anything runs).
 */
class ResourceModelTests {

	@Test
	void theModelHasInfrastructureTheMigrationAndTheServicesInOrder() {
		DistributedApplication app = AppHost.build(AppHostOptions.of(TestModels.options("model")));

		assertThat(app.resources()).extracting(ResourceSnapshot::name)
			.containsExactly("kafka", "postgres", "db-migration", "users-api", "chats-api", "chats-worker", "web");
		assertThat(app.resources())
			.allSatisfy((resource) -> assertThat(resource.state()).isEqualTo(ResourceState.NOT_STARTED));
	}

	@Test
	void replicasGetTheirOwnNamesAndPortsTenApart() {
		Map<String, String> options = TestModels.options("replicas");
		options.put("chats-api.port", "25001");
		options.put("chats-api.replicas", "2");

		DistributedApplication app = AppHost.build(AppHostOptions.of(options));

		assertThat(app.resource("chats-api").orElseThrow().endpoints()).containsExactly("http://127.0.0.1:25001");
		assertThat(app.resource("chats-api-2").orElseThrow().endpoints()).containsExactly("http://127.0.0.1:25011");
	}

	@Test
	void webBalancesOverEveryChatsApiReplicaAndKnowsUsersApi() {
		Map<String, String> options = TestModels.options("web");
		options.put("chats-api.port", "25001");
		options.put("chats-api.replicas", "2");
		options.put("users-api.port", "25002");
		options.put("web.port", "25000");

		DistributedApplication app = AppHost.build(AppHostOptions.of(options));

		ProjectResource web = (ProjectResource) app.resource("web").orElseThrow();
		assertThat(web.endpoints()).containsExactly("http://127.0.0.1:25000");
		assertThat(web.environment()).containsEntry("SERVER_PORT", "25000")
			.containsEntry("CHATAPP_GATEWAY_USERSAPIURL", "http://127.0.0.1:25002")
			.containsEntry("CHATAPP_GATEWAY_CHATSAPIURLS", "http://127.0.0.1:25001,http://127.0.0.1:25011");
	}

	@Test
	void theProductionProfileRunsServicesOnTheDefaultJitWithSocketsSizedForItsHeap() {
		Map<String, String> options = TestModels.options("production");
		options.put("profile", "production");

		DistributedApplication app = AppHost.build(AppHostOptions.of(options));

		assertThat(app.profile()).isEqualTo(Profile.PRODUCTION);
		ProjectResource chatsApi = (ProjectResource) app.resource("chats-api").orElseThrow();
		assertThat(chatsApi.jvmArgs()).contains("-Xmx1g").doesNotContain("-XX:TieredStopAtLevel=1");
		assertThat(chatsApi.environment()).containsEntry("CHATAPP_CHATS_LIVE_MAXSOCKETS", "20000");
		ProjectResource usersApi = (ProjectResource) app.resource("users-api").orElseThrow();
		assertThat(usersApi.jvmArgs()).doesNotContain("-XX:TieredStopAtLevel=1");
	}

	@Test
	void theDevelopmentProfileIsTheDefaultAndAnUnknownProfileIsRejected() {
		DistributedApplication app = AppHost.build(AppHostOptions.of(TestModels.options("development")));
		assertThat(app.profile()).isEqualTo(Profile.DEVELOPMENT);
		ProjectResource chatsApi = (ProjectResource) app.resource("chats-api").orElseThrow();
		assertThat(chatsApi.jvmArgs()).contains("-XX:TieredStopAtLevel=1", "-Xmx256m");
		assertThat(chatsApi.environment()).doesNotContainKey("CHATAPP_CHATS_LIVE_MAXSOCKETS");

		assertThatExceptionOfType(AppHostException.class)
			.isThrownBy(() -> AppHostOptions.parse("--profile=fast").profile())
			.withMessageContaining("--profile=production");
	}

	@Test
	void theCommandLineOverridesDefaultsAndNamesReplicas() {
		AppHostOptions options = AppHostOptions.parse("--fresh", "--replicas", "chats-api=2", "--kafka.port=19092",
				"--data-dir", "/tmp/x");

		assertThat(options.fresh()).isTrue();
		assertThat(options.replicas("chats-api")).isEqualTo(2);
		assertThat(options.replicas("users-api")).isEqualTo(1);
		assertThat(options.port("kafka.port", 9092)).isEqualTo(19092);
		assertThat(options.port("postgres.port", 55432)).isEqualTo(55432);
		assertThat(options.dataDirectory()).hasToString("/tmp/x");
	}

	@Test
	void anInvalidPortIsRejectedByName() {
		AppHostOptions options = AppHostOptions.of(Map.of("users-api.port", "70000"));

		assertThatExceptionOfType(AppHostException.class).isThrownBy(() -> options.port("users-api.port", 5002))
			.withMessageContaining("users-api.port=70000");
		assertThatExceptionOfType(AppHostException.class)
			.isThrownBy(() -> AppHostOptions.parse("--users-api.port=70000"))
			.withMessageContaining("users-api.port=70000");
	}

	@Test
	void aTakenPortStopsTheStartBeforeAnythingRunsAndNamesThePort() throws IOException {
		assumeTrue(TestModels.jarExists("users-api"), "users-api has not been built");
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress("127.0.0.1", TestModels.freePort()));
			Map<String, String> options = TestModels.options("taken-port");
			options.put("users-api.port", Integer.toString(taken.getLocalPort()));
			DistributedApplication app = AppHost.build(AppHostOptions.of(options));
			try {
				assertThatExceptionOfType(AppHostException.class).isThrownBy(app::start)
					.withMessageContaining("port " + taken.getLocalPort() + " (users-api http) is already in use");
				assertThat(app.resources()).allSatisfy((resource) -> assertThat(resource.pids()).isEmpty());
			}
			finally {
				app.stop();
			}
		}
	}

}
