package io.chatapp.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What the same machine does without ChatApp: PostgreSQL taking small durable inserts
 * (pgbench-like, over JDBC) and Kafka taking {@code acks=all} records (Kafka's own
 * ProducerPerformance). Sends are reported as a ratio of each.
 */
final class Baselines {

	static final String TOPIC = "bench.producer";

	private Baselines() {
	}

	/**
	 * 8 clients, each on its own connection, inserting into a scratch table in schema
	 * {@code bench}: one row per autocommit transaction, then ten rows per transaction.
	 */
	static Map<String, Object> postgres(String jdbcUrl, String user, String password, int seconds) throws Exception {
		String table = "bench.inserts_" + Long.toHexString(System.nanoTime());
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("clients", 8);
		section.put("seconds", seconds);
		try (Connection admin = DriverManager.getConnection(jdbcUrl, user, password);
				Statement statement = admin.createStatement()) {
			statement.execute("CREATE SCHEMA IF NOT EXISTS bench");
			statement.execute("CREATE TABLE " + table
					+ " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, client int NOT NULL, payload text NOT NULL,"
					+ " created_at timestamptz NOT NULL DEFAULT now())");
			try (var settings = statement.executeQuery("SHOW fsync")) {
				settings.next();
				section.put("fsync", settings.getString(1));
			}
			try (var settings = statement.executeQuery("SHOW synchronous_commit")) {
				settings.next();
				section.put("synchronousCommit", settings.getString(1));
			}
			try {
				double single = insertLoad(jdbcUrl, user, password, table, seconds, 1);
				section.put("singleRowTransactionsPerSecond", Stats.round(single, 1));
				Benchmarks.progress("baseline postgres: %.1f single-row insert transactions/s", single);
				double batched = insertLoad(jdbcUrl, user, password, table, seconds, 10);
				section.put("tenRowTransactionsPerSecond", Stats.round(batched, 1));
				section.put("tenRowTransactionRowsPerSecond", Stats.round(batched * 10, 1));
				Benchmarks.progress("baseline postgres: %.1f rows/s in 10-row transactions", batched * 10);
			}
			finally {
				statement.execute("DROP TABLE IF EXISTS " + table);
				try {
					statement.execute("DROP SCHEMA IF EXISTS bench");
				}
				catch (java.sql.SQLException ex) {
					// Something else lives in schema bench: leave it.
				}
			}
		}
		return section;
	}

	/** Transactions per second of {@code rows} inserts each, over 8 clients. */
	private static double insertLoad(String jdbcUrl, String user, String password, String table, int seconds, int rows)
			throws Exception {
		LongAdder transactions = new LongAdder();
		AtomicBoolean stop = new AtomicBoolean();
		List<Thread> clients = new ArrayList<>();
		List<Exception> failures = new ArrayList<>();
		String payload = "x".repeat(200);
		for (int c = 0; c < 8; c++) {
			int client = c;
			Thread thread = new Thread(() -> {
				try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
						PreparedStatement insert = connection
							.prepareStatement("INSERT INTO " + table + " (client, payload) VALUES (?, ?)")) {
					connection.setAutoCommit(rows == 1);
					while (!stop.get()) {
						for (int r = 0; r < rows; r++) {
							insert.setInt(1, client);
							insert.setString(2, payload);
							insert.executeUpdate();
						}
						if (rows > 1) {
							connection.commit();
						}
						transactions.increment();
					}
				}
				catch (Exception ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			}, "bench-pg-" + c);
			clients.add(thread);
		}
		long start = System.nanoTime();
		clients.forEach(Thread::start);
		Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
		stop.set(true);
		long count = transactions.sum();
		double elapsed = (System.nanoTime() - start) / 1e9;
		for (Thread client : clients) {
			client.join();
		}
		if (!failures.isEmpty()) {
			throw failures.get(0);
		}
		return count / elapsed;
	}

