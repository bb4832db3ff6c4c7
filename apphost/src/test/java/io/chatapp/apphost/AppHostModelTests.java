package io.chatapp.apphost;

import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.Profile;
import io.chatapp.hosting.ProjectResource;
import io.chatapp.hosting.ResourceSnapshot;
import io.chatapp.hosting.ResourceState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ChatApp's model as described, without starting anything: its resources in order, how
 * web is wired to the APIs, and what each profile changes.
 */
class AppHostModelTests {

	@Test
	void theModelHasInfrastructureTheMigrationAndTheServicesInOrder() {
		DistributedApplication app = AppHost.build(HostOptions.of(TestModels.options("model")));

		assertThat(app.name()).isEqualTo("ChatApp");
		assertThat(app.resources()).extracting(ResourceSnapshot::name)
			.containsExactly("kafka", "postgres", "db-migration", "users-api", "chats-api", "chats-worker", "web");
		assertThat(app.resources())
			.allSatisfy((resource) -> assertThat(resource.state()).isEqualTo(ResourceState.NOT_STARTED));
	}

	@Test
	void threeKafkaBrokersAreThreeResourcesAndEveryServiceGetsAllTheirAddresses() {
		Map<String, String> options = TestModels.options("brokers");
		options.put("kafka.brokers", "3");
		options.put("kafka.port", "29092");
		options.put("kafka.controller-port", "29093");

		DistributedApplication app = AppHost.build(HostOptions.of(options));

		assertThat(app.resources()).extracting(ResourceSnapshot::name)
			.startsWith("kafka", "kafka-2", "kafka-3", "postgres", "db-migration");
		assertThat(app.resource("kafka-2").orElseThrow().endpoints()).containsExactly("127.0.0.1:29102");
		assertThat(app.services()).containsExactly("kafka", "postgres", "db-migration", "users-api", "chats-api",
				"chats-worker", "web");
		for (String service : new String[] { "users-api", "chats-api", "chats-worker" }) {
			ProjectResource resource = (ProjectResource) app.resource(service).orElseThrow();
			assertThat(resource.environment()).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS",
					"127.0.0.1:29092,127.0.0.1:29102,127.0.0.1:29112");
		}
	}

	@Test
	void theServicesRunTheJarsBuiltInThisCheckout() {
		DistributedApplication app = AppHost.build(HostOptions.of(TestModels.options("jars")));

		ProjectResource usersApi = (ProjectResource) app.resource("users-api").orElseThrow();
		assertThat(usersApi.jar()).isEqualTo(TestModels.jar("users-api").toAbsolutePath().normalize());
		ProjectResource migration = (ProjectResource) app.resource("db-migration").orElseThrow();
		assertThat(migration.jar().getFileName()).hasToString("db-migration-0.1.0-SNAPSHOT-exec.jar");
	}

	@Test
	void webBalancesOverEveryChatsApiReplicaAndKnowsUsersApi() {
		Map<String, String> options = TestModels.options("web");
		options.put("chats-api.port", "25001");
		options.put("chats-api.replicas", "2");
		options.put("users-api.port", "25002");
		options.put("web.port", "25000");

		DistributedApplication app = AppHost.build(HostOptions.of(options));

		assertThat(app.resource("chats-api-2").orElseThrow().endpoints()).containsExactly("http://127.0.0.1:25011");
		ProjectResource web = (ProjectResource) app.resource("web").orElseThrow();
		assertThat(web.endpoints()).containsExactly("http://127.0.0.1:25000");
		assertThat(web.environment()).containsEntry("SERVER_PORT", "25000")
			.containsEntry("CHATAPP_GATEWAY_USERSAPIURL", "http://127.0.0.1:25002")
			.containsEntry("CHATAPP_GATEWAY_CHATSAPIURLS", "http://127.0.0.1:25001,http://127.0.0.1:25011");
	}

	@Test
	void theProductionProfileSizesChatsApiForManySocketsAndTheWorkerForDurableCommits() {
		Map<String, String> options = TestModels.options("production");
		options.put("profile", "production");

		DistributedApplication app = AppHost.build(HostOptions.of(options));

		assertThat(app.profile()).isEqualTo(Profile.PRODUCTION);
		ProjectResource chatsApi = (ProjectResource) app.resource("chats-api").orElseThrow();
		assertThat(chatsApi.jvmArgs()).contains("-Xmx1g").doesNotContain("-XX:TieredStopAtLevel=1");
		assertThat(chatsApi.environment()).containsEntry("CHATAPP_CHATS_LIVE_MAXSOCKETS", "20000");
		ProjectResource chatsWorker = (ProjectResource) app.resource("chats-worker").orElseThrow();
		assertThat(chatsWorker.environment()).containsEntry("SPRING_KAFKA_LISTENER_CONCURRENCY", "4");
		ProjectResource usersApi = (ProjectResource) app.resource("users-api").orElseThrow();
		assertThat(usersApi.jvmArgs()).doesNotContain("-XX:TieredStopAtLevel=1");
	}

	@Test
	void theDevelopmentProfileLeavesChatsApiAtItsOwnDefaults() {
		DistributedApplication app = AppHost.build(HostOptions.of(TestModels.options("development")));

		assertThat(app.profile()).isEqualTo(Profile.DEVELOPMENT);
		ProjectResource chatsApi = (ProjectResource) app.resource("chats-api").orElseThrow();
		assertThat(chatsApi.jvmArgs()).contains("-XX:TieredStopAtLevel=1", "-Xmx256m");
		assertThat(chatsApi.environment()).doesNotContainKey("CHATAPP_CHATS_LIVE_MAXSOCKETS");
		ProjectResource chatsWorker = (ProjectResource) app.resource("chats-worker").orElseThrow();
		assertThat(chatsWorker.environment()).doesNotContainKey("SPRING_KAFKA_LISTENER_CONCURRENCY");
	}

}
