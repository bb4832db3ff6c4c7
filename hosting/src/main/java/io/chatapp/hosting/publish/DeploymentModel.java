package io.chatapp.hosting.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.chatapp.hosting.ComputeResources;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostingException;
import io.chatapp.hosting.KafkaResource;
import io.chatapp.hosting.PostgresResource;
import io.chatapp.hosting.ProjectResource;
import io.chatapp.hosting.Resource;

/**
 * The AppHost's model as a deployment target sees it: one entry per service or job (not
 * per replica), the infrastructure, and every environment value that named a local
 * address rewritten to the target's name for it.
 *
 * <p>
 * Locally everything listens on 127.0.0.1 with its own port; in a cluster or a Compose
 * project every service has its own host name. The rewrite goes by port: a port a service
 * (or one of its replicas) listens on becomes {@code <service>:<port of the first
 * replica>}, Kafka's ports its bootstrap address, PostgreSQL's its host. A value that
 * still names a local address afterwards has no counterpart and publishing fails.
 */
final class DeploymentModel {

	private static final Pattern LOCAL_ADDRESS = Pattern.compile("(?:127\\.0\\.0\\.1|localhost):(\\d{1,5})(?!\\d)");

	/** Per-instance settings, which a deployment sets per pod or container. */
	static final String INSTANCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";

	final String application;

	final String version;

	final List<Service> services = new ArrayList<>();

	final List<Kafka> kafkas = new ArrayList<>();

	final List<Postgres> postgres = new ArrayList<>();

	private DeploymentModel(String application, String version) {
		this.application = application;
		this.version = version;
	}

	/**
	 * Reads the model and rewrites its local addresses.
	 * @param app the model, not started
	 * @param addresses the target's name for each kind of resource
	 * @return the deployment model
	 */
	static DeploymentModel of(DistributedApplication app, Addresses addresses) {
		DeploymentModel model = new DeploymentModel(app.name(), app.version());
		Map<Integer, String> targets = new LinkedHashMap<>();
		Map<String, List<ProjectResource>> projects = new LinkedHashMap<>();
		Map<String, String> clusters = new HashMap<>();
		for (Resource resource : app.declaredResources()) {
			if (resource instanceof ProjectResource project) {
				projects.computeIfAbsent(project.serviceName(), (name) -> new ArrayList<>()).add(project);
			}
			else if (resource instanceof KafkaResource broker) {
				// A cluster of embedded brokers is one Kafka there, named after its first
				// broker; the target runs as many brokers as it needs.
				KafkaResource kafka = broker.brokers().get(0);
				clusters.put(broker.name(), kafka.name());
				if (kafka != broker) {
					continue;
				}
				model.kafkas.add(new Kafka(kafka.name(), kafka.isExternal(),
						kafka.isExternal() ? kafka.bootstrapServers() : addresses.kafka(kafka.name())));
				// An external cluster keeps its address, even a local one.
				ports(kafka.bootstrapServers()).forEach((port) -> targets.put(port,
						kafka.isExternal() ? "127.0.0.1:" + port : addresses.kafka(kafka.name())));
			}
			else if (resource instanceof PostgresResource postgres) {
				Map<String, String> admin = postgres.asAdministrator().environment();
				String url = postgres.jdbcUrl();
				String target = addresses.postgres(postgres.name());
				ports(url).forEach((port) -> targets.put(port, postgres.isExternal() ? "127.0.0.1:" + port : target));
				url = rewrite(url, targets::get);
				model.postgres.add(new Postgres(postgres.name(), postgres.isExternal(), url,
						admin.get("SPRING_DATASOURCE_USERNAME"), admin.get("SPRING_DATASOURCE_PASSWORD")));
			}
		}
		projects.forEach((name, instances) -> {
			ProjectResource first = instances.get(0);
			for (ProjectResource instance : instances) {
				for (int i = 0; i < instance.endpointList().size(); i++) {
					targets.put(instance.endpointList().get(i).port(),
							addresses.service(name, first.endpointList().get(i).port()));
				}
			}
		});
		projects.forEach((name, instances) -> {
			ProjectResource first = instances.get(0);
			Map<String, String> environment = new LinkedHashMap<>();
			first.environment().forEach((variable, value) -> {
				String rewritten = rewrite(value, (port) -> {
					String target = targets.get(port);
					if (target == null) {
						throw new HostingException(name + ": " + variable + "=" + value + " names a local address ("
								+ "port " + port + ") that no resource of the model listens on, so it has no"
								+ " counterpart where the model is deployed");
					}
					return target;
				});
				environment.put(variable, rewritten);
			});
			Set<String> waits = new LinkedHashSet<>();
			first.waitsFor()
				.stream()
				.map((resource) -> (resource instanceof ProjectResource project) ? project.serviceName()
						: clusters.getOrDefault(resource.name(), resource.name()))
				.forEach(waits::add);
			model.services.add(new Service(name, first.isJob(), instances.size(), first.endpointList(), environment,
					List.copyOf(waits), first.computeResources()));
		});
		return model;
	}

