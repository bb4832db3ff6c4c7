package io.chatapp.hosting;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka: either real brokers in KRaft combined mode (broker and controller in one
 * child JVM each, data in the data directory) or an existing cluster named by its
 * bootstrap servers. Ready when an admin client can describe the cluster.
 *
 * <p>
 * An embedded cluster of several brokers is one resource per broker, so each can be
 * stopped, killed and started on its own: broker {@code n} (from 0) is named like a
 * replica ({@code kafka}, {@code kafka-2}, ...), listens on the ports plus {@code 10 * n}
 * and has node id {@code n + 1}. The first broker stands for the cluster: services that
 * reference it get every broker's address, and waiting for it waits for every broker.
 */
public final class KafkaResource extends ChildProcessResource implements ConnectionReference {

	/**
	 * Most brokers of an embedded cluster: every broker is a controller too, and a quorum
	 * of five already survives two failures; more would only cost memory.
	 */
	public static final int MAX_BROKERS = 5;

	private final Cluster cluster;

	private final Embedded embedded;

	private KafkaResource(String name, Cluster cluster, Embedded embedded) {
		super(name);
		this.cluster = cluster;
		this.embedded = embedded;
	}

	/**
	 * An embedded cluster.
	 * @param name the first broker's name, which the others are named after
	 * @param brokers how many brokers, 1 to {@link #MAX_BROKERS}
	 * @param port the first broker's client port
	 * @param controllerPort the first broker's controller port
	 * @return the brokers, the first first
	 */
	static List<KafkaResource> embedded(String name, int brokers, int port, int controllerPort) {
		if (brokers < 1 || brokers > MAX_BROKERS) {
			throw new IllegalArgumentException(
					"An embedded Kafka cluster has 1 to " + MAX_BROKERS + " brokers, not " + brokers);
		}
		List<Embedded> nodes = new ArrayList<>();
		for (int n = 0; n < brokers; n++) {
			nodes.add(new Embedded(n + 1, port + 10 * n, controllerPort + 10 * n));
		}
		Cluster cluster = new Cluster(name,
				nodes.stream().map((node) -> "127.0.0.1:" + node.port()).collect(Collectors.joining(",")),
				nodes.size());
		for (Embedded node : nodes) {
			String brokerName = (node.nodeId() == 1) ? name : name + "-" + node.nodeId();
			cluster.brokers.add(new KafkaResource(brokerName, cluster, node));
		}
		return List.copyOf(cluster.brokers);
	}

	static KafkaResource external(String name, String bootstrapServers) {
		Cluster cluster = new Cluster(name, bootstrapServers, 0);
		KafkaResource kafka = new KafkaResource(name, cluster, null);
		cluster.brokers.add(kafka);
		return kafka;
	}

	/**
	 * Every broker's address, which clients bootstrap from: the same for each broker of a
	 * cluster, so a client still connects while any one of them is down.
	 * @return comma-separated {@code host:port}
	 */
	public String bootstrapServers() {
		return this.cluster.bootstrapServers;
	}

	public boolean isExternal() {
		return this.embedded == null;
	}

	/**
	 * The brokers of this resource's cluster, each a resource of its own.
	 * @return the brokers, the first first; the one resource of an external cluster
	 */
	public List<KafkaResource> brokers() {
		return List.copyOf(this.cluster.brokers);
	}

	@Override
	List<? extends Resource> members() {
		return (this.cluster.brokers.get(0) == this) ? brokers() : List.of(this);
	}

	@Override
	String service() {
		return this.cluster.name;
	}

