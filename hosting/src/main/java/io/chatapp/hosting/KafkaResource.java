package io.chatapp.hosting;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka: either a real single-node broker in KRaft combined mode (broker and
 * controller in one child JVM, data in the data directory) or an existing cluster named
 * by its bootstrap servers. Ready when an admin client can describe the cluster.
 */
public final class KafkaResource extends ChildProcessResource implements ConnectionReference {

	private final String bootstrapServers;

	private final Embedded embedded;

	private KafkaResource(String name, String bootstrapServers, Embedded embedded) {
		super(name);
		this.bootstrapServers = bootstrapServers;
		this.embedded = embedded;
	}

	static KafkaResource embedded(String name, int port, int controllerPort) {
		return new KafkaResource(name, "127.0.0.1:" + port, new Embedded(port, controllerPort));
	}

	static KafkaResource external(String name, String bootstrapServers) {
		return new KafkaResource(name, bootstrapServers, null);
	}

	public String bootstrapServers() {
		return this.bootstrapServers;
	}

	public boolean isExternal() {
		return this.embedded == null;
	}

	@Override
	public Map<String, String> environment() {
		return env("SPRING_KAFKA_BOOTSTRAP_SERVERS", this.bootstrapServers);
	}

	@Override
	public String type() {
		return "kafka";
	}

	@Override
	int stopTier() {
		return 1;
	}

	@Override
	Map<Integer, String> ports() {
		if (isExternal()) {
			return Map.of();
		}
		Map<Integer, String> ports = new LinkedHashMap<>();
		ports.put(this.embedded.port(), name() + " broker");
		ports.put(this.embedded.controllerPort(), name() + " controller");
		return ports;
	}

	@Override
	public List<String> endpoints() {
		return List.of(this.bootstrapServers);
	}

	@Override
	void launch() {
		if (isExternal()) {
			setState(ResourceState.STARTING, "connecting to external " + this.bootstrapServers);
			awaitCluster(null, Duration.ofSeconds(30));
			setState(ResourceState.HEALTHY, "external " + this.bootstrapServers);
			return;
		}
		Path home = context().directoryOf(name());
		Path config = writeConfiguration(home);
		if (!Files.exists(home.resolve("data").resolve("meta.properties"))) {
			format(home, config);
		}
		Processes.Child child = spawn(javaCommand(home, "kafka.Kafka", config.toString()), Map.of(), home);
		setState(ResourceState.STARTING, "pid " + child.process().pid());
		awaitCluster(child, Duration.ofSeconds(60));
		setState(ResourceState.HEALTHY, this.bootstrapServers);
	}

