package io.chatapp.hosting.publish;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.chatapp.hosting.ComputeResources;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.KafkaResource;
import io.chatapp.hosting.PostgresResource;
import io.chatapp.hosting.ProjectResource;

/**
 * A model shaped like a real application, built but never started (publishing needs no
 * jars): Kafka, PostgreSQL, a migration job, a replicated API with two endpoints and a
 * gateway that balances over the API's replicas.
 */
final class PublishModels {

	private PublishModels() {
	}

	static DistributedApplication shop(Map<String, String> extra) {
		Map<String, String> settings = new LinkedHashMap<>(Map.of("dashboard.enabled", "false"));
		settings.putAll(extra);
		HostOptions options = HostOptions.of(settings);
		DistributedApplication.Builder builder = DistributedApplication.builder(options).name("Shop").version("1.2.3");
		KafkaResource kafka = options.find("kafka.bootstrap-servers")
			.map((servers) -> builder.addExternalKafka("kafka", servers))
			.orElseGet(() -> builder.addKafka("kafka", 19092, 19093));
		PostgresResource postgres = options.find("postgres.url")
			.map((url) -> builder.addExternalPostgres("postgres", url, "admin", "admin-secret"))
			.orElseGet(() -> builder.addPostgres("postgres", 15432));
		Path jar = Path.of("never-started.jar");
		DistributedApplication.ProjectBuilder migration = builder.addJob("migration", jar)
			.withReference(postgres.asAdministrator())
			.withEnvironment("ORDERS_DB_PASSWORD", "orders")
			.waitFor(postgres);
		DistributedApplication.ProjectBuilder api = builder.addService("orders-api", jar)
			.withHttpEndpoint(16001)
			.withEndpoint("grpc", "grpc", 16002, "GRPC_PORT")
			.withReference(postgres.login("orders", "orders"))
			.withReference(kafka)
			.withComputeResources(new ComputeResources("500m", "768Mi", "2", "1280Mi"))
			.withReplicas(Integer.parseInt(options.get("orders-api.replicas", "2")))
			.waitFor(kafka)
			.waitForCompletion(migration);
		builder.addService("gateway", jar)
			.withHttpEndpoint(16000)
			.withEnvironment("ORDERS_GRPC", "static://" + api.endpoint("grpc").address())
			.withEnvironment("ORDERS_URLS",
					api.replicaEndpoints("http")
						.stream()
						.map(ProjectResource.Endpoint::url)
						.collect(Collectors.joining(",")));
		return builder.build();
	}

}