	Service service(String name) {
		return this.services.stream().filter((service) -> service.name().equals(name)).findFirst().orElse(null);
	}

	boolean isJob(String name) {
		Service service = service(name);
		return service != null && service.job();
	}

	boolean isInfrastructure(String name) {
		return this.kafkas.stream().anyMatch((kafka) -> kafka.name().equals(name) && !kafka.external())
				|| this.postgres.stream().anyMatch((postgres) -> postgres.name().equals(name) && !postgres.external());
	}

	/**
	 * Whether a variable holds a credential, by its name: it goes to a Secret rather than
	 * a ConfigMap.
	 * @param variable the variable name
	 * @return {@code true} for passwords, secrets, keys and tokens
	 */
	static boolean isSecret(String variable) {
		String upper = variable.toUpperCase(Locale.ROOT);
		return upper.contains("PASSWORD") || upper.contains("SECRET") || upper.contains("KEY")
				|| upper.contains("TOKEN");
	}

	private static List<Integer> ports(String addresses) {
		List<Integer> ports = new ArrayList<>();
		Matcher matcher = LOCAL_ADDRESS.matcher(addresses);
		while (matcher.find()) {
			ports.add(Integer.parseInt(matcher.group(1)));
		}
		return ports;
	}

	/**
	 * Replaces every local address; a list whose entries become equal (replicas behind
	 * one Service) keeps each entry once.
	 */
	static String rewrite(String value, IntFunction<String> target) {
		Matcher matcher = LOCAL_ADDRESS.matcher(value);
		StringBuilder result = new StringBuilder();
		boolean changed = false;
		while (matcher.find()) {
			String replacement = target.apply(Integer.parseInt(matcher.group(1)));
			matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
			changed = true;
		}
		matcher.appendTail(result);
		if (!changed || !value.contains(",")) {
			return result.toString();
		}
		return String.join(",", new LinkedHashSet<>(List.of(result.toString().split(","))));
	}

	/**
	 * The target's address of each kind of resource.
	 */
	interface Addresses {

		String service(String name, int port);

		String kafka(String name);

		String postgres(String name);

	}

	/**
	 * A service or job.
	 *
	 * @param name its name, also its image's, its Service's and its host name
	 * @param job whether it runs to completion
	 * @param replicas how many instances
	 * @param endpoints its ports (the first replica's)
	 * @param environment its variables, addresses rewritten
	 * @param waits what it waits for: services, jobs and infrastructure by name
	 * @param compute requests and limits
	 */
	record Service(String name, boolean job, int replicas, List<ProjectResource.Endpoint> endpoints,
			Map<String, String> environment, List<String> waits, ComputeResources compute) {
	}

	/**
	 * Kafka, run by the target (an operator, a container) or external.
	 *
	 * @param name resource name
	 * @param external whether it is an existing cluster
	 * @param bootstrapServers where clients connect
	 */
	record Kafka(String name, boolean external, String bootstrapServers) {
	}

	/**
	 * PostgreSQL, run by the target or external.
	 *
	 * @param name resource name
	 * @param external whether it is an existing server
	 * @param jdbcUrl where clients connect
	 * @param adminUser the administrator the migration logs in as
	 * @param adminPassword its password
	 */
	record Postgres(String name, boolean external, String jdbcUrl, String adminUser, String adminPassword) {
	}

}
