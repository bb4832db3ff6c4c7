package io.chatapp.hosting.publish;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks published files offline, without a cluster: that they parse into Kubernetes
 * objects of known kinds, and that every reference between them resolves (selectors,
 * ports, ConfigMaps, Secrets and their keys, probes, the Job an init container waits for,
 * the ServiceAccount). For a Compose file: that every service has an image and every
 * {@code depends_on} names a service that can satisfy its condition.
 */
public final class ManifestValidator {

	/**
	 * An image reference as registries and runtimes accept it: an optional registry host
	 * (with a port), lower-case path components, an optional tag and digest.
	 */
	private static final Pattern IMAGE_REFERENCE = Pattern
		.compile("(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
				+ "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
				+ "(?:@sha256:[a-f0-9]{64})?");

	private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

	private static final Pattern LOCAL_ADDRESS = Pattern.compile("127\\.0\\.0\\.1|localhost");

	private static final Map<String, Class<?>> KNOWN_KINDS = Map.ofEntries(Map.entry("v1/ConfigMap", ConfigMap.class),
			Map.entry("v1/Secret", Secret.class), Map.entry("v1/Service", Service.class),
			Map.entry("v1/ServiceAccount", ServiceAccount.class), Map.entry("apps/v1/Deployment", Deployment.class),
			Map.entry("batch/v1/Job", Job.class), Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
			Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
			Map.entry("kafka.strimzi.io/v1/Kafka", GenericKubernetesResource.class),
			Map.entry("kafka.strimzi.io/v1/KafkaNodePool", GenericKubernetesResource.class),
			Map.entry("postgresql.cnpg.io/v1/Cluster", GenericKubernetesResource.class));

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private ManifestValidator() {
	}

