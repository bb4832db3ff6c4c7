package io.chatapp.hosting.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.AppInfoParser;

import io.chatapp.hosting.ProjectResource;

/**
 * The model as a Compose project for one host: Kafka as the {@code apache/kafka} image in
 * KRaft single-node mode, PostgreSQL as {@code postgres:17}, every service from its image
 * with its environment, ports, healthcheck and the order the AppHost starts in
 * ({@code depends_on}).
 */
final class ComposeFile {

	private static final int KAFKA_PORT = 9092;

	private static final int POSTGRES_PORT = 5432;

	private ComposeFile() {
	}

	static DeploymentModel.Addresses addresses() {
		return new DeploymentModel.Addresses() {

			@Override
			public String service(String name, int port) {
				return name + ":" + port;
			}

			@Override
			public String kafka(String name) {
				return name + ":" + KAFKA_PORT;
			}

			@Override
			public String postgres(String name) {
				return name + ":" + POSTGRES_PORT;
			}

		};
	}

	/**
	 * The Compose file's content as a tree.
	 * @param model the deployment model, addresses rewritten for Compose
	 * @param imagePrefix e.g. {@code chatapp/}
	 * @return the top-level map
	 */
	static Map<String, Object> compose(DeploymentModel model, String imagePrefix) {
		Map<String, Object> services = new LinkedHashMap<>();
		Map<String, Object> volumes = new LinkedHashMap<>();
		model.kafkas.stream().filter((kafka) -> !kafka.external()).forEach((kafka) -> {
			services.put(kafka.name(), kafka(kafka.name()));
			volumes.put(kafka.name() + "-data", Map.of());
		});
		model.postgres.stream().filter((postgres) -> !postgres.external()).forEach((postgres) -> {
			services.put(postgres.name(), postgres(postgres));
			volumes.put(postgres.name() + "-data", Map.of());
		});
		for (DeploymentModel.Service service : model.services) {
			services.put(service.name(), service(model, service, imagePrefix));
		}
		Map<String, Object> compose = new LinkedHashMap<>();
		compose.put("name", model.application.toLowerCase(java.util.Locale.ROOT));
		compose.put("services", services);
		if (!volumes.isEmpty()) {
			compose.put("volumes", volumes);
		}
		return compose;
	}

	private static Map<String, Object> kafka(String name) {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("KAFKA_NODE_ID", "1");
		environment.put("KAFKA_PROCESS_ROLES", "broker,controller");
		environment.put("KAFKA_LISTENERS", "PLAINTEXT://:" + KAFKA_PORT + ",CONTROLLER://:9093");
		environment.put("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + name + ":" + KAFKA_PORT);
		environment.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
		environment.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
		environment.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@" + name + ":9093");
		environment.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
		environment.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
		environment.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
		environment.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
		environment.put("KAFKA_LOG_DIRS", "/var/lib/kafka/data");
		Map<String, Object> service = new LinkedHashMap<>();
		// The broker version the AppHost embeds.
		service.put("image", "apache/kafka:" + AppInfoParser.getVersion());
		service.put("environment", environment);
		service.put("volumes", List.of(name + "-data:/var/lib/kafka/data"));
		service.put("healthcheck", healthcheck(List.of("CMD", "/opt/kafka/bin/kafka-broker-api-versions.sh",
				"--bootstrap-server", "localhost:" + KAFKA_PORT), "60s"));
		return service;
	}

	private static Map<String, Object> postgres(DeploymentModel.Postgres postgres) {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("POSTGRES_USER", postgres.adminUser());
		environment.put("POSTGRES_PASSWORD", postgres.adminPassword());
		Map<String, Object> service = new LinkedHashMap<>();
		service.put("image", "postgres:17");
		service.put("environment", environment);
		service.put("volumes", List.of(postgres.name() + "-data:/var/lib/postgresql/data"));
		service.put("healthcheck", healthcheck(List.of("CMD", "pg_isready", "-U", postgres.adminUser()), "30s"));
		return service;
	}

	private static Map<String, Object> service(DeploymentModel model, DeploymentModel.Service service,
			String imagePrefix) {
		Map<String, Object> compose = new LinkedHashMap<>();
		compose.put("image", imagePrefix + service.name() + ":" + model.version);
		compose.put("environment", new LinkedHashMap<>(service.environment()));
		List<String> ports = new ArrayList<>();
		for (ProjectResource.Endpoint endpoint : service.endpoints()) {
			// Replicas cannot share a host port: they get ephemeral ones.
			ports.add((service.replicas() == 1) ? endpoint.port() + ":" + endpoint.port()
					: Integer.toString(endpoint.port()));
		}
		if (!ports.isEmpty()) {
			compose.put("ports", ports);
		}
		Map<String, Object> dependsOn = new LinkedHashMap<>();
		for (String wait : service.waits()) {
			if (model.isJob(wait)) {
				dependsOn.put(wait, Map.of("condition", "service_completed_successfully"));
			}
			else if (model.isInfrastructure(wait) || model.service(wait) != null) {
				dependsOn.put(wait, Map.of("condition", "service_healthy"));
			}
		}
		if (!dependsOn.isEmpty()) {
			compose.put("depends_on", dependsOn);
		}
		if (service.replicas() > 1) {
			compose.put("deploy", Map.of("replicas", service.replicas()));
		}
		service.endpoints()
			.stream()
			.filter((endpoint) -> endpoint.name().equals("http"))
			.findFirst()
			.ifPresent((http) -> compose.put("healthcheck", healthcheck(List.of("CMD", "bash", "-c",
					// The JRE image has no curl: bash's /dev/tcp asks /health.
					"exec 3<>/dev/tcp/127.0.0.1/" + http.port()
							+ " && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3"
							+ " && head -1 <&3 | grep -q ' 200 '"),
					"180s")));
		return compose;
	}

	private static Map<String, Object> healthcheck(List<String> test, String startPeriod) {
		Map<String, Object> healthcheck = new LinkedHashMap<>();
		healthcheck.put("test", test);
		healthcheck.put("interval", "5s");
		healthcheck.put("timeout", "5s");
		healthcheck.put("retries", 12);
		healthcheck.put("start_period", startPeriod);
		return healthcheck;
	}

}
