package io.chatapp.hosting;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The resource model: every resource with its references and waits, and the control API
 * that starts, stops and restarts them (the console, the tests and the dashboard use it).
 *
 * <p>
 * Starting honours the waits: each resource starts on its own thread as soon as what it
 * waits for is ready, so independent resources start in parallel. Stopping goes the other
 * way: services first, then Kafka, then PostgreSQL.
 */
public final class DistributedApplication implements AutoCloseable {

	private final String name;

	private final String version;

	private final HostOptions options;

	private volatile Instant readyAt;

	private final List<Resource> resources;

	private final PrintStream console;

	private final PidFile pidFile;

	private final List<Consumer<ResourceSnapshot>> listeners = new CopyOnWriteArrayList<>();

	private final ExecutorService starters = Executors.newCachedThreadPool(daemon("apphost-start"));

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("apphost-health"));

	private final long created = System.nanoTime();

	private volatile boolean started;

	private volatile boolean stopping;

	private boolean stopped;

	private DistributedApplication(String name, String version, HostOptions options, List<Resource> resources) {
		this.name = name;
		this.version = version;
		this.options = options;
		this.resources = List.copyOf(resources);
		this.console = options.console() ? System.out : null;
		this.pidFile = new PidFile(options.dataDirectory().resolve("apphost.pids"));
	}

	/**
	 * Starts describing a model.
	 * @param options the configuration
	 * @return a builder
	 */
	public static Builder builder(HostOptions options) {
		return new Builder(options);
	}

	/**
	 * The application's name, for people: the dashboard's title, the console.
	 * @return e.g. {@code Orders}
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The version of the application's modules, which the published images are tagged
	 * with.
	 * @return e.g. {@code 1.0.0-SNAPSHOT}, or {@code latest} when none was set
	 */
	public String version() {
		return (this.version != null) ? this.version : "latest";
	}

	public HostOptions options() {
		return this.options;
	}

	public Path dataDirectory() {
		return this.options.dataDirectory();
	}

	/**
	 * Every resource as declared (each replica its own), for publishers that write the
	 * model out for a deployment target.
	 * @return the resources in declaration order
	 */
	public List<Resource> declaredResources() {
		return this.resources;
	}

	/**
	 * Every resource as it is now, in declaration order.
	 * @return the snapshots
	 */
	public List<ResourceSnapshot> resources() {
		return this.resources.stream().map(Resource::snapshot).toList();
	}

	public Optional<Resource> resource(String name) {
		return this.resources.stream().filter((resource) -> resource.name().equals(name)).findFirst();
	}

	/**
	 * The resources as declared, each replicated service once, in declaration order: what
	 * the {@code <name>.*} options name, and the order the dashboard gives colours in.
	 * @return the names
	 */
	public List<String> services() {
		return this.resources.stream().map(Resource::service).distinct().toList();
	}

	/**
	 * Registers a listener for state changes (the dashboard pushes them to the browser).
	 * @param listener called with the new snapshot, on the thread that changed the state
	 */
	public void addListener(Consumer<ResourceSnapshot> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Starts every resource and returns when all that can start are ready. Leftovers of a
	 * crashed AppHost are stopped first; with {@code --fresh} the data directory is
	 * wiped.
	 * @throws HostingException when a port is taken or a resource fails to start (the
	 * message includes the failing resource's last log lines); resources already started
	 * keep running until {@link #stop()}
	 */
	public void start() {
		synchronized (this) {
			if (this.started) {
				throw new IllegalStateException("Already started");
			}
			this.started = true;
		}
		prepareDataDirectory();
		Resource.Context context = new Resource.Context(dataDirectory(), this.console, this.pidFile, this.scheduler,
				this::stateChanged, this.options.profile());
		this.resources.forEach((resource) -> resource.attach(context));
		checkPorts(this.resources.stream().filter((resource) -> resource.unavailableReason() == null).toList());
		List<CompletableFuture<Void>> ready = new ArrayList<>();
		for (Resource resource : this.resources) {
			CompletableFuture<Void> future = schedule(resource);
			if (resource.unavailableReason() == null) {
				ready.add(future);
			}
		}
		try {
			CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get();
			this.readyAt = Instant.now();
		}
		catch (ExecutionException ex) {
			throw new HostingException(describeFailure());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HostingException("Interrupted while starting", ex);
		}
	}

	/**
	 * When {@link #start()} saw every resource ready (healthy, or a job exited with 0).
	 * @return the time, empty while starting or after a failed start
	 */
	public Optional<Instant> readyAt() {
		return Optional.ofNullable(this.readyAt);
	}

	/**
	 * The profile the resources run with.
	 * @return development or production-like
	 */
	public Profile profile() {
		return this.options.profile();
	}

	/**
	 * Starts one resource (after a stop, or one that failed), once what it waits for is
	 * ready.
	 * @param name the resource
	 * @return completes when it is ready, exceptionally if it fails
	 */
	public CompletableFuture<Void> start(String name) {
		Resource resource = require(name);
		if (!resource.pids().isEmpty()) {
			throw new HostingException(name + " is already running");
		}
		checkPorts(List.of(resource));
		return schedule(resource);
	}

	/**
	 * Stops one resource and its process tree. Resources that use it are left running.
	 * @param name the resource
	 */
	public void stop(String name) {
		require(name).shutdown();
	}

	/**
	 * Stops one resource and starts it again.
	 * @param name the resource
	 * @return completes when it is ready again
	 */
	public CompletableFuture<Void> restart(String name) {
		stop(name);
		return start(name);
	}

	/**
	 * Stops everything: services and jobs first, then Kafka, then PostgreSQL, each with
	 * its whole process tree. Safe to call more than once and from a shutdown hook.
	 */
	public void stop() {
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			this.stopped = true;
			this.stopping = true;
		}
		Map<Integer, List<Resource>> tiers = new TreeMap<>(
				this.resources.stream().collect(Collectors.groupingBy(Resource::stopTier)));
		for (List<Resource> tier : tiers.values()) {
			CompletableFuture<?>[] stops = tier.stream()
				.map((resource) -> CompletableFuture.runAsync(resource::shutdown, this.starters))
				.toArray(CompletableFuture[]::new);
			CompletableFuture.allOf(stops).exceptionally((ex) -> null).join();
		}
		this.scheduler.shutdownNow();
		this.starters.shutdownNow();
		this.resources.stream().map(Resource::log).filter((log) -> log != null).forEach(ResourceLog::close);
		if (this.started && this.pidFile.liveChildren().isEmpty()) {
			this.pidFile.delete();
		}
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * The processes recorded in the pid file that are still alive; empty after a clean
	 * stop.
	 * @return pids
	 */
	public List<Long> liveRecordedProcesses() {
		return this.pidFile.liveChildren();
	}

	private CompletableFuture<Void> schedule(Resource resource) {
		CompletableFuture<Void> ready = resource.resetReady();
		resource.allowStart();
		String unavailable = resource.unavailableReason();
		if (unavailable != null) {
			resource.setState(ResourceState.UNAVAILABLE, unavailable);
			ready.completeExceptionally(new DependencyFailure(resource.name() + " is not available: " + unavailable));
			return ready;
		}
		this.starters.execute(() -> run(resource, ready));
		return ready;
	}

	private void run(Resource resource, CompletableFuture<Void> ready) {
		try {
			List<Resource> pending = new ArrayList<>(resource.waits().stream().map(Resource.Wait::resource).toList());
			while (!pending.isEmpty()) {
				resource.setState(ResourceState.WAITING,
						"for " + pending.stream().map(Resource::name).collect(Collectors.joining(", ")));
				Resource next = pending.remove(0);
				try {
					next.ready().get();
				}
				catch (ExecutionException ex) {
					throw new DependencyFailure(resource.name() + " did not start: " + next.name() + " "
							+ next.state().label().toLowerCase(Locale.ROOT));
				}
			}
			if (this.stopping) {
				throw new DependencyFailure(resource.name() + " was not started: the AppHost is stopping");
			}
			resource.launch();
			ready.complete(null);
		}
		catch (Resource.ResourceFailure ex) {
			failed(resource, ready, ex);
		}
		catch (RuntimeException ex) {
			failed(resource, ready, new Resource.ResourceFailure(resource.name() + ": " + ex, resource.log().tail(60)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed(resource, ready, new DependencyFailure(resource.name() + " was interrupted"));
		}
	}

	private void failed(Resource resource, CompletableFuture<Void> ready, Resource.ResourceFailure failure) {
		if (!this.stopping || !(failure instanceof DependencyFailure)) {
			ResourceState state = (resource.state() == ResourceState.EXITED) ? ResourceState.EXITED
					: ResourceState.FAILED_TO_START;
			resource.setState(state, failure.getMessage());
		}
		else {
			resource.setState(ResourceState.NOT_STARTED, "the AppHost is stopping");
		}
		ready.completeExceptionally(failure);
	}

	/**
	 * The root cause of a failed start, for a person: the first resource that failed on
	 * its own (not because of a dependency), with its last log lines.
	 */
	private String describeFailure() {
		for (Resource resource : this.resources) {
			CompletableFuture<Void> ready = resource.ready();
			if (ready.isCompletedExceptionally()) {
				Throwable cause = ready.handle((ok, ex) -> ex).join();
				if (cause instanceof Resource.ResourceFailure failure && !(failure instanceof DependencyFailure)) {
					StringBuilder message = new StringBuilder("Start failed: " + failure.getMessage());
					if (!failure.log().isEmpty()) {
						message.append("\n--- last lines of ")
							.append(resource.name())
							.append(" (full log: ")
							.append(dataDirectory().resolve("logs").resolve(resource.name() + ".log"))
							.append(") ---");
						failure.log().forEach((line) -> message.append('\n').append(line));
					}
					return message.toString();
				}
			}
		}
		return "Start failed: " + this.resources.stream()
			.filter((resource) -> resource.state() == ResourceState.FAILED_TO_START)
			.map(Resource::snapshot)
			.map(ResourceSnapshot::toString)
			.collect(Collectors.joining("; "));
	}

	private void prepareDataDirectory() {
		Path data = dataDirectory();
		try {
			Files.createDirectories(data);
			// Leftovers first: a fresh start must not delete files a live process still
			// uses.
			this.pidFile.takeOver(this::announce);
			if (this.options.fresh()) {
				announce("--fresh: deleting " + data);
				try (Stream<Path> files = Files.walk(data)) {
					files.sorted(Comparator.reverseOrder())
						.filter((path) -> !path.equals(data) && !path.equals(this.pidFile.path()))
						.forEach(DistributedApplication::delete);
				}
			}
		}
		catch (IOException ex) {
			throw new HostingException("Cannot prepare the data directory " + data, ex);
		}
	}

	private static void delete(Path path) {
		try {
			Files.delete(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void checkPorts(List<Resource> starting) {
		Map<Integer, String> owners = new LinkedHashMap<>();
		List<String> problems = new ArrayList<>();
		for (Resource resource : starting) {
			resource.ports().forEach((port, description) -> {
				String previous = owners.putIfAbsent(port, description);
				if (previous != null) {
					problems.add("port " + port + " is configured for both " + previous + " and " + description);
				}
				else if (!Processes.isFree(port)) {
					problems.add("port " + port + " (" + description + ") is already in use");
				}
			});
		}
		if (!problems.isEmpty()) {
			throw new HostingException("Cannot start: " + String.join("; ", problems)
					+ ". Stop whatever uses it or choose another port (see --help).");
		}
	}

	private Resource require(String name) {
		return resource(name).orElseThrow(() -> new IllegalArgumentException("No resource named " + name));
	}

	private void stateChanged(ResourceSnapshot snapshot) {
		if (!(snapshot.state() == ResourceState.WAITING && snapshot.detail().isEmpty())) {
			announce(snapshot.toString());
		}
		this.listeners.forEach((listener) -> listener.accept(snapshot));
	}

	void announce(String message) {
		if (this.console != null) {
			synchronized (ResourceLog.class) {
				this.console.printf("[apphost] %5.1fs %s%n", (System.nanoTime() - this.created) / 1e9, message);
			}
		}
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * A resource did not start because of another one, or because the AppHost stopped.
	 */
	static final class DependencyFailure extends Resource.ResourceFailure {

		DependencyFailure(String message) {
			super(message, List.of());
		}

	}

	/**
	 * Describes the model; an application's AppHost reads top to bottom with it.
	 */
	public static final class Builder {

		private final HostOptions options;

		private final List<Object> declared = new ArrayList<>();

		private String name = "Application";

		private String version;

		Builder(HostOptions options) {
			this.options = options;
		}

		public HostOptions options() {
			return this.options;
		}

		/**
		 * The application's name, shown by the dashboard and on the console.
		 * @param name e.g. {@code Orders}
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * The version Maven gives the application's modules, which {@link #jar} needs.
		 * @param version e.g. {@code 1.0.0-SNAPSHOT}
		 * @return this builder
		 */
		public Builder version(String version) {
			this.version = version;
			return this;
		}

		/**
		 * A real Kafka broker in a child JVM.
		 * @param name resource name
		 * @param port the client (bootstrap) port
		 * @param controllerPort the KRaft controller port
		 * @return the resource, also a reference ({@code SPRING_KAFKA_BOOTSTRAP_SERVERS})
		 */
		public KafkaResource addKafka(String name, int port, int controllerPort) {
			return addKafka(name, port, controllerPort, 1);
		}

		/**
		 * A real Kafka cluster: each broker a child JVM and a resource of its own, named
		 * like replicas ({@code <name>}, {@code <name>-2}, ...), broker {@code n} (from
		 * 0) on the ports plus {@code 10 * n}. With three brokers or more, topics get
		 * three replicas and writes need two of them, so the cluster survives the loss of
		 * one broker.
		 * @param name the first broker's name
		 * @param port the first broker's client (bootstrap) port
		 * @param controllerPort the first broker's KRaft controller port
		 * @param brokers how many brokers, 1 to {@value KafkaResource#MAX_BROKERS}
		 * @return the first broker, which stands for the cluster: a reference to it gives
		 * every broker's address, and waiting for it waits for every broker
		 */
		public KafkaResource addKafka(String name, int port, int controllerPort, int brokers) {
			return add(KafkaResource.embedded(name, brokers, port, controllerPort).get(0));
		}

		/**
		 * An existing Kafka cluster; nothing is started for it.
		 * @param name resource name
		 * @param bootstrapServers its bootstrap servers
		 * @return the resource
		 */
		public KafkaResource addExternalKafka(String name, String bootstrapServers) {
			return add(KafkaResource.external(name, bootstrapServers));
		}

		/**
		 * A real PostgreSQL 17 server started by the AppHost.
		 * @param name resource name
		 * @param port its port
		 * @return the resource
		 */
		public PostgresResource addPostgres(String name, int port) {
			return add(PostgresResource.embedded(name, port));
		}

		/**
		 * An existing PostgreSQL server; nothing is started for it.
		 * @param name resource name
		 * @param jdbcUrl its JDBC URL
		 * @param adminUser a role that may create schemas and roles
		 * @param adminPassword that role's password
		 * @return the resource
		 */
		public PostgresResource addExternalPostgres(String name, String jdbcUrl, String adminUser,
				String adminPassword) {
			return add(PostgresResource.external(name, jdbcUrl, adminUser, adminPassword));
		}

		/**
		 * A long-running service: {@code java -jar} of the given jar, ready when it
		 * answers {@code /health} with 200.
		 * @param name resource name (also {@code OTEL_SERVICE_NAME})
		 * @param jar its executable jar
		 * @return a builder for its endpoints, references and waits
		 */
		public ProjectBuilder addService(String name, Path jar) {
			return add(new ProjectBuilder(this, name, jar, false));
		}

		/**
		 * A job that runs to completion: ready when it exits with code 0.
		 * @param name resource name
		 * @param jar its executable jar
		 * @return a builder for its references and waits
		 */
		public ProjectBuilder addJob(String name, Path jar) {
			return add(new ProjectBuilder(this, name, jar, true));
		}

		/**
		 * A module's jar as Maven builds it in this checkout.
		 * @param module the module, e.g. {@code orders-api}
		 * @param classifier the jar's classifier, or {@code null}
		 * @return {@code <root>/<module>/target/<module>-<version>[-classifier].jar}
		 * @throws IllegalStateException without a {@link #version}
		 */
		public Path jar(String module, String classifier) {
			if (this.version == null) {
				throw new IllegalStateException("The modules' version is not set: call version(...) first");
			}
			String file = module + "-" + this.version + ((classifier != null) ? "-" + classifier : "") + ".jar";
			return this.options.repositoryRoot().resolve(module).resolve("target").resolve(file);
		}

		public Path jar(String module) {
			return jar(module, null);
		}

		/**
		 * The model as described.
		 * @return the model, not started
		 * @throws HostingException when an option names no resource of the model
		 */
		public DistributedApplication build() {
			List<Resource> resources = new ArrayList<>();
			List<String> names = new ArrayList<>();
			List<String> projects = new ArrayList<>();
			for (Object item : this.declared) {
				if (item instanceof Resource resource) {
					resources.addAll(resource.members());
					names.add(resource.name());
				}
				else {
					ProjectBuilder project = (ProjectBuilder) item;
					resources.addAll(project.instances());
					names.add(project.name);
					projects.add(project.name);
				}
			}
			this.options.checkResourceNames(names, projects);
			return new DistributedApplication(this.name, this.version, this.options, resources);
		}

		private <T> T add(T item) {
			String name = (item instanceof Resource resource) ? resource.name() : ((ProjectBuilder) item).name;
			if (this.options.find(name + ".enabled").map("false"::equals).orElse(false)
					&& item instanceof Resource resource) {
				resource.members().forEach((member) -> member.disable("disabled by " + name + ".enabled=false"));
			}
			this.declared.add(item);
			return item;
		}

	}

	/**
	 * A Java project (service or job) being described; becomes one resource per replica.
	 * Replica {@code n} (from 0) listens on each endpoint's port plus {@code 10 * n} and
	 * is named {@code <name>-<n+1>} (the first keeps the plain name).
	 */
	public static final class ProjectBuilder {

		private final Builder builder;

		private final String name;

		private final Path jar;

		private final boolean job;

		private final List<ProjectResource.Endpoint> endpoints = new ArrayList<>();

		private final List<ConnectionReference> references = new ArrayList<>();

		private final Map<String, String> environment = new LinkedHashMap<>();

		private final List<Object> waits = new ArrayList<>();

		private List<String> jvmArgs;

		private List<String> args = new ArrayList<>();

		private int replicas = 1;

		private ComputeResources compute = ComputeResources.DEFAULT;

		private List<ProjectResource> instances;

		ProjectBuilder(Builder builder, String name, Path jar, boolean job) {
			this.builder = builder;
			this.name = name;
			this.jar = jar;
			this.job = job;
			this.references.add(this::environment);
			if (!job) {
				// Every service runs on this machine, and each idle PostgreSQL
				// connection is a process of its own (about 17 MB); pools grow on
				// demand up to the service's maximum.
				this.environment.put("SPRING_DATASOURCE_HIKARI_MINIMUM_IDLE", "1");
			}
			builder.options.otlpEndpoint().ifPresent(this::withOtlpExporter);
			this.jvmArgs = builder.options.find(name + ".jvm-args")
				.map((value) -> builder.options.list(name + ".jvm-args"))
				.orElse(JvmOptions.service(builder.options.profile()));
			this.args.addAll(builder.options.list(name + ".args"));
		}

		/**
		 * The HTTP port, passed as {@code SERVER_PORT}; {@code /health} is polled on it.
		 * @param port the port of the first replica
		 * @return this builder
		 */
		public ProjectBuilder withHttpEndpoint(int port) {
			return withEndpoint("http", "http", port, "SERVER_PORT");
		}

		/**
		 * Another port the service listens on.
		 * @param endpointName e.g. {@code grpc}
		 * @param scheme URL scheme for display
		 * @param port the port of the first replica
		 * @param environmentVariable the variable that sets it, e.g.
		 * {@code SPRING_GRPC_SERVER_PORT}
		 * @return this builder
		 */
		public ProjectBuilder withEndpoint(String endpointName, String scheme, int port, String environmentVariable) {
			this.endpoints.add(new ProjectResource.Endpoint(endpointName, scheme, port, environmentVariable));
			return this;
		}

		public ProjectBuilder withReference(ConnectionReference reference) {
			this.references.add(reference);
			return this;
		}

		public ProjectBuilder withEnvironment(String variable, String value) {
			this.environment.put(variable, value);
			return this;
		}

		public ProjectBuilder withArgs(String... arguments) {
			this.args.addAll(0, List.of(arguments));
			return this;
		}

		/**
		 * What one instance needs and may use where it is deployed (Kubernetes requests
		 * and limits); the AppHost itself does not limit its processes.
		 * @param compute CPU and memory
		 * @return this builder
		 */
		public ProjectBuilder withComputeResources(ComputeResources compute) {
			this.compute = compute;
			return this;
		}

		public ProjectBuilder withReplicas(int count) {
			this.replicas = count;
			return this;
		}

		/**
		 * Starts only once the resource is ready (for a Kafka cluster: every broker).
		 * @param resource infrastructure to wait for
		 * @return this builder
		 */
		public ProjectBuilder waitFor(Resource resource) {
			this.waits.add(resource);
			return this;
		}

		/**
		 * Starts only once every replica of the service is healthy.
		 * @param service the service
		 * @return this builder
		 */
		public ProjectBuilder waitFor(ProjectBuilder service) {
			this.waits.add(service);
			return this;
		}

		/**
		 * Starts only once the job has exited with code 0; a failed job means this never
		 * starts.
		 * @param job the job
		 * @return this builder
		 */
		public ProjectBuilder waitForCompletion(ProjectBuilder job) {
			if (!job.job) {
				throw new IllegalArgumentException(job.name + " is not a job");
			}
			this.waits.add(job);
			return this;
		}

		/**
		 * An endpoint of the first replica, for references from other services.
		 * @param endpointName e.g. {@code http}
		 * @return the endpoint
		 */
		public ProjectResource.Endpoint endpoint(String endpointName) {
			return this.endpoints.stream()
				.filter((endpoint) -> endpoint.name().equals(endpointName))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(this.name + " has no endpoint " + endpointName));
		}

		/**
		 * An endpoint of every replica, for a client that balances over them.
		 * @param endpointName e.g. {@code http}
		 * @return one endpoint per replica, the first replica's first
		 */
		public List<ProjectResource.Endpoint> replicaEndpoints(String endpointName) {
			ProjectResource.Endpoint first = endpoint(endpointName);
			List<ProjectResource.Endpoint> endpoints = new ArrayList<>();
			for (int replica = 0; replica < this.replicas; replica++) {
				endpoints.add(shifted(first, replica));
			}
			return endpoints;
		}

		private static ProjectResource.Endpoint shifted(ProjectResource.Endpoint endpoint, int replica) {
			return new ProjectResource.Endpoint(endpoint.name(), endpoint.scheme(), endpoint.port() + 10 * replica,
					endpoint.environmentVariable());
		}

		private Map<String, String> environment() {
			return this.environment;
		}

		/**
		 * Telemetry goes to the dashboard's OTLP receiver (or the configured one); with
		 * the dashboard off and none configured, no endpoint is set and the services
		 * export nothing (instead of retrying a dead address every second).
		 */
		private void withOtlpExporter(String endpoint) {
			this.environment.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
			this.environment.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
			// Metrics leave through Micrometer's OTLP registry, which Spring Boot
			// configures from its own properties rather than from OTEL_*.
			this.environment.put("MANAGEMENT_OTLP_METRICS_EXPORT_URL", endpoint + "/v1/metrics");
			if (this.builder.options.profile() == Profile.PRODUCTION) {
				// As a production system would: one trace in ten, the exporters' usual
				// batching, metrics every 10 s.
				this.environment.put("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "0.1");
				this.environment.put("MANAGEMENT_OTLP_METRICS_EXPORT_STEP", "10s");
				return;
			}
			// One-second export intervals: the dashboard should show what just happened.
			this.environment.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
			this.environment.put("OTEL_BSP_SCHEDULE_DELAY", "1000");
			this.environment.put("OTEL_BLRP_SCHEDULE_DELAY", "1000");
			this.environment.put("MANAGEMENT_OTLP_METRICS_EXPORT_STEP", "1s");
		}

		List<ProjectResource> instances() {
			if (this.instances == null) {
				String disabled = this.builder.options.find(this.name + ".enabled")
					.filter("false"::equals)
					.map((value) -> "disabled by " + this.name + ".enabled=false")
					.orElse(null);
				this.instances = new ArrayList<>();
				for (int replica = 0; replica < this.replicas; replica++) {
					int index = replica;
					List<ProjectResource.Endpoint> shifted = this.endpoints.stream()
						.map((endpoint) -> shifted(endpoint, index))
						.toList();
					String instanceName = (replica == 0) ? this.name : this.name + "-" + (replica + 1);
					ProjectResource instance = new ProjectResource(instanceName, this.name, this.jar, this.job, shifted,
							this.references, this.jvmArgs, this.args,
							Duration.ofSeconds(Long.parseLong(this.builder.options.get("startup-timeout", "180"))));
					instance.computeResources(this.compute);
					if (disabled != null) {
						instance.disable(disabled);
					}
					for (Object wait : this.waits) {
						if (wait instanceof Resource resource) {
							resource.members().forEach(instance::addWait);
						}
						else {
							((ProjectBuilder) wait).instances().forEach(instance::addWait);
						}
					}
					this.instances.add(instance);
				}
			}
			return this.instances;
		}

	}

}
