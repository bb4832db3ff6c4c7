package io.chatapp.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The whole system as its users run it: {@code java -jar apphost.jar} in a child process
 * (real Kafka broker, real PostgreSQL, migration job, users-api, chats-api,
 * chats-worker), on ports of its own and a data directory under the temporary directory.
 * Faults go through the AppHost's control API (the dashboard's {@code /api/resources})
 * and, for a crash, a SIGKILL of the service's own process.
 */
final class SystemUnderTest implements AutoCloseable {

	private static final ObjectMapper json = new ObjectMapper();

	/**
	 * Every port the AppHost opens. They are taken below the kernel's ephemeral range
	 * (32768 and up on Linux), where an outgoing connection can never hold a port that a
	 * restarted resource needs again. A replica or a further broker listens 10 above the
	 * one before it, so each port is chosen with the ports 10 and 20 above it free too
	 * (up to {@value #REPLICA_PORTS} instances of anything).
	 */
	private static final List<String> PORT_KEYS = List.of("kafka.port", "kafka.controller-port", "postgres.port",
			"users-api.port", "users-api.grpc-port", "chats-api.port", "chats-worker.port", "web.port",
			"dashboard.port", "otlp.http-port", "otlp.grpc-port");

	/** Ports kept per key: the base and one for each further replica or broker. */
	private static final int REPLICA_PORTS = 3;

	private final Process apphost;

	private final Map<String, Integer> ports;

	private final Path output;

	private final int brokers;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private SystemUnderTest(Process apphost, Map<String, Integer> ports, Path output, int brokers) {
		this.apphost = apphost;
		this.ports = ports;
		this.output = output;
		this.brokers = brokers;
	}

