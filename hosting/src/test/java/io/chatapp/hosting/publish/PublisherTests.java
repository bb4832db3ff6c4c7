package io.chatapp.hosting.publish;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import io.chatapp.hosting.HostingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PublisherTests {

	@Test
	void kubernetesManifestsAreConsistentAndPointAtInClusterNames() {
		Map<String, String> files = Publisher.files(PublishModels.shop(Map.of()), "kubernetes", "");
		assertThat(files).containsOnlyKeys("job-waiter.yaml", "kafka.yaml", "postgres.yaml", "migration.yaml",
				"orders-api.yaml", "gateway.yaml");
		assertThat(ManifestValidator.validateKubernetes(files)).isEmpty();
		List<HasMetadata> objects = ManifestValidator.parse(files);

		ConfigMap api = find(objects, ConfigMap.class, "orders-api-config");
		assertThat(api.getData()).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka-kafka-bootstrap:9092")
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres-rw:5432/postgres")
			.containsEntry("SERVER_PORT", "16001")
			.doesNotContainKey("SPRING_DATASOURCE_PASSWORD");
		assertThat(find(objects, Secret.class, "orders-api-secrets").getStringData())
			.containsEntry("SPRING_DATASOURCE_PASSWORD", "orders");
		// Both replicas' URLs become the one Service.
		assertThat(find(objects, ConfigMap.class, "gateway-config").getData())
			.containsEntry("ORDERS_URLS", "http://orders-api:16001")
			.containsEntry("ORDERS_GRPC", "static://orders-api:16002");
		// The administrator's password is the one CloudNativePG generates, never a value
		// in the files.
		assertThat(find(objects, Secret.class, "migration-secrets").getStringData())
			.containsOnlyKeys("ORDERS_DB_PASSWORD");
		assertThat(
				find(objects, Job.class, "migration").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
			.filteredOn((variable) -> variable.getName().equals("SPRING_DATASOURCE_PASSWORD"))
			.singleElement()
			.satisfies((variable) -> {
				assertThat(variable.getValueFrom().getSecretKeyRef().getName()).isEqualTo("postgres-superuser");
				assertThat(variable.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
			});
		assertThat(objects).noneMatch(
				(object) -> object instanceof Secret && object.getMetadata().getName().equals("postgres-superuser"));

		Deployment deployment = find(objects, Deployment.class, "orders-api");
		assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
		Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(container.getImage()).isEqualTo("shop/orders-api:1.2.3");
		assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("500m");
		assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("768Mi");
		assertThat(container.getResources().getLimits().get("cpu").toString()).isEqualTo("2");
		assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("1280Mi");
		assertThat(deployment.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
			.satisfies((init) -> assertThat(init.getCommand()).contains("job/migration", "--for=condition=complete"));
		assertThat(find(objects, Deployment.class, "gateway").getSpec().getTemplate().getSpec().getInitContainers())
			.isEmpty();
		assertThat(find(objects, Job.class, "migration").getSpec().getTemplate().getSpec().getContainers())
			.singleElement()
			.satisfies((job) -> assertThat(job.getImage()).isEqualTo("shop/migration:1.2.3"));

		GenericKubernetesResource kafka = find(objects, GenericKubernetesResource.class, "kafka");
		// Strimzi 1.0 serves only v1, where KRaft and node pools need no annotations.
		assertThat(kafka.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
		assertThat((Object) kafka.get("spec", "kafka", "config", "min.insync.replicas")).isEqualTo(2);
		assertThat((Object) kafka.get("spec", "kafka", "config", "default.replication.factor")).isEqualTo(3);
		GenericKubernetesResource pool = find(objects, GenericKubernetesResource.class, "kafka-dual-role");
		assertThat((Object) pool.get("spec", "replicas")).isEqualTo(3);
		assertThat((Object) pool.get("spec", "roles")).isEqualTo(List.of("controller", "broker"));
		GenericKubernetesResource postgres = find(objects, GenericKubernetesResource.class, "postgres");
		assertThat(postgres.getApiVersion()).isEqualTo("postgresql.cnpg.io/v1");
		assertThat((Object) postgres.get("spec", "instances")).isEqualTo(3);
	}

	@Test
	void registryPrefixesTheImages() {
		Map<String, String> files = Publisher.files(PublishModels.shop(Map.of()), "kubernetes",
				"registry.example.com/team/");
		assertThat(files.get("gateway.yaml")).contains("image: \"registry.example.com/team/shop/gateway:1.2.3\"");
	}

	@Test
	void externalInfrastructureIsPublishedAsConnectionSettings() {
		Map<String, String> files = Publisher.files(PublishModels.shop(Map.of("kafka.bootstrap-servers",
				"broker-1.example.com:9092", "postgres.url", "jdbc:postgresql://db.example.com:5432/shop")),
				"kubernetes", "");
		assertThat(files).doesNotContainKeys("kafka.yaml", "postgres.yaml");
		assertThat(ManifestValidator.validateKubernetes(files)).isEmpty();
		ConfigMap api = find(ManifestValidator.parse(files), ConfigMap.class, "orders-api-config");
		assertThat(api.getData()).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "broker-1.example.com:9092")
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.example.com:5432/shop");
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeFileRunsTheModelOnOneHost() {
		Map<String, String> files = Publisher.files(PublishModels.shop(Map.of()), "compose", "");
		assertThat(files).containsOnlyKeys("compose.yaml");
		String yaml = files.get("compose.yaml");
		assertThat(ManifestValidator.validateCompose(yaml)).isEmpty();
		Map<String, Object> services = (Map<String, Object>) new Yaml().<Map<String, Object>>load(yaml).get("services");
		assertThat(services).containsOnlyKeys("kafka", "postgres", "migration", "orders-api", "gateway");
		Map<String, Object> api = (Map<String, Object>) services.get("orders-api");
		assertThat(api).containsEntry("image", "shop/orders-api:1.2.3")
			.containsEntry("depends_on",
					Map.of("kafka", Map.of("condition", "service_healthy"), "migration",
							Map.of("condition", "service_completed_successfully")))
			.containsEntry("deploy", Map.of("replicas", 2));
		assertThat((Map<String, Object>) api.get("environment"))
			.containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/postgres");
		assertThat(((Map<String, Object>) services.get("kafka")).get("image").toString()).startsWith("apache/kafka:");
		assertThat(((Map<String, Object>) services.get("postgres")).get("image")).isEqualTo("postgres:17");
		assertThat((Map<String, Object>) services.get("gateway")).containsEntry("ports", List.of("16000:16000"));
	}

	@Test
	void aLocalAddressWithoutCounterpartFailsThePublish() {
		// With the dashboard on, the services export to its local OTLP receiver.
		assertThatExceptionOfType(HostingException.class)
			.isThrownBy(
					() -> Publisher.files(PublishModels.shop(Map.of("dashboard.enabled", "true")), "kubernetes", ""))
			.withMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT")
			.withMessageContaining("no counterpart");
	}

	@Test
	void writeReplacesEarlierPublishedFilesOnly(@TempDir Path directory) throws Exception {
		Files.writeString(directory.resolve("old.yaml"), "# Generated from the Shop AppHost model by ...\n");
		Files.writeString(directory.resolve("mine.yaml"), "kind: Mine\n");
		Publisher.write(Publisher.files(PublishModels.shop(Map.of()), "compose", ""), directory);
		try (var listing = Files.list(directory)) {
			assertThat(listing.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder("compose.yaml",
					"mine.yaml");
		}
	}

	private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
		return objects.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.filter((object) -> object.getMetadata().getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
	}

}