	/** The summary line ProducerPerformance prints last. */
	record ProducerSummary(long records, double recordsPerSecond, double mbPerSecond, double avgLatencyMs,
			double maxLatencyMs, double p50Ms, double p95Ms, double p99Ms, double p999Ms) {
	}

	private static final Pattern SUMMARY = Pattern
		.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
				+ "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, ([\\d.]+) ms 50th, ([\\d.]+) ms 95th, "
				+ "([\\d.]+) ms 99th, ([\\d.]+) ms 99.9th");

	/** The final summary in ProducerPerformance's output, null if there is none. */
	static ProducerSummary parseProducerSummary(String output) {
		ProducerSummary last = null;
		for (String line : output.split("\n")) {
			Matcher matcher = SUMMARY.matcher(line);
			if (matcher.find()) {
				last = new ProducerSummary(Long.parseLong(matcher.group(1)), Double.parseDouble(matcher.group(2)),
						Double.parseDouble(matcher.group(3)), Double.parseDouble(matcher.group(4)),
						Double.parseDouble(matcher.group(5)), Double.parseDouble(matcher.group(6)),
						Double.parseDouble(matcher.group(7)), Double.parseDouble(matcher.group(8)),
						Double.parseDouble(matcher.group(9)));
			}
		}
		return last;
	}

	/**
	 * Kafka's ProducerPerformance in a child JVM: {@code acks=all}, 200-byte records, as
	 * fast as it can, to a scratch topic deleted afterwards.
	 */
	static Map<String, Object> kafka(String bootstrap, long records) throws Exception {
		Properties config = new Properties();
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		Map<String, Object> section = new LinkedHashMap<>();
		try (Admin admin = Admin.create(config)) {
			try {
				admin.deleteTopics(Set.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException ex) {
				// Not there: the usual case.
			}
			waitUntilGone(admin);
			admin.createTopics(List.of(new NewTopic(TOPIC, 12, (short) 1))).all().get(30, TimeUnit.SECONDS);
			try {
				List<String> command = List.of(javaBinary(), "-Xmx512m", "-cp", classPath(),
						"org.apache.kafka.tools.ProducerPerformance", "--topic", TOPIC, "--num-records",
						Long.toString(records), "--record-size", "200", "--throughput", "-1", "--producer-props",
						"bootstrap.servers=" + bootstrap, "acks=all");
				section.put("command", String.join(" ", command.subList(4, command.size())));
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				StringBuilder output = new StringBuilder();
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = reader.readLine()) != null) {
						output.append(line).append('\n');
						Benchmarks.progress("baseline kafka: %s", line);
					}
				}
				if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
					throw new IllegalStateException("ProducerPerformance failed: " + output);
				}
				ProducerSummary summary = parseProducerSummary(output.toString());
				if (summary == null) {
					throw new IllegalStateException("No summary in ProducerPerformance's output: " + output);
				}
				section.put("partitions", 12);
				section.put("recordSize", 200);
				section.put("acks", "all");
				section.put("records", summary.records());
				section.put("recordsPerSecond", summary.recordsPerSecond());
				section.put("mbPerSecond", summary.mbPerSecond());
				section.put("avgLatencyMs", summary.avgLatencyMs());
				section.put("p50Ms", summary.p50Ms());
				section.put("p95Ms", summary.p95Ms());
				section.put("p99Ms", summary.p99Ms());
				section.put("p999Ms", summary.p999Ms());
				section.put("maxLatencyMs", summary.maxLatencyMs());
			}
			finally {
				admin.deleteTopics(Set.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
			}
		}
		return section;
	}

	private static void waitUntilGone(Admin admin) throws Exception {
		for (int i = 0; i < 100; i++) {
			if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC)) {
				return;
			}
			Thread.sleep(100);
		}
	}

	static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** This JVM's class path, with the jar's {@code lib/} folder spelled out. */
	static String classPath() {
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			Path jar = Path.of(classPath).toAbsolutePath();
			return jar + File.pathSeparator + jar.getParent().resolve("lib") + File.separator + "*";
		}
		return classPath;
	}

}
