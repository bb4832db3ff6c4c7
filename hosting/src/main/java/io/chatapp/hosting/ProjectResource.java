package io.chatapp.hosting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a Java project run as a child JVM from its jar ({@code java -jar}): a
 * long-running service (ready when {@code GET /health} answers 200) or a job (ready when
 * it exits with code 0).
 */
public final class ProjectResource extends ChildProcessResource {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private static final Duration STARTING_POLL = Duration.ofMillis(250);

	private static final Duration RUNNING_POLL = Duration.ofSeconds(2);

	private final String serviceName;

	private final Path jar;

	private final boolean job;

	private final List<Endpoint> endpoints;

	private final List<ConnectionReference> references;

	private final List<String> jvmArgs;

	private final List<String> args;

	private final Duration startupTimeout;

	private ScheduledFuture<?> monitor;

	private volatile ResourceDetails.HealthCheck lastHealthCheck;

	/** Enough for Spring Boot's health JSON with details; a larger answer is cut. */
	private static final int HEALTH_BODY_LIMIT = 4096;

	ProjectResource(String name, String serviceName, Path jar, boolean job, List<Endpoint> endpoints,
			List<ConnectionReference> references, List<String> jvmArgs, List<String> args, Duration startupTimeout) {
		super(name);
		this.serviceName = serviceName;
		this.jar = jar;
		this.job = job;
		this.endpoints = List.copyOf(endpoints);
		this.references = List.copyOf(references);
		this.jvmArgs = List.copyOf(jvmArgs);
		this.args = List.copyOf(args);
		this.startupTimeout = startupTimeout;
	}

	@Override
	public String type() {
		return this.job ? "job" : "service";
	}

	@Override
	int stopTier() {
		return 0;
	}

	public Path jar() {
		return this.jar;
	}

	/**
	 * An endpoint of this instance.
	 * @param name the endpoint name, e.g. {@code http} or {@code grpc}
	 * @return the endpoint
	 */
	public Endpoint endpoint(String name) {
		return this.endpoints.stream()
			.filter((endpoint) -> endpoint.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(name() + " has no endpoint " + name));
	}

	@Override
	Map<Integer, String> ports() {
		Map<Integer, String> ports = new LinkedHashMap<>();
		this.endpoints.forEach((endpoint) -> ports.put(endpoint.port(), name() + " " + endpoint.name()));
		return ports;
	}

	@Override
	String unavailableReason() {
		String disabled = super.unavailableReason();
		if (disabled != null) {
			return disabled;
		}
		return Files.isRegularFile(this.jar) ? null
				: "jar not built: " + this.jar + " (build it with ./mvnw install -DskipTests)";
	}

	@Override
	public List<String> endpoints() {
		return this.endpoints.stream().map(Endpoint::url).toList();
	}

	@Override
	void launch() {
		Processes.Child child = spawn(command(), environment(), workingDirectory());
		Process started = child.process();
		if (this.job) {
			setState(ResourceState.RUNNING, "pid " + started.pid());
			int code = exitCode(started);
			// Known now: the exit callback that also records it may run only after the
			// resources waiting for this job have been released.
			setExitCode(code);
			child.awaitOutput();
			if (code != 0) {
				throw new ResourceFailure(name() + " exited with code " + code, log().tail(60));
			}
			return;
		}
		setState(ResourceState.STARTING, "pid " + started.pid() + ", waiting for " + healthUrl());
		long deadline = System.nanoTime() + this.startupTimeout.toNanos();
		while (true) {
			if (!started.isAlive()) {
				child.awaitOutput();
				throw new ResourceFailure(name() + " exited with code " + exitCode(started) + " while starting",
						log().tail(60));
			}
			ResourceDetails.HealthCheck check = checkHealth();
			if (check.healthy()) {
				break;
			}
			if (System.nanoTime() > deadline) {
				shutdown();
				throw new ResourceFailure(name() + " was not healthy within " + this.startupTimeout.toSeconds()
						+ " s (last check: " + check.summary() + ")", log().tail(60));
			}
			Processes.sleep(STARTING_POLL);
		}
		synchronized (this) {
			if (stopRequested()) {
				return;
			}
			setState(ResourceState.HEALTHY, String.join(", ", endpoints()));
			this.monitor = context().scheduler()
				.scheduleWithFixedDelay(this::monitorHealth, RUNNING_POLL.toMillis(), RUNNING_POLL.toMillis(),
						TimeUnit.MILLISECONDS);
		}
	}

