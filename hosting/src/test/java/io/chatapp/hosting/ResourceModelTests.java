package io.chatapp.hosting;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.chatapp.hosting.dashboard.LightModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The model as described, without starting anything (except where a taken port must stop
 * the start before anything runs): light models of {@code FakeService} jars.
 */
class ResourceModelTests {

	@Test
	void resourcesKeepTheirDeclarationOrderAndReplicasCountAsOneService() {
		Map<String, String> options = LightModels.options("model");
		options.put("web.replicas", "2");
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options)).name("Shop");
		builder.addExternalKafka("kafka", "127.0.0.1:9");
		DistributedApplication.ProjectBuilder setup = builder.addJob("setup", LightModels.fakeServiceJar());
		builder.addService("web", LightModels.fakeServiceJar())
			.withHttpEndpoint(LightModels.freePort())
			.withReplicas(2)
			.waitForCompletion(setup);

		DistributedApplication app = builder.build();

		assertThat(app.name()).isEqualTo("Shop");
		assertThat(app.resources()).extracting(ResourceSnapshot::name)
			.containsExactly("kafka", "setup", "web", "web-2");
		assertThat(app.services()).containsExactly("kafka", "setup", "web");
		assertThat(app.resources()).filteredOn((resource) -> !resource.name().equals("kafka"))
			.allSatisfy((resource) -> assertThat(resource.state()).isEqualTo(ResourceState.NOT_STARTED));
	}

	@Test
	void replicasGetTheirOwnNamesAndPortsTenApart() {
		DistributedApplication app = lightService("replicas", Map.of(), 25001, 2);

		assertThat(app.resource("web").orElseThrow().endpoints()).containsExactly("http://127.0.0.1:25001");
		assertThat(app.resource("web-2").orElseThrow().endpoints()).containsExactly("http://127.0.0.1:25011");
		ProjectResource second = (ProjectResource) app.resource("web-2").orElseThrow();
		assertThat(second.environment()).containsEntry("SERVER_PORT", "25011")
			.containsEntry("OTEL_SERVICE_NAME", "web")
			.containsEntry("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=web-2");
	}

	@Test
	void theProductionProfileRunsServicesOnTheDefaultJit() {
		DistributedApplication app = lightService("production", Map.of("profile", "production"), 25001, 1);

		assertThat(app.profile()).isEqualTo(Profile.PRODUCTION);
		ProjectResource web = (ProjectResource) app.resource("web").orElseThrow();
		assertThat(web.jvmArgs()).contains("-Xmx1g").doesNotContain("-XX:TieredStopAtLevel=1");
		assertThat(web.environment()).containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "0.1");
	}

	@Test
	void theDevelopmentProfileIsTheDefaultAndAnUnknownProfileIsRejected() {
		DistributedApplication app = lightService("development", Map.of(), 25001, 1);

		assertThat(app.profile()).isEqualTo(Profile.DEVELOPMENT);
		ProjectResource web = (ProjectResource) app.resource("web").orElseThrow();
		assertThat(web.jvmArgs()).contains("-XX:TieredStopAtLevel=1", "-Xmx256m");
		assertThat(web.environment()).containsEntry("OTEL_METRIC_EXPORT_INTERVAL", "1000");
		assertThatExceptionOfType(HostingException.class)
			.isThrownBy(() -> HostOptions.parser().parse("--profile=fast").profile())
			.withMessageContaining("--profile=production");
	}

	@Test
	void aModuleJarIsFoundInTheCheckoutWithTheApplicationsVersion() {
		DistributedApplication.Builder builder = DistributedApplication
			.builder(HostOptions.of(Map.of("repo-root", "/src/shop")));

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> builder.jar("orders"))
			.withMessageContaining("version");
		builder.version("2.1.0");
		assertThat(builder.jar("orders")).isEqualTo(Path.of("/src/shop/orders/target/orders-2.1.0.jar"));
		assertThat(builder.jar("migrate", "exec"))
			.isEqualTo(Path.of("/src/shop/migrate/target/migrate-2.1.0-exec.jar"));
	}

	@Test
	void aTakenPortStopsTheStartBeforeAnythingRunsAndNamesThePort() throws IOException {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress("127.0.0.1", 0));
			DistributedApplication app = lightService("taken-port", Map.of(), taken.getLocalPort(), 1);
			try {
				assertThatExceptionOfType(HostingException.class).isThrownBy(app::start)
					.withMessageContaining("port " + taken.getLocalPort() + " (web http) is already in use");
				assertThat(app.resources()).allSatisfy((resource) -> assertThat(resource.pids()).isEmpty());
			}
			finally {
				app.stop();
			}
		}
	}

	@Test
	void aKafkaClusterIsOneResourcePerBrokerNamedLikeReplicasWithPortsTenApart() {
		DistributedApplication.Builder builder = DistributedApplication
			.builder(HostOptions.of(LightModels.options("kafka-cluster-model")));
		KafkaResource kafka = builder.addKafka("kafka", 29092, 29093, 3);
		builder.addService("web", LightModels.fakeServiceJar())
			.withHttpEndpoint(25000)
			.withReference(kafka)
			.waitFor(kafka);

		DistributedApplication app = builder.build();

		assertThat(app.resources()).extracting(ResourceSnapshot::name)
			.containsExactly("kafka", "kafka-2", "kafka-3", "web");
		assertThat(app.services()).containsExactly("kafka", "web");
		Resource third = app.resource("kafka-3").orElseThrow();
		assertThat(third.ports()).containsExactly(Map.entry(29112, "kafka-3 broker"),
				Map.entry(29113, "kafka-3 controller"));
		assertThat(third.endpoints()).containsExactly("127.0.0.1:29112");
		assertThat(third.details().service()).isEqualTo("kafka");
		assertThat(kafka.brokers()).extracting(Resource::name).containsExactly("kafka", "kafka-2", "kafka-3");
		ProjectResource web = (ProjectResource) app.resource("web").orElseThrow();
		assertThat(web.environment()).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS",
				"127.0.0.1:29092,127.0.0.1:29102,127.0.0.1:29112");
		assertThat(web.waits()).extracting((wait) -> wait.resource().name())
			.containsExactly("kafka", "kafka-2", "kafka-3");
	}

	@Test
	void disablingKafkaDisablesEveryBrokerAndABrokerCountBeyondFiveIsRejected() {
		Map<String, String> options = LightModels.options("kafka-cluster-disabled");
		options.put("kafka.enabled", "false");
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options));
		builder.addKafka("kafka", 29092, 29093, 3);

		DistributedApplication app = builder.build();

		assertThat(app.resources()).hasSize(3)
			.allSatisfy((broker) -> assertThat(app.resource(broker.name()).orElseThrow().unavailableReason())
				.isEqualTo("disabled by kafka.enabled=false"));
		for (int brokers : new int[] { 0, 6 }) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> builder.addKafka("other", 39092, 39093, brokers))
				.withMessageContaining("1 to 5 brokers");
		}
	}

	@Test
	void kafkaDataOfAnotherClusterSizeIsNotReusedWithoutFresh() throws IOException {
		Map<String, String> options = LightModels.options("kafka-cluster-resized");
		options.put("fresh", "false");
		Path data = Path.of(options.get("data-dir"));
		// A single broker as it was formatted before the cluster id was kept.
		Path meta = data.resolve("kafka").resolve("data").resolve("meta.properties");
		Files.createDirectories(meta.getParent());
		Files.writeString(meta, "cluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=1\nversion=1\n");
		Files.deleteIfExists(data.resolve("kafka").resolve("cluster.properties"));
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options));
		builder.addKafka("kafka", LightModels.freePort(), LightModels.freePort(), 3);
		DistributedApplication app = builder.build();
		try {
			assertThatExceptionOfType(HostingException.class).isThrownBy(app::start)
				.withMessageContaining("holds a Kafka cluster of 1 broker(s), not 3")
				.withMessageContaining("--fresh");
			assertThat(app.resources()).allSatisfy((broker) -> assertThat(broker.pids()).isEmpty());
		}
		finally {
			app.stop();
		}
	}

	/** One service {@code web} of a FakeService jar, not started. */
	private static DistributedApplication lightService(String name, Map<String, String> extra, int port, int replicas) {
		Map<String, String> options = LightModels.options(name);
		options.putAll(extra);
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options));
		builder.addService("web", LightModels.fakeServiceJar()).withHttpEndpoint(port).withReplicas(replicas);
		return builder.build();
	}

}
