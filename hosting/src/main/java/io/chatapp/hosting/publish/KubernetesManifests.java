package io.chatapp.hosting.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import io.chatapp.hosting.ProjectResource;

/**
 * The model as Kubernetes objects, one file per resource: a ConfigMap, a Secret, a
 * Deployment (or a Job) and a Service per service; Kafka as a Strimzi cluster, PostgreSQL
 * as a CloudNativePG cluster; and the account the services' init containers use to wait
 * for the migration job.
 */
final class KubernetesManifests {

	/** The account whose pods may read Jobs, to wait for one to complete. */
	static final String JOB_WAITER = "job-waiter";

	/**
	 * The Kubernetes project's own kubectl image (Bitnami's versioned tags are no longer
	 * served).
	 */
	static final String KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.1";

	static final String NAME_LABEL = "app.kubernetes.io/name";

	private static final int KAFKA_PORT = 9092;

	private static final int POSTGRES_PORT = 5432;

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private final DeploymentModel model;

	private final String imagePrefix;

	private final String partOf;

	private KubernetesManifests(DeploymentModel model, String imagePrefix) {
		this.model = model;
		this.imagePrefix = imagePrefix;
		this.partOf = model.application.toLowerCase(Locale.ROOT);
	}

	static DeploymentModel.Addresses addresses() {
		return new DeploymentModel.Addresses() {

			@Override
			public String service(String name, int port) {
				return name + ":" + port;
			}

			@Override
			public String kafka(String name) {
				return name + "-kafka-bootstrap:" + KAFKA_PORT;
			}

			@Override
			public String postgres(String name) {
				// CloudNativePG's Service for the primary (read-write).
				return name + "-rw:" + POSTGRES_PORT;
			}

		};
	}

	/**
	 * The objects, by file name.
	 * @param model the deployment model, addresses rewritten for a cluster
	 * @param imagePrefix e.g. {@code registry.example.com/chatapp/}
	 * @return file name to its objects
	 */
	static Map<String, List<HasMetadata>> objects(DeploymentModel model, String imagePrefix) {
		return new KubernetesManifests(model, imagePrefix).objects();
	}

	static String yaml(List<HasMetadata> objects) {
		StringBuilder yaml = new StringBuilder();
		for (HasMetadata object : objects) {
			String document = SERIALIZATION.asYaml(object);
			yaml.append(document.startsWith("---") ? document : "---\n" + document);
		}
		return yaml.toString();
	}

	private Map<String, List<HasMetadata>> objects() {
		Map<String, List<HasMetadata>> files = new LinkedHashMap<>();
		if (this.model.services.stream().anyMatch((service) -> service.waits().stream().anyMatch(this.model::isJob))) {
			files.put("job-waiter.yaml", jobWaiter());
		}
		this.model.kafkas.stream()
			.filter((kafka) -> !kafka.external())
			.forEach((kafka) -> files.put(kafka.name() + ".yaml", kafka(kafka.name())));
		this.model.postgres.stream()
			.filter((postgres) -> !postgres.external())
			.forEach((postgres) -> files.put(postgres.name() + ".yaml", postgres(postgres)));
		this.model.services.forEach((service) -> files.put(service.name() + ".yaml", service(service)));
		return files;
	}