	/**
	 * Writes the broker configuration on every start, so changed ports take effect; the
	 * data stays.
	 */
	private Path writeConfiguration(Path home) {
		Properties server = new Properties();
		server.setProperty("process.roles", "broker,controller");
		server.setProperty("node.id", "1");
		server.setProperty("controller.quorum.voters", "1@127.0.0.1:" + this.embedded.controllerPort());
		server.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + this.embedded.port() + ",CONTROLLER://127.0.0.1:"
				+ this.embedded.controllerPort());
		server.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + this.embedded.port());
		server.setProperty("controller.listener.names", "CONTROLLER");
		server.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		server.setProperty("inter.broker.listener.name", "PLAINTEXT");
		server.setProperty("log.dirs", home.resolve("data").toString());
		// One broker: the internal topics cannot have more replicas than brokers.
		server.setProperty("offsets.topic.replication.factor", "1");
		server.setProperty("transaction.state.log.replication.factor", "1");
		server.setProperty("transaction.state.log.min.isr", "1");
		server.setProperty("share.coordinator.state.topic.replication.factor", "1");
		server.setProperty("share.coordinator.state.topic.min.isr", "1");
		// Fewer consumer-offsets partitions: a faster first group join, fewer files.
		server.setProperty("offsets.topic.num.partitions", "5");
		// Topics are created by their owners with their partition counts (producers,
		// retry topics), never as a side effect of a subscription.
		server.setProperty("auto.create.topics.enable", "false");
		// Consumers join at once instead of waiting 3 s for more members to arrive.
		server.setProperty("group.initial.rebalance.delay.ms", "0");
		// The cleaner's default 128 MB dedupe buffer would not fit the capped heap.
		server.setProperty("log.cleaner.dedupe.buffer.size", "4194304");
		Path config = home.resolve("server.properties");
		Path logging = home.resolve("log4j2.properties");
		try {
			Files.createDirectories(home.resolve("data"));
			try (var out = Files.newOutputStream(config)) {
				server.store(out, "Written by the AppHost on every start");
			}
			// The broker logs warnings and its start/stop lines; the rest goes nowhere.
			Files.writeString(logging, String.join("\n", "appender.out.type=Console", "appender.out.name=out",
					"appender.out.layout.type=PatternLayout", "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p %m%n",
					"rootLogger.level=WARN", "rootLogger.appenderRef.out.ref=out", "logger.server.name=kafka.server",
					"logger.server.level=WARN", "logger.started.name=kafka.server.KafkaRaftServer",
					"logger.started.level=INFO", ""));
		}
		catch (IOException ex) {
			throw new HostingException("Cannot write the Kafka configuration under " + home, ex);
		}
		return config;
	}

	private void format(Path home, Path config) {
		setState(ResourceState.STARTING, "formatting storage");
		String clusterId = Uuid.randomUuid().toString();
		Process formatting = Processes
			.start(javaCommand(home, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()),
					Map.of(), home, log())
			.process();
		try {
			if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
				formatting.destroyForcibly();
				throw new ResourceFailure(name() + ": formatting the storage failed", log().tail(40));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ResourceFailure(name() + ": interrupted while formatting", List.of());
		}
	}

	/**
	 * The broker runs on the AppHost's own class path, which holds the Kafka jars
	 * (through the jar's manifest when run with {@code java -jar}).
	 */
	private List<String> javaCommand(Path home, String mainClass, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Processes.javaLauncher());
		command.addAll(JvmOptions.kafka(context().profile()));
		command.add("-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"));
		if (mainClass.equals("kafka.Kafka")) {
			String classPath = absoluteClassPath();
			Path firstEntry = Path.of(classPath.split(File.pathSeparator)[0]);
			command.addAll(JvmOptions.classDataSharing(firstEntry, context().directoryOf("cds").resolve(name())));
		}
		command.add("-cp");
		command.add(absoluteClassPath());
		command.add(mainClass);
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * The child runs in another directory: relative class path entries would not resolve.
	 */
	private static String absoluteClassPath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	/**
	 * Ready means a client can talk to the cluster, not merely that the port is open: the
	 * listener opens before the broker has caught up with the metadata log.
	 */
	private void awaitCluster(Processes.Child broker, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String lastError = "not reachable";
		while (System.nanoTime() < deadline) {
			if (broker != null && !broker.process().isAlive()) {
				broker.awaitOutput();
				throw new ResourceFailure(
						name() + " exited with code " + broker.process().exitValue() + " while starting",
						log().tail(60));
			}
			if (broker == null || Processes.accepts("127.0.0.1", this.embedded.port())) {
				try (Admin admin = Admin.create(adminConfig())) {
					if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
						return;
					}
				}
				catch (ExecutionException | TimeoutException | RuntimeException ex) {
					lastError = ex.toString();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new ResourceFailure(name() + ": interrupted while starting", List.of());
				}
			}
			Processes.sleep(Duration.ofMillis(100));
		}
		throw new ResourceFailure(name() + " (" + this.bootstrapServers + ") was not ready within "
				+ timeout.toSeconds() + " s: " + lastError, log().tail(60));
	}

	private Map<String, Object> adminConfig() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
		config.put(AdminClientConfig.CLIENT_ID_CONFIG, "apphost");
		return config;
	}

	private record Embedded(int port, int controllerPort) {
	}

}