	/**
	 * Parses every document of every file.
	 * @param files file name to YAML (documents separated by {@code ---})
	 * @return the objects in file order
	 * @throws IllegalArgumentException when a document does not parse
	 */
	public static List<HasMetadata> parse(Map<String, String> files) {
		List<HasMetadata> objects = new ArrayList<>();
		files.forEach((file, yaml) -> {
			for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
				if (document.lines().allMatch((line) -> line.isBlank() || line.startsWith("#"))) {
					continue;
				}
				try {
					Object parsed = SERIALIZATION.unmarshal(document);
					if (!(parsed instanceof HasMetadata object)) {
						throw new IllegalArgumentException(file + ": not a Kubernetes object: " + parsed);
					}
					objects.add(object);
				}
				catch (RuntimeException ex) {
					throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
				}
			}
		});
		return objects;
	}

	/**
	 * Every problem found in Kubernetes manifests.
	 * @param files file name to YAML
	 * @return problems, empty when the manifests are consistent
	 */
	public static List<String> validateKubernetes(Map<String, String> files) {
		List<HasMetadata> objects;
		try {
			objects = parse(files);
		}
		catch (IllegalArgumentException ex) {
			return List.of("does not parse: " + ex.getMessage());
		}
		List<String> problems = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (HasMetadata object : objects) {
			String kind = object.getApiVersion() + "/" + object.getKind();
			Class<?> type = KNOWN_KINDS.get(kind);
			if (type == null) {
				problems.add("unknown kind " + kind + " (" + name(object) + ")");
			}
			else if (!type.isInstance(object)) {
				problems.add(kind + " " + name(object) + " did not parse as " + type.getSimpleName());
			}
			if (!seen.add(kind + "/" + name(object))) {
				problems.add("two objects " + kind + " " + name(object));
			}
		}
		Map<String, ConfigMap> configMaps = byName(objects, ConfigMap.class);
		Map<String, Secret> secrets = byName(objects, Secret.class);
		operatorSecrets(objects).forEach(secrets::putIfAbsent);
		Map<String, Job> jobs = byName(objects, Job.class);
		Map<String, ServiceAccount> accounts = byName(objects, ServiceAccount.class);
		Map<String, Role> roles = byName(objects, Role.class);
		Map<String, Deployment> deployments = byName(objects, Deployment.class);

		Map<String, PodTemplateSpec> pods = new LinkedHashMap<>();
		deployments.forEach((name, deployment) -> {
			pods.put("Deployment " + name, deployment.getSpec().getTemplate());
			Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
			if (!labels(deployment.getSpec().getTemplate()).entrySet().containsAll(selector.entrySet())) {
				problems.add("Deployment " + name + ": its selector does not match its pod labels");
			}
		});
		jobs.forEach((name, job) -> pods.put("Job " + name, job.getSpec().getTemplate()));

		pods.forEach((owner, pod) -> {
			String account = pod.getSpec().getServiceAccountName();
			if (account != null && !accounts.containsKey(account)) {
				problems.add(owner + ": ServiceAccount " + account + " does not exist");
			}
			for (Container container : containers(pod).toList()) {
				checkEnvironment(owner, container, configMaps, secrets, problems);
				checkImage(owner + " container " + container.getName(), container.getImage(), problems);
			}
			for (Container init : pod.getSpec().getInitContainers()) {
				String command = String.join(" ", init.getCommand());
				java.util.regex.Matcher job = Pattern.compile("job/([a-z0-9.-]+)").matcher(command);
				if (job.find()) {
					if (!jobs.containsKey(job.group(1))) {
						problems.add(owner + ": init container " + init.getName() + " waits for Job " + job.group(1)
								+ ", which does not exist");
					}
					if (account == null || !mayWatchJobs(account, roles, byName(objects, RoleBinding.class))) {
						problems.add(owner + ": init container " + init.getName()
								+ " waits for a Job, but its ServiceAccount may not watch Jobs");
					}
				}
			}
		});

		deployments.forEach((name, deployment) -> {
			for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
				Set<Integer> ports = ports(container);
				checkProbe(name, container.getReadinessProbe(), "readiness", "/health", ports, problems);
				checkProbe(name, container.getLivenessProbe(), "liveness", "/alive", ports, problems);
			}
		});

		byName(objects, Service.class).forEach((name, service) -> {
			Map<String, String> selector = service.getSpec().getSelector();
			List<Deployment> selected = deployments.values()
				.stream()
				.filter((deployment) -> selector != null && !selector.isEmpty()
						&& labels(deployment.getSpec().getTemplate()).entrySet().containsAll(selector.entrySet()))
				.toList();
			if (selected.isEmpty()) {
				problems.add("Service " + name + ": its selector " + selector + " matches no Deployment's pods");
				return;
			}
			for (ServicePort port : service.getSpec().getPorts()) {
				IntOrString target = (port.getTargetPort() != null) ? port.getTargetPort()
						: new IntOrString(port.getPort());
				for (Deployment deployment : selected) {
					boolean declared = deployment.getSpec()
						.getTemplate()
						.getSpec()
						.getContainers()
						.stream()
						.flatMap((container) -> container.getPorts().stream())
						.anyMatch((containerPort) -> matches(target, containerPort));
					if (!declared) {
						problems.add("Service " + name + ": targetPort " + target.getValue()
								+ " is no container port of Deployment " + name(deployment));
					}
				}
			}
		});

		byName(objects, GenericKubernetesResource.class).forEach((name, resource) -> {
			if (resource.getKind().equals("KafkaNodePool")) {
				String cluster = resource.getMetadata().getLabels().get("strimzi.io/cluster");
				boolean exists = objects.stream()
					.anyMatch((object) -> object.getKind().equals("Kafka") && name(object).equals(cluster));
				if (!exists) {
					problems.add("KafkaNodePool " + name + ": Kafka " + cluster + " does not exist");
				}
			}
			if (resource.getKind().equals("Cluster")) {
				Object secret = resource.get("spec", "superuserSecret", "name");
				if (secret != null && !secrets.containsKey(secret.toString())) {
					problems.add("Cluster " + name + ": superuser Secret " + secret + " does not exist");
				}
			}
		});
		return problems;
	}

	private static void checkImage(String owner, String image, List<String> problems) {
		if (image == null || !IMAGE_REFERENCE.matcher(image).matches()) {
			problems.add(owner + ": " + image + " is no valid image reference");
		}
	}

	/**
	 * The Secrets an operator creates for its resources, with the keys it documents:
	 * CloudNativePG writes {@code <cluster>-app} for the application owner and, with
	 * {@code enableSuperuserAccess} and no {@code superuserSecret} of its own,
	 * {@code <cluster>-superuser} with a generated password.
	 */
	private static Map<String, Secret> operatorSecrets(List<HasMetadata> objects) {
		List<String> keys = List.of("username", "password", "dbname", "host", "port", "uri", "jdbc-uri", "pgpass");
		Map<String, Secret> secrets = new LinkedHashMap<>();
		for (HasMetadata object : objects) {
			if (object instanceof GenericKubernetesResource cluster && cluster.getKind().equals("Cluster")
					&& cluster.getApiVersion().startsWith("postgresql.cnpg.io/")) {
				List<String> names = new ArrayList<>(List.of(name(cluster) + "-app"));
				if (Boolean.TRUE.equals(cluster.get("spec", "enableSuperuserAccess"))
						&& cluster.get("spec", "superuserSecret") == null) {
					names.add(name(cluster) + "-superuser");
				}
				for (String name : names) {
					Map<String, String> data = new LinkedHashMap<>();
					keys.forEach((key) -> data.put(key, ""));
					secrets.put(name,
							new SecretBuilder().withNewMetadata()
								.withName(name)
								.endMetadata()
								.withStringData(data)
								.build());
				}
			}
		}
		return secrets;
	}

	/**
	 * Every problem found in a Compose file.
	 * @param yaml the file
	 * @return problems, empty when it is consistent
	 */
	@SuppressWarnings("unchecked")
	public static List<String> validateCompose(String yaml) {
		List<String> problems = new ArrayList<>();
		Map<String, Object> compose;
		try {
			compose = new Yaml().load(yaml);
		}
		catch (RuntimeException ex) {
			return List.of("does not parse: " + ex.getMessage());
		}
		if (compose == null || !(compose.get("services") instanceof Map)) {
			return List.of("no services");
		}
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		services.forEach((name, service) -> {
			if (!(service.get("image") instanceof String image) || image.isBlank()) {
				problems.add(name + ": no image");
			}
			else {
				checkImage(name, image, problems);
			}
			if (service.get("environment") instanceof Map<?, ?> environment) {
				environment.forEach((variable, value) -> {
					if (value != null && LOCAL_ADDRESS.matcher(value.toString()).find()) {
						problems.add(name + ": " + variable + " names a local address: " + value);
					}
				});
			}
			Object dependsOn = service.get("depends_on");
			if (dependsOn instanceof Map<?, ?> dependencies) {
				dependencies.forEach((target, condition) -> {
					Map<String, Object> other = services.get(target.toString());
					if (other == null) {
						problems.add(name + ": depends_on " + target + ", which is no service");
						return;
					}
					Object wanted = (condition instanceof Map<?, ?> map) ? map.get("condition") : null;
					if ("service_healthy".equals(wanted) && other.get("healthcheck") == null) {
						problems.add(name + ": waits for " + target + " to be healthy, which has no healthcheck");
					}
					else if (wanted != null
							&& !Set.of("service_healthy", "service_completed_successfully", "service_started")
								.contains(wanted)) {
						problems.add(name + ": unknown depends_on condition " + wanted);
					}
				});
			}
			else if (dependsOn instanceof List<?> dependencies) {
				dependencies.stream()
					.filter((target) -> !services.containsKey(target.toString()))
					.forEach((target) -> problems.add(name + ": depends_on " + target + ", which is no service"));
			}
		});
		return problems;
	}

	private static void checkEnvironment(String owner, Container container, Map<String, ConfigMap> configMaps,
			Map<String, Secret> secrets, List<String> problems) {
		for (EnvFromSource from : container.getEnvFrom()) {
			if (from.getConfigMapRef() != null) {
				ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
				if (map == null) {
					problems.add(owner + ": ConfigMap " + from.getConfigMapRef().getName() + " does not exist");
				}
				else {
					map.getData().forEach((variable, value) -> checkLocal(owner, variable, value, problems));
				}
			}
			if (from.getSecretRef() != null && !secrets.containsKey(from.getSecretRef().getName())) {
				problems.add(owner + ": Secret " + from.getSecretRef().getName() + " does not exist");
			}
		}
		for (EnvVar variable : container.getEnv()) {
			checkLocal(owner, variable.getName(), variable.getValue(), problems);
			if (variable.getValueFrom() == null) {
				continue;
			}
			var secretKey = variable.getValueFrom().getSecretKeyRef();
			if (secretKey != null) {
				Secret secret = secrets.get(secretKey.getName());
				if (secret == null) {
					problems.add(owner + ": " + variable.getName() + " names Secret " + secretKey.getName()
							+ ", which does not exist");
				}
				else if (!secret.getStringData().containsKey(secretKey.getKey())
						&& !secret.getData().containsKey(secretKey.getKey())) {
					problems.add(owner + ": " + variable.getName() + " names key " + secretKey.getKey()
							+ ", which Secret " + secretKey.getName() + " does not have");
				}
			}
			var configKey = variable.getValueFrom().getConfigMapKeyRef();
			if (configKey != null) {
				ConfigMap map = configMaps.get(configKey.getName());
				if (map == null || !map.getData().containsKey(configKey.getKey())) {
					problems.add(owner + ": " + variable.getName() + " names " + configKey.getName() + "/"
							+ configKey.getKey() + ", which does not exist");
				}
			}
		}
	}

	private static void checkLocal(String owner, String variable, String value, List<String> problems) {
		if (value != null && LOCAL_ADDRESS.matcher(value).find()) {
			problems.add(owner + ": " + variable + " names a local address: " + value);
		}
	}

	private static void checkProbe(String deployment, Probe probe, String kind, String path, Set<Integer> ports,
			List<String> problems) {
		if (probe == null || probe.getHttpGet() == null) {
			problems.add("Deployment " + deployment + ": no HTTP " + kind + " probe");
			return;
		}
		if (!path.equals(probe.getHttpGet().getPath())) {
			problems.add("Deployment " + deployment + ": " + kind + " probe asks " + probe.getHttpGet().getPath()
					+ ", not " + path);
		}
		IntOrString port = probe.getHttpGet().getPort();
		if (port == null || port.getIntVal() == null || !ports.contains(port.getIntVal())) {
			problems.add("Deployment " + deployment + ": " + kind + " probe port "
					+ ((port != null) ? port.getValue() : null) + " is no container port");
		}
	}

	private static boolean mayWatchJobs(String account, Map<String, Role> roles, Map<String, RoleBinding> bindings) {
		return bindings.values()
			.stream()
			.filter((binding) -> binding.getSubjects()
				.stream()
				.anyMatch((subject) -> "ServiceAccount".equals(subject.getKind()) && account.equals(subject.getName())))
			.map((binding) -> roles.get(binding.getRoleRef().getName()))
			.filter(Objects::nonNull)
			.flatMap((role) -> role.getRules().stream())
			.anyMatch((rule) -> rule.getApiGroups().contains("batch") && rule.getResources().contains("jobs")
					&& rule.getVerbs().containsAll(List.of("get", "watch", "list")));
	}

	private static boolean matches(IntOrString target, ContainerPort port) {
		return (target.getIntVal() != null) ? target.getIntVal().equals(port.getContainerPort())
				: target.getStrVal().equals(port.getName());
	}

	private static Set<Integer> ports(Container container) {
		Set<Integer> ports = new HashSet<>();
		container.getPorts().forEach((port) -> ports.add(port.getContainerPort()));
		return ports;
	}

	private static Stream<Container> containers(PodTemplateSpec pod) {
		return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream());
	}

	private static Map<String, String> labels(PodTemplateSpec pod) {
		return (pod.getMetadata() != null && pod.getMetadata().getLabels() != null) ? pod.getMetadata().getLabels()
				: Map.of();
	}

	private static <T extends HasMetadata> Map<String, T> byName(List<HasMetadata> objects, Class<T> type) {
		Map<String, T> byName = new LinkedHashMap<>();
		objects.stream().filter(type::isInstance).map(type::cast).forEach((object) -> byName.put(name(object), object));
		return byName;
	}

	private static String name(HasMetadata object) {
		return (object.getMetadata() != null) ? object.getMetadata().getName() : "(no name)";
	}

}