	@Override
	public Map<String, String> environment() {
		return env("SPRING_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
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
		return List.of(isExternal() ? bootstrapServers() : this.embedded.address());
	}

	@Override
	void launch() {
		if (isExternal()) {
			setState(ResourceState.STARTING, "connecting to external " + bootstrapServers());
			awaitCluster(null, Duration.ofSeconds(30));
			setState(ResourceState.HEALTHY, "external " + bootstrapServers());
			return;
		}
		Path home = context().directoryOf(name());
		Path config = writeConfiguration(home);
		String clusterId = this.cluster.id(context().directoryOf(this.cluster.name));
		String formattedFor = formattedClusterId(home);
		if (formattedFor == null) {
			format(home, config, clusterId);
		}
		else if (!formattedFor.equals(clusterId)) {
			throw new ResourceFailure(name() + ": " + home.resolve("data") + " belongs to Kafka cluster " + formattedFor
					+ ", not to " + clusterId + " (" + this.cluster.idFile(context().directoryOf(this.cluster.name))
					+ "); start with --fresh", List.of());
		}
		Processes.Child child = spawn(javaCommand(home, "kafka.Kafka", config.toString()), Map.of(), home);
		setState(ResourceState.STARTING, "pid " + child.process().pid());
		awaitCluster(child, Duration.ofSeconds(60));
		setState(ResourceState.HEALTHY, this.embedded.address());
	}

	/**
	 * Writes the broker configuration on every start, so changed ports take effect; the
	 * data stays.
	 */
	private Path writeConfiguration(Path home) {
		Properties server = new Properties();
		server.setProperty("process.roles", "broker,controller");
		server.setProperty("node.id", Integer.toString(this.embedded.nodeId()));
		server.setProperty("controller.quorum.voters",
				this.cluster.brokers.stream()
					.map((broker) -> broker.embedded.nodeId() + "@127.0.0.1:" + broker.embedded.controllerPort())
					.collect(Collectors.joining(",")));
		server.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + this.embedded.port() + ",CONTROLLER://127.0.0.1:"
				+ this.embedded.controllerPort());
		server.setProperty("advertised.listeners", "PLAINTEXT://" + this.embedded.address());
		server.setProperty("controller.listener.names", "CONTROLLER");
		server.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		server.setProperty("inter.broker.listener.name", "PLAINTEXT");
		server.setProperty("log.dirs", home.resolve("data").toString());
		if (this.cluster.size >= 3) {
			// Three copies of everything, and an acknowledged write (acks=all) is on at
			// least two of them: any one broker may die without losing or refusing
			// writes.
			server.setProperty("default.replication.factor", "3");
			server.setProperty("min.insync.replicas", "2");
			server.setProperty("offsets.topic.replication.factor", "3");
			server.setProperty("transaction.state.log.replication.factor", "3");
			server.setProperty("transaction.state.log.min.isr", "2");
			server.setProperty("share.coordinator.state.topic.replication.factor", "3");
			server.setProperty("share.coordinator.state.topic.min.isr", "2");
		}
		else {
			// One or two brokers: the internal topics cannot have more replicas than
			// brokers, and with two, one lost broker must not stop the writes.
			String replicas = Integer.toString(this.cluster.size);
			if (this.cluster.size > 1) {
				server.setProperty("default.replication.factor", replicas);
			}
			server.setProperty("offsets.topic.replication.factor", replicas);
			server.setProperty("transaction.state.log.replication.factor", replicas);
			server.setProperty("transaction.state.log.min.isr", "1");
			server.setProperty("share.coordinator.state.topic.replication.factor", replicas);
			server.setProperty("share.coordinator.state.topic.min.isr", "1");
		}
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

	/**
	 * The cluster id the node's storage was formatted with.
	 * @return the id, or {@code null} when the storage is not formatted yet
	 */
	private static String formattedClusterId(Path home) {
		Path meta = home.resolve("data").resolve("meta.properties");
		return Files.exists(meta) ? Cluster.read(meta).getProperty("cluster.id") : null;
	}

	private void format(Path home, Path config, String clusterId) {
		setState(ResourceState.STARTING, "formatting storage");
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
	 * Ready means a client can talk to the cluster through this broker, not merely that
	 * the port is open: the listener opens before the broker has caught up with the
	 * metadata log. In a cluster the broker must also be registered and unfenced (listed
	 * by the cluster), so that once every broker is ready, topics get all their replicas.
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
					Collection<Node> nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
					if (isExternal() || this.cluster.size == 1) {
						if (!nodes.isEmpty()) {
							return;
						}
					}
					else if (nodes.stream().anyMatch((node) -> node.id() == this.embedded.nodeId())) {
						return;
					}
					else {
						lastError = "node " + this.embedded.nodeId() + " is not registered yet (live: "
								+ nodes.stream().map(Node::idString).collect(Collectors.joining(", ")) + ")";
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
		throw new ResourceFailure(name() + " (" + endpoints().get(0) + ") was not ready within " + timeout.toSeconds()
				+ " s: " + lastError, log().tail(60));
	}

	/**
	 * An embedded broker is asked directly: an answer through another broker would not
	 * say that this one serves.
	 */
	private Map<String, Object> adminConfig() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				isExternal() ? bootstrapServers() : this.embedded.address());
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
		config.put(AdminClientConfig.CLIENT_ID_CONFIG, "apphost");
		return config;
	}

	/**
	 * One node of an embedded cluster.
	 *
	 * @param nodeId its KRaft node id, from 1
	 * @param port its client port
	 * @param controllerPort its controller port
	 */
	private record Embedded(int nodeId, int port, int controllerPort) {

		String address() {
			return "127.0.0.1:" + this.port;
		}

	}

	/**
	 * What the brokers of a cluster share: their addresses and the cluster id their
	 * storage is formatted with.
	 */
	private static final class Cluster {

		private final String name;

		private final String bootstrapServers;

		/** The number of embedded brokers; 0 for an external cluster. */
		private final int size;

		private final List<KafkaResource> brokers = new ArrayList<>();

		Cluster(String name, String bootstrapServers, int size) {
			this.name = name;
			this.bootstrapServers = bootstrapServers;
			this.size = size;
		}

		Path idFile(Path home) {
			return home.resolve("cluster.properties");
		}

		/**
		 * The cluster id, made once and kept in the first broker's directory: a broker
		 * that starts again (or joins later) must have the id the others were formatted
		 * with. A single broker formatted before the id was kept has it only in its
		 * storage. The number of brokers is kept with it: the replicas and the quorum
		 * cannot change under existing data.
		 * @param home the first broker's directory
		 * @return the id
		 */
		synchronized String id(Path home) {
			Path file = idFile(home);
			Properties cluster;
			if (Files.exists(file)) {
				cluster = read(file);
			}
			else {
				cluster = new Properties();
				String formatted = formattedClusterId(home);
				cluster.setProperty("cluster.id", (formatted != null) ? formatted : Uuid.randomUuid().toString());
				cluster.setProperty("brokers", (formatted != null) ? "1" : Integer.toString(this.size));
				try {
					Files.createDirectories(home);
					try (OutputStream out = Files.newOutputStream(file)) {
						cluster.store(out, "The Kafka cluster in this data directory");
					}
				}
				catch (IOException ex) {
					throw new HostingException("Cannot write " + file, ex);
				}
			}
			String brokers = cluster.getProperty("brokers", "1");
			if (!brokers.equals(Integer.toString(this.size))) {
				throw new ResourceFailure(this.name + ": the data directory holds a Kafka cluster of " + brokers
						+ " broker(s), not " + this.size + " (" + file + "); start with --fresh", List.of());
			}
			return cluster.getProperty("cluster.id");
		}

		static Properties read(Path file) {
			Properties properties = new Properties();
			try (InputStream in = Files.newInputStream(file)) {
				properties.load(in);
			}
			catch (IOException ex) {
				throw new HostingException("Cannot read " + file, ex);
			}
			return properties;
		}

	}

}
