package io.chatapp.hosting;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * One thing the AppHost runs: infrastructure, a job or a service instance. Subclasses say
 * how it starts, when it is ready and how it stops; {@link DistributedApplication}
 * decides when, from the waits declared here.
 */
public abstract class Resource {

	private final String name;

	private final List<Wait> waits = new ArrayList<>();

	private volatile ResourceState state = ResourceState.NOT_STARTED;

	private volatile String detail = "";

	private volatile Integer exitCode;

	private volatile CompletableFuture<Void> ready = new CompletableFuture<>();

	private Context context;

	private volatile String disabledReason;

	private ResourceLog log;

	protected Resource(String name) {
		this.name = name;
	}

	public String name() {
		return this.name;
	}

	/**
	 * Kind of resource, for display.
	 * @return e.g. {@code service}
	 */
	public abstract String type();

	/**
	 * Order of stopping: services and jobs first (0), then the message broker (1), then
	 * the database (2), so nothing loses its infrastructure while shutting down.
	 * @return the stop tier, lower first
	 */
	abstract int stopTier();

	/**
	 * Ports this resource will listen on, each with a description for the error message
	 * when it is taken.
	 * @return port to description
	 */
	Map<Integer, String> ports() {
		return Map.of();
	}

	/**
	 * Why this resource cannot start here, if it cannot (for example a missing jar).
	 * @return {@code null} when it can start
	 */
	String unavailableReason() {
		return this.disabledReason;
	}

	/**
	 * Keeps the resource from starting, e.g. because the configuration disables it.
	 * @param reason shown as the state detail
	 */
	void disable(String reason) {
		this.disabledReason = reason;
	}

	/**
	 * Called before each start, also after a stop: clears a pending stop request.
	 */
	void allowStart() {
	}

	/**
	 * Starts the resource and returns once it is ready (healthy, or for a job: finished
	 * with exit code 0). Runs on its own thread.
	 * @throws ResourceFailure when it cannot start or does not become ready
	 */
	abstract void launch();

	/**
	 * Stops the resource and everything it started; returns once it is gone.
	 */
	abstract void shutdown();

	/**
	 * The operating-system processes of this resource.
	 * @return live process ids
	 */
	List<Long> pids() {
		return List.of();
	}

	/**
	 * Where clients reach it.
	 * @return URLs or addresses
	 */
	public List<String> endpoints() {
		return List.of();
	}

	/**
	 * Waits for another resource to be ready before starting: healthy, or for a job,
	 * finished with exit code 0.
	 * @param resource what to wait for
	 */
	void addWait(Resource resource) {
		this.waits.add(new Wait(resource));
	}

	List<Wait> waits() {
		return List.copyOf(this.waits);
	}

	/**
	 * What this resource waits for before it starts.
	 * @return the resources, each replica on its own
	 */
	public List<Resource> waitsFor() {
		return this.waits.stream().map(Wait::resource).toList();
	}

	public ResourceState state() {
		return this.state;
	}

	public ResourceLog log() {
		return this.log;
	}

	/**
	 * How it was last started and how its last health check went.
	 * @return the details
	 */
	public ResourceDetails details() {
		Launch launch = lastLaunch();
		return new ResourceDetails(service(), (launch != null) ? launch.command() : List.of(),
				(launch != null) ? launch.environment() : Map.of(), (launch != null) ? launch.directory() : null,
				(this.log != null) ? this.log.file() : null, lastHealthCheck());
	}

	/**
	 * The resources declared with this one, which the model holds and waits for together:
	 * every broker of a Kafka cluster.
	 * @return this resource and any others declared with it
	 */
	List<? extends Resource> members() {
		return List.of(this);
	}

	/**
	 * The service this resource is an instance of.
	 * @return the resource name unless it is a replica
	 */
	String service() {
		return this.name;
	}

	/**
	 * The process it started last.
	 * @return the launch, or {@code null} when it never started one
	 */
	Launch lastLaunch() {
		return null;
	}

	/**
	 * The last readiness or health probe.
	 * @return the check, or {@code null} when there is none
	 */
	ResourceDetails.HealthCheck lastHealthCheck() {
		return null;
	}

	public ResourceSnapshot snapshot() {
		return new ResourceSnapshot(this.name, type(), this.state, this.detail, this.exitCode, pids(), endpoints());
	}

	CompletableFuture<Void> ready() {
		return this.ready;
	}

	CompletableFuture<Void> resetReady() {
		this.ready = new CompletableFuture<>();
		return this.ready;
	}

	void attach(Context context) {
		this.context = context;
		this.log = new ResourceLog(this.name, context.dataDirectory().resolve("logs").resolve(this.name + ".log"),
				context.console(), 2000);
	}

	protected Context context() {
		return this.context;
	}

	protected void setState(ResourceState state, String detail) {
		boolean changed = this.state != state || !this.detail.equals(detail);
		this.state = state;
		this.detail = (detail != null) ? detail : "";
		if (changed && this.context != null) {
			this.context.listener().accept(snapshot());
		}
	}

	protected void setExitCode(Integer exitCode) {
		this.exitCode = exitCode;
	}

	/**
	 * A started process: its command, the variables the AppHost gave it and its working
	 * directory.
	 *
	 * @param command the command line
	 * @param environment the variables added to the AppHost's own
	 * @param directory the working directory
	 */
	record Launch(List<String> command, Map<String, String> environment, Path directory) {

		Launch {
			command = List.copyOf(command);
			environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
		}

	}

	/**
	 * A declared wait on another resource.
	 *
	 * @param resource the resource waited for
	 */
	record Wait(Resource resource) {
	}

	/**
	 * What every resource shares: where to keep files, where to print, the pid file, a
	 * scheduler for health checks.
	 *
	 * @param dataDirectory root of the data directory
	 * @param console the AppHost console, or {@code null} for no console output
	 * @param pidFile the pid file
	 * @param scheduler runs periodic checks
	 * @param listener told about every state change
	 * @param profile development or production-like flags
	 */
	record Context(Path dataDirectory, PrintStream console, PidFile pidFile, ScheduledExecutorService scheduler,
			Consumer<ResourceSnapshot> listener, Profile profile) {

		Path directoryOf(String name) {
			return this.dataDirectory.resolve(name);
		}

	}

	/**
	 * A resource could not start or become ready; the message says why, for a person.
	 */
	static class ResourceFailure extends RuntimeException {

		private final List<String> log;

		ResourceFailure(String message, List<String> log) {
			super(message);
			this.log = List.copyOf(log);
		}

		List<String> log() {
			return this.log;
		}

	}

	static Map<String, String> env(String... keysAndValues) {
		Map<String, String> env = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			env.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return env;
	}

}
