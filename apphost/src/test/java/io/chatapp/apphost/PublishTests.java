package io.chatapp.apphost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.ProjectResource;
import io.chatapp.hosting.Resource;
import io.chatapp.hosting.publish.ManifestValidator;
import io.chatapp.hosting.publish.Publisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ChatApp's model published for Kubernetes and Compose: consistent, equivalent to the
 * model the AppHost runs locally, and equal to the files committed under {@code deploy/}.
 */
class PublishTests {

	/**
	 * The options the committed files were published with:
	 * {@code ./run.sh --publish=kubernetes --profile=production} (and compose), with the
	 * development passwords (no {@code USERS_DB_PASSWORD} or {@code CHATS_DB_PASSWORD} in
	 * the environment). Publishing leaves the local dashboard out, as here.
	 */
	private static final Map<String, String> OPTIONS = Map.of("profile", "production", "dashboard.enabled", "false",
			"users-db-password", "users_app", "chats-db-password", "chats_app");

	private static final Pattern LOCAL_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

	@Test
	void publishedManifestsAreConsistent() {
		assertThat(ManifestValidator.validateKubernetes(publish("kubernetes", OPTIONS))).isEmpty();
		assertThat(ManifestValidator.validateCompose(publish("compose", OPTIONS).get("compose.yaml"))).isEmpty();
	}

	@Test
	void publishedModelIsTheLocalOne() {
		Map<String, String> options = new LinkedHashMap<>(OPTIONS);
		options.put("chats-api.replicas", "3");
		DistributedApplication local = AppHost.build(HostOptions.of(options));
		List<HasMetadata> objects = ManifestValidator.parse(publish("kubernetes", options));

		Map<String, List<ProjectResource>> services = new TreeMap<>(local.declaredResources()
			.stream()
			.filter(ProjectResource.class::isInstance)
			.map(ProjectResource.class::cast)
			.collect(Collectors.groupingBy(ProjectResource::serviceName)));
		Map<String, Integer> publishedReplicas = new TreeMap<>();
		of(objects, Deployment.class)
			.forEach((deployment) -> publishedReplicas.put(name(deployment), deployment.getSpec().getReplicas()));
		of(objects, Job.class).forEach((job) -> publishedReplicas.put(name(job), 1));
		assertThat(publishedReplicas).isEqualTo(services.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().size(), (a, b) -> a,
					TreeMap::new)));
		assertThat(publishedReplicas).containsEntry("chats-api", 3);

		// Endpoints of services: local port -> the service it belongs to.
		Map<Integer, String> owners = new LinkedHashMap<>();
		services.forEach((service, instances) -> instances.forEach(
				(instance) -> instance.endpointList().forEach((endpoint) -> owners.put(endpoint.port(), service))));

		services.forEach((service, instances) -> {
			Map<String, String> localEnvironment = instances.get(0).environment();
			Map<String, String> published = environment(objects, service);
			assertThat(published.keySet()).as(service + " variables")
				.isEqualTo(new TreeSet<>(localEnvironment.keySet()));
			localEnvironment.forEach((variable, value) -> {
				Matcher matcher = LOCAL_PORT.matcher(value);
				while (matcher.find()) {
					int port = Integer.parseInt(matcher.group(1));
					String counterpart = owners.containsKey(port) ? owners.get(port) + ":"
							: (variable.contains("KAFKA") ? "kafka-kafka-bootstrap:9092" : "postgres-rw:5432");
					assertThat(published.get(variable)).as(service + " " + variable).contains(counterpart);
				}
			});
			// Every wait on a job is an init container waiting for that Job.
			Set<String> jobs = instances.get(0)
				.waitsFor()
				.stream()
				.filter((resource) -> resource instanceof ProjectResource project && project.isJob())
				.map(Resource::name)
				.collect(Collectors.toSet());
			Set<String> waitedFor = pod(objects, service).getSpec()
				.getInitContainers()
				.stream()
				.flatMap((init) -> init.getCommand().stream())
				.filter((argument) -> argument.startsWith("job/"))
				.map((argument) -> argument.substring(4))
				.collect(Collectors.toSet());
			assertThat(waitedFor).as(service + " waits").isEqualTo(jobs);
		});
	}

	@Test
	void committedFilesAreFreshlyPublished() throws IOException {
		Path deploy = HostOptions.of(Map.of()).repositoryRoot().resolve("deploy");
		assertThat(read(deploy.resolve("kubernetes")))
			.as("deploy/kubernetes: publish again with ./run.sh --publish=kubernetes --profile=production")
			.isEqualTo(publish("kubernetes", OPTIONS));
		assertThat(read(deploy.resolve("compose")))
			.as("deploy/compose: publish again with ./run.sh --publish=compose --profile=production")
			.isEqualTo(publish("compose", OPTIONS));
	}

	private static Map<String, String> publish(String target, Map<String, String> options) {
		return Publisher.files(AppHost.build(HostOptions.of(options)), target, "");
	}

	private static Map<String, String> read(Path directory) throws IOException {
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> listing = Files.list(directory)) {
			for (Path file : listing.filter((path) -> path.toString().endsWith(".yaml")).toList()) {
				files.put(file.getFileName().toString(), Files.readString(file));
			}
		}
		return files;
	}

	private static Map<String, String> environment(List<HasMetadata> objects, String service) {
		Map<String, String> environment = new TreeMap<>();
		of(objects, ConfigMap.class).filter((map) -> name(map).equals(service + "-config"))
			.forEach((map) -> environment.putAll(map.getData()));
		of(objects, Secret.class).filter((secret) -> name(secret).equals(service + "-secrets"))
			.forEach((secret) -> environment.putAll(secret.getStringData()));
		for (EnvVar variable : pod(objects, service).getSpec().getContainers().get(0).getEnv()) {
			if (!variable.getName().equals("POD_NAME")) {
				environment.putIfAbsent(variable.getName(), variable.getValue());
			}
		}
		return environment;
	}

	private static PodTemplateSpec pod(List<HasMetadata> objects, String service) {
		return Stream
			.concat(of(objects, Deployment.class).filter((deployment) -> name(deployment).equals(service))
				.map((deployment) -> deployment.getSpec().getTemplate()),
					of(objects, Job.class).filter((job) -> name(job).equals(service))
						.map((job) -> job.getSpec().getTemplate()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no Deployment or Job " + service));
	}

	private static <T extends HasMetadata> Stream<T> of(List<HasMetadata> objects, Class<T> type) {
		return objects.stream().filter(type::isInstance).map(type::cast);
	}

	private static String name(HasMetadata object) {
		return object.getMetadata().getName();
	}

}