	private List<HasMetadata> jobWaiter() {
		return List.of(
				new ServiceAccountBuilder().withNewMetadata()
					.withName(JOB_WAITER)
					.withLabels(labels(JOB_WAITER))
					.endMetadata()
					.build(),
				new RoleBuilder().withNewMetadata()
					.withName(JOB_WAITER)
					.withLabels(labels(JOB_WAITER))
					.endMetadata()
					.withRules(new PolicyRuleBuilder().withApiGroups("batch")
						.withResources("jobs")
						.withVerbs("get", "watch", "list")
						.build())
					.build(),
				new RoleBindingBuilder().withNewMetadata()
					.withName(JOB_WAITER)
					.withLabels(labels(JOB_WAITER))
					.endMetadata()
					.withNewRoleRef("rbac.authorization.k8s.io", "Role", JOB_WAITER)
					.withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName(JOB_WAITER).build())
					.build());
	}

	private List<HasMetadata> kafka(String name) {
		Map<String, Object> listener = new LinkedHashMap<>();
		listener.put("name", "plain");
		listener.put("port", KAFKA_PORT);
		listener.put("type", "internal");
		listener.put("tls", false);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("default.replication.factor", 3);
		config.put("min.insync.replicas", 2);
		config.put("offsets.topic.replication.factor", 3);
		config.put("transaction.state.log.replication.factor", 3);
		config.put("transaction.state.log.min.isr", 2);
		Map<String, Object> kafka = new LinkedHashMap<>();
		kafka.put("listeners", List.of(listener));
		kafka.put("config", config);
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("kafka", kafka);
		spec.put("entityOperator", ordered("topicOperator", Map.of(), "userOperator", Map.of()));
		GenericKubernetesResource cluster = new GenericKubernetesResourceBuilder().withApiVersion("kafka.strimzi.io/v1")
			.withKind("Kafka")
			.withNewMetadata()
			.withName(name)
			.withLabels(labels(name))
			.endMetadata()
			.build();
		cluster.setAdditionalProperty("spec", spec);

		Map<String, Object> volume = new LinkedHashMap<>();
		volume.put("id", 0);
		volume.put("type", "persistent-claim");
		volume.put("size", "20Gi");
		volume.put("deleteClaim", false);
		volume.put("kraftMetadata", "shared");
		Map<String, Object> poolSpec = new LinkedHashMap<>();
		poolSpec.put("replicas", 3);
		poolSpec.put("roles", List.of("controller", "broker"));
		poolSpec.put("storage", ordered("type", "jbod", "volumes", List.of(volume)));
		Map<String, String> poolLabels = labels(name);
		poolLabels.put("strimzi.io/cluster", name);
		GenericKubernetesResource pool = new GenericKubernetesResourceBuilder().withApiVersion("kafka.strimzi.io/v1")
			.withKind("KafkaNodePool")
			.withNewMetadata()
			.withName(name + "-dual-role")
			.withLabels(poolLabels)
			.endMetadata()
			.build();
		pool.setAdditionalProperty("spec", poolSpec);
		return List.of(cluster, pool);
	}

	private List<HasMetadata> postgres(DeploymentModel.Postgres postgres) {
		// No superuserSecret: CloudNativePG generates the administrator's password into
		// <name>-superuser, and the jobs that log in as the administrator read it there.
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("instances", 3);
		spec.put("enableSuperuserAccess", true);
		spec.put("storage", Map.of("size", "20Gi"));
		GenericKubernetesResource cluster = new GenericKubernetesResourceBuilder()
			.withApiVersion("postgresql.cnpg.io/v1")
			.withKind("Cluster")
			.withNewMetadata()
			.withName(postgres.name())
			.withLabels(labels(postgres.name()))
			.endMetadata()
			.build();
		cluster.setAdditionalProperty("spec", spec);
		return List.of(cluster);
	}

	/**
	 * The operator's Secret that holds a variable's value instead of the service's own
	 * Secret: the administrator's password of a PostgreSQL the cluster runs.
	 * @return the Secret's name, or {@code null}
	 */
	private String operatorSecret(DeploymentModel.Service service, String variable) {
		if (!variable.equals("SPRING_DATASOURCE_PASSWORD")) {
			return null;
		}
		String user = service.environment().get("SPRING_DATASOURCE_USERNAME");
		String url = service.environment().get("SPRING_DATASOURCE_URL");
		return this.model.postgres.stream()
			.filter((postgres) -> !postgres.external() && postgres.adminUser().equals(user)
					&& postgres.jdbcUrl().equals(url))
			.map((postgres) -> postgres.name() + "-superuser")
			.findFirst()
			.orElse(null);
	}

	private List<HasMetadata> service(DeploymentModel.Service service) {
		List<HasMetadata> objects = new ArrayList<>();
		Map<String, String> config = new LinkedHashMap<>();
		Map<String, String> secrets = new LinkedHashMap<>();
		Map<String, String> operatorSecrets = new LinkedHashMap<>();
		service.environment().forEach((variable, value) -> {
			if (variable.equals(DeploymentModel.INSTANCE_ATTRIBUTES)) {
				return;
			}
			String operatorSecret = operatorSecret(service, variable);
			if (operatorSecret != null) {
				operatorSecrets.put(variable, operatorSecret);
				return;
			}
			(DeploymentModel.isSecret(variable) ? secrets : config).put(variable, value);
		});
		String configName = service.name() + "-config";
		String secretName = service.name() + "-secrets";
		objects.add(new ConfigMapBuilder().withNewMetadata()
			.withName(configName)
			.withLabels(labels(service.name()))
			.endMetadata()
			.withData(config)
			.build());
		if (!secrets.isEmpty()) {
			objects.add(new SecretBuilder().withNewMetadata()
				.withName(secretName)
				.withLabels(labels(service.name()))
				.endMetadata()
				.withType("Opaque")
				.withStringData(secrets)
				.build());
		}
		List<EnvVar> env = new ArrayList<>();
		secrets.keySet()
			.forEach((variable) -> env.add(new EnvVarBuilder().withName(variable)
				.withNewValueFrom()
				.withNewSecretKeyRef(variable, secretName, false)
				.endValueFrom()
				.build()));
		operatorSecrets.forEach((variable,
				secret) -> env.add(new EnvVarBuilder().withName(variable)
					.withNewValueFrom()
					.withNewSecretKeyRef("password", secret, false)
					.endValueFrom()
					.build()));
		if (service.environment().containsKey(DeploymentModel.INSTANCE_ATTRIBUTES)) {
			// One instance id per pod, as the AppHost gives one per replica.
			env.add(new EnvVarBuilder().withName("POD_NAME")
				.withNewValueFrom()
				.withNewFieldRef()
				.withFieldPath("metadata.name")
				.endFieldRef()
				.endValueFrom()
				.build());
			env.add(new EnvVar(DeploymentModel.INSTANCE_ATTRIBUTES, "service.instance.id=$(POD_NAME)", null));
		}
		ContainerBuilder container = new ContainerBuilder().withName(service.name())
			.withImage(image(service.name()))
			.withImagePullPolicy("IfNotPresent")
			.addNewEnvFrom()
			.withNewConfigMapRef(configName, false)
			.endEnvFrom()
			.withEnv(env)
			.withNewResources()
			.withRequests(ordered("cpu", new Quantity(service.compute().cpuRequest()), "memory",
					new Quantity(service.compute().memoryRequest())))
			.withLimits(ordered("cpu", new Quantity(service.compute().cpuLimit()), "memory",
					new Quantity(service.compute().memoryLimit())))
			.endResources();
		for (ProjectResource.Endpoint endpoint : service.endpoints()) {
			container.addNewPort()
				.withName(endpoint.name())
				.withContainerPort(endpoint.port())
				.withProtocol("TCP")
				.endPort();
		}
		service.endpoints()
			.stream()
			.filter((endpoint) -> endpoint.name().equals("http"))
			.findFirst()
			.ifPresent((http) -> container.withStartupProbe(probe("/alive", http.port(), 5, 36))
				.withReadinessProbe(probe("/health", http.port(), 5, 3))
				.withLivenessProbe(probe("/alive", http.port(), 10, 3)));

		List<Container> initContainers = service.waits()
			.stream()
			.filter(this.model::isJob)
			.map((job) -> new ContainerBuilder().withName("wait-for-" + job)
				.withImage(KUBECTL_IMAGE)
				.withCommand("kubectl", "wait", "--for=condition=complete", "job/" + job, "--timeout=600s")
				.build())
			.toList();
		PodSpecBuilder pod = new PodSpecBuilder().withContainers(container.build());
		if (!initContainers.isEmpty()) {
			pod.withServiceAccountName(JOB_WAITER).withInitContainers(initContainers);
		}
		if (service.job()) {
			PodSpec spec = pod.withRestartPolicy("Never").build();
			objects.add(new JobBuilder().withNewMetadata()
				.withName(service.name())
				.withLabels(labels(service.name()))
				.endMetadata()
				.withNewSpec()
				// PostgreSQL may still be starting: a failed run is retried.
				.withBackoffLimit(6)
				.withNewTemplate()
				.withNewMetadata()
				.withLabels(labels(service.name()))
				.endMetadata()
				.withSpec(spec)
				.endTemplate()
				.endSpec()
				.build());
		}
		else {
			objects.add(new DeploymentBuilder().withNewMetadata()
				.withName(service.name())
				.withLabels(labels(service.name()))
				.endMetadata()
				.withNewSpec()
				.withReplicas(service.replicas())
				.withNewSelector()
				.withMatchLabels(Map.of(NAME_LABEL, service.name()))
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.withLabels(labels(service.name()))
				.endMetadata()
				.withSpec(pod.build())
				.endTemplate()
				.endSpec()
				.build());
		}
		if (!service.endpoints().isEmpty()) {
			List<ServicePort> ports = service.endpoints()
				.stream()
				.map((endpoint) -> new ServicePortBuilder().withName(endpoint.name())
					.withPort(endpoint.port())
					.withTargetPort(new IntOrString(endpoint.port()))
					.withProtocol("TCP")
					.build())
				.toList();
			objects.add(new ServiceBuilder().withNewMetadata()
				.withName(service.name())
				.withLabels(labels(service.name()))
				.endMetadata()
				.withNewSpec()
				.withType("ClusterIP")
				.withSelector(Map.of(NAME_LABEL, service.name()))
				.withPorts(ports)
				.endSpec()
				.build());
		}
		return objects;
	}

	private static Probe probe(String path, int port, int period, int failures) {
		return new ProbeBuilder().withNewHttpGet()
			.withPath(path)
			.withPort(new IntOrString(port))
			.endHttpGet()
			.withPeriodSeconds(period)
			.withFailureThreshold(failures)
			.withTimeoutSeconds(2)
			.build();
	}

	String image(String service) {
		return this.imagePrefix + service + ":" + this.model.version;
	}

	private Map<String, String> labels(String name) {
		return ordered(NAME_LABEL, name, "app.kubernetes.io/part-of", this.partOf);
	}

	@SuppressWarnings("unchecked")
	private static <V> Map<String, V> ordered(Object... keysAndValues) {
		Map<String, V> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
		}
		return map;
	}

}