	/**
	 * Starts the AppHost from the built jars and waits until every resource is ready.
	 * @param repositoryRoot the checkout whose {@code <module>/target} jars run
	 * @param workDirectory holds the data directory (wiped first) and the AppHost's
	 * console output
	 * @param extraOptions more AppHost options ({@code key=value})
	 * @return the running system
	 */
	static SystemUnderTest start(Path repositoryRoot, Path workDirectory, List<String> extraOptions) {
		Path jar = repositoryRoot.resolve("apphost/target/apphost-0.1.0-SNAPSHOT.jar");
		for (String module : List.of("apphost", "users-api", "chats-api", "chats-worker", "web")) {
			Path built = repositoryRoot.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
			if (!Files.isRegularFile(built)) {
				throw new IllegalStateException(
						built + " is missing: build the jars first (./mvnw package -DskipTests)");
			}
		}
		Map<String, Integer> ports = freePorts();
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
						"--fresh", "--console=false", "--startup-timeout=180", "--repo-root=" + repositoryRoot,
						"--data-dir=" + workDirectory.resolve("data")));
		ports.forEach((key, port) -> command.add("--" + key + "=" + port));
		extraOptions.forEach((option) -> command.add("--" + option));
		try {
			Files.createDirectories(workDirectory);
			Path output = workDirectory.resolve("apphost.out");
			Process process = new ProcessBuilder(command).directory(repositoryRoot.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			int brokers = extraOptions.stream()
				.filter((option) -> option.startsWith("kafka.brokers="))
				.map((option) -> Integer.parseInt(option.substring("kafka.brokers=".length())))
				.findFirst()
				.orElse(1);
			SystemUnderTest system = new SystemUnderTest(process, ports, output, brokers);
			// Also when the test JVM is stopped from outside (a fork timeout, Ctrl-C): no
			// AppHost may outlive the run.
			Runtime.getRuntime().addShutdownHook(new Thread(system::close, "reliability-stop"));
			try {
				system.awaitAllReady(Duration.ofMinutes(4));
			}
			catch (RuntimeException ex) {
				system.close();
				throw ex;
			}
			return system;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String usersApi() {
		return "http://127.0.0.1:" + this.ports.get("users-api.port");
	}

	String chatsApi() {
		return chatsApi(1);
	}

	/**
	 * One chats-api instance of several ({@code --chats-api.replicas}).
	 * @param replica 1 for {@code chats-api}, 2 for {@code chats-api-2}, ...
	 * @return its base URL
	 */
	String chatsApi(int replica) {
		return "http://127.0.0.1:" + (this.ports.get("chats-api.port") + 10 * (replica - 1));
	}

	/**
	 * Every broker, so that a client still finds the cluster while one of them is down.
	 * @return the bootstrap servers
	 */
	String kafkaBootstrapServers() {
		List<String> servers = new ArrayList<>();
		for (int broker = 0; broker < this.brokers; broker++) {
			servers.add("127.0.0.1:" + (this.ports.get("kafka.port") + 10 * broker));
		}
		return String.join(",", servers);
	}

	/**
	 * The embedded server's administrator (trust authentication on 127.0.0.1).
	 * @return a JDBC URL of the {@code postgres} database
	 */
	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.ports.get("postgres.port") + "/postgres";
	}

	/**
	 * A crash: SIGKILL to the resource's process, no shutdown of any kind. The AppHost
	 * has no restart policy, so the resource stays exited until {@link #start(String)}.
	 * @param name the resource
	 * @return the killed process id
	 */
	long kill(String name) {
		JsonNode pids = resource(name).get("pids");
		if (pids == null || pids.isEmpty()) {
			throw new IllegalStateException(name + " has no running process");
		}
		long pid = pids.get(0).asLong();
		ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
		process.destroyForcibly();
		process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
		awaitState(name, "EXITED", Duration.ofSeconds(30));
		return pid;
	}

	/**
	 * A clean stop through the control API (SIGTERM, then SIGKILL after the grace period;
	 * PostgreSQL's own fast shutdown).
	 * @param name the resource
	 */
	void stop(String name) {
		post("/api/resources/" + name + "/stop");
		awaitState(name, "EXITED", Duration.ofSeconds(90));
	}

	/**
	 * Starts a stopped or crashed resource through the control API.
	 * @param name the resource
	 * @return how long it took to become ready
	 */
	Duration start(String name) {
		long begin = System.nanoTime();
		post("/api/resources/" + name + "/start");
		awaitState(name, "HEALTHY", Duration.ofMinutes(3));
		return Duration.ofNanos(System.nanoTime() - begin);
	}

	JsonNode resource(String name) {
		return get("/api/resources/" + name);
	}

	/**
	 * The last lines the AppHost printed (its own messages; every resource's output is in
	 * {@code data/logs/<resource>.log}).
	 * @return the tail of the console output
	 */
	String outputTail() {
		try {
			List<String> lines = Files.readAllLines(this.output);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Stops everything the way Ctrl-C does: SIGTERM to the AppHost, whose shutdown stops
	 * services, then Kafka, then PostgreSQL.
	 */
	@Override
	public synchronized void close() {
		if (!this.apphost.isAlive()) {
			return;
		}
		ProcessHandle handle = this.apphost.toHandle();
		List<ProcessHandle> descendants = handle.descendants().toList();
		handle.destroy();
		try {
			if (!this.apphost.waitFor(2, TimeUnit.MINUTES)) {
				handle.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

	/**
	 * Waits until every service is healthy (and the migration job exited with 0).
	 * @param timeout the longest wait
	 */
	void awaitAllReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "no answer yet";
		while (System.nanoTime() < deadline) {
			if (!this.apphost.isAlive()) {
				throw new IllegalStateException(
						"The AppHost exited with code " + this.apphost.exitValue() + ":\n" + outputTail());
			}
			try {
				JsonNode items = get("/api/resources").get("items");
				boolean ready = true;
				StringBuilder states = new StringBuilder();
				for (JsonNode item : items) {
					String state = item.get("state").asText();
					states.append(item.get("name").asText())
						.append('=')
						.append(item.get("stateLabel").asText())
						.append(' ');
					boolean job = item.get("kind").asText().equals("job");
					ready &= job ? item.get("stateLabel").asText().equals("Exited (0)") : state.equals("HEALTHY");
					if (state.equals("FAILED_TO_START") || state.equals("UNAVAILABLE")) {
						throw new IllegalStateException("Cannot run the scenarios: " + states + "\n" + outputTail());
					}
				}
				last = states.toString();
				if (ready) {
					return;
				}
			}
			catch (UncheckedIOException ex) {
				// The dashboard is not listening yet.
			}
			sleep(Duration.ofMillis(500));
		}
		throw new IllegalStateException(
				"The system was not ready within " + timeout + ": " + last + "\n" + outputTail());
	}

	private void awaitState(String name, String state, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode resource = null;
		while (System.nanoTime() < deadline) {
			resource = resource(name);
			if (resource.get("state").asText().equals(state) && !resource.get("busy").asBoolean()) {
				return;
			}
			if (state.equals("HEALTHY") && resource.get("state").asText().equals("FAILED_TO_START")) {
				break;
			}
			sleep(Duration.ofMillis(200));
		}
		throw new IllegalStateException(name + " did not reach " + state + " within " + timeout + ": " + resource);
	}

	private JsonNode get(String path) {
		return send(HttpRequest.newBuilder(dashboard(path)).GET(), 200);
	}

	private void post(String path) {
		send(HttpRequest.newBuilder(dashboard(path)).POST(HttpRequest.BodyPublishers.noBody()), 202);
	}

	private JsonNode send(HttpRequest.Builder request, int expected) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != expected) {
				throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " -> "
						+ response.statusCode() + " " + response.body());
			}
			return json.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI dashboard(String path) {
		return URI.create("http://127.0.0.1:" + this.ports.get("dashboard.port") + path);
	}

	private static Map<String, Integer> freePorts() {
		Set<Integer> taken = new HashSet<>();
		Map<String, Integer> ports = new LinkedHashMap<>();
		for (String key : PORT_KEYS) {
			int port;
			do {
				port = ThreadLocalRandom.current().nextInt(20000, 32700 - 10 * REPLICA_PORTS);
			}
			while (!allFree(port, taken));
			for (int replica = 0; replica < REPLICA_PORTS; replica++) {
				taken.add(port + 10 * replica);
			}
			ports.put(key, port);
		}
		return ports;
	}

	private static boolean allFree(int base, Set<Integer> taken) {
		for (int replica = 0; replica < REPLICA_PORTS; replica++) {
			if (taken.contains(base + 10 * replica) || !isFree(base + 10 * replica)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