	@Override
	protected void beforeStop() {
		if (this.monitor != null) {
			this.monitor.cancel(false);
			this.monitor = null;
		}
	}

	@Override
	protected String exitDetail(int code, boolean stopped) {
		return (!stopped && this.job && code == 0) ? "finished" : super.exitDetail(code, stopped);
	}

	private void monitorHealth() {
		if (pids().isEmpty() || stopRequested()) {
			return;
		}
		ResourceDetails.HealthCheck check = checkHealth();
		synchronized (this) {
			if (!stopRequested() && !pids().isEmpty()) {
				if (check.healthy()) {
					setState(ResourceState.HEALTHY, String.join(", ", endpoints()));
				}
				else {
					setState(ResourceState.UNHEALTHY, check.summary());
				}
			}
		}
	}

	private ResourceDetails.HealthCheck checkHealth() {
		HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl())).timeout(Duration.ofSeconds(2)).build();
		ResourceDetails.HealthCheck check;
		try {
			HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
			byte[] body = response.body();
			String text = new String(body, 0, Math.min(body.length, HEALTH_BODY_LIMIT), StandardCharsets.UTF_8);
			check = new ResourceDetails.HealthCheck(response.statusCode() == 200, healthUrl(), response.statusCode(),
					text, null, Instant.now());
		}
		catch (IOException ex) {
			check = new ResourceDetails.HealthCheck(false, healthUrl(), null, null,
					ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""),
					Instant.now());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			check = new ResourceDetails.HealthCheck(false, healthUrl(), null, null, "interrupted", Instant.now());
		}
		this.lastHealthCheck = check;
		return check;
	}

	@Override
	ResourceDetails.HealthCheck lastHealthCheck() {
		return this.lastHealthCheck;
	}

	@Override
	String service() {
		return this.serviceName;
	}

	private String healthUrl() {
		return endpoint("http").url() + "/health";
	}

	/**
	 * The JVM flags the instance starts with.
	 * @return the flags, before the class-data-sharing ones
	 */
	public List<String> jvmArgs() {
		return this.jvmArgs;
	}

	private List<String> command() {
		List<String> command = new ArrayList<>();
		command.add(Processes.javaLauncher());
		command.addAll(this.jvmArgs);
		command.addAll(JvmOptions.classDataSharing(this.jar, context().directoryOf("cds").resolve(name())));
		command.add("-jar");
		command.add(this.jar.toAbsolutePath().toString());
		command.addAll(this.args);
		return command;
	}

	/**
	 * The variables the process starts with: its ports, its references' settings and its
	 * telemetry identity. References are read now, so a database login's password is the
	 * one the process would get.
	 * @return variable name to value
	 */
	public Map<String, String> environment() {
		Map<String, String> env = new LinkedHashMap<>();
		for (Endpoint endpoint : this.endpoints) {
			env.put(endpoint.environmentVariable(), Integer.toString(endpoint.port()));
		}
		this.references.forEach((reference) -> env.putAll(reference.environment()));
		env.put("OTEL_SERVICE_NAME", this.serviceName);
		env.put("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=" + name());
		return env;
	}

	private Path workingDirectory() {
		Path directory = context().directoryOf(name());
		try {
			return Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new HostingException("Cannot create " + directory, ex);
		}
	}

	/**
	 * A port the instance listens on, and the environment variable that tells it so.
	 *
	 * @param name endpoint name, e.g. {@code http} or {@code grpc}
	 * @param scheme URL scheme for display and references
	 * @param port the port on 127.0.0.1
	 * @param environmentVariable e.g. {@code SERVER_PORT}
	 */
	public record Endpoint(String name, String scheme, int port, String environmentVariable) {

		public String url() {
			return this.scheme + "://" + address();
		}

		public String address() {
			return "127.0.0.1:" + this.port;
		}

	}

}
