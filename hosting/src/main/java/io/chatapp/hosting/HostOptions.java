package io.chatapp.apphost;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The AppHost's configuration: {@code key=value} settings from, in increasing precedence,
 * an {@code apphost.properties} file at the repository root (or {@code --config=FILE})
 * and the command line ({@code --key=value}, {@code --fresh}, {@code --replicas name=N}).
 * See the module README for every key.
 */
public final class AppHostOptions {

	private final Map<String, String> values;

	private AppHostOptions(Map<String, String> values) {
		this.values = Map.copyOf(values);
	}

	/**
	 * Options from a properties file (if there is one) and the command line.
	 * @param args command-line arguments
	 * @return the options
	 */
	public static AppHostOptions parse(String... args) {
		Map<String, String> commandLine = parseArguments(args);
		validate(commandLine, "");
		Map<String, String> merged = new LinkedHashMap<>();
		Path root = findRepositoryRoot(commandLine.get("repo-root"));
		Path file = Optional.ofNullable(commandLine.get("config"))
			.map(Path::of)
			.orElse(root.resolve("apphost.properties"));
		if (commandLine.containsKey("config") || Files.exists(file)) {
			Map<String, String> fromFile = readProperties(file);
			validate(fromFile, " (in " + file + ")");
			merged.putAll(fromFile);
		}
		merged.putAll(commandLine);
		merged.putIfAbsent("repo-root", root.toString());
		return new AppHostOptions(merged);
	}

	/**
	 * Options given directly, for tests and embedding.
	 * @param values settings as on the command line, without the leading dashes
	 * @return the options
	 */
	public static AppHostOptions of(Map<String, String> values) {
		Map<String, String> copy = new LinkedHashMap<>(values);
		copy.putIfAbsent("repo-root", findRepositoryRoot(null).toString());
		return new AppHostOptions(copy);
	}

	/**
	 * The repository checkout whose {@code <module>/target} jars are started.
	 * @return the repository root
	 */
	public Path repositoryRoot() {
		return Path.of(this.values.get("repo-root")).toAbsolutePath().normalize();
	}

	/**
	 * Where Kafka's log dirs, PostgreSQL's data, logs and the pid file live.
	 * @return the data directory ({@code .data} in the repository root by default)
	 */
	public Path dataDirectory() {
		return find("data-dir").map(Path::of).orElse(repositoryRoot().resolve(".data")).toAbsolutePath().normalize();
	}

	/**
	 * Whether to delete the data directory before starting.
	 * @return {@code true} for a fresh start
	 */
	public boolean fresh() {
		return Boolean.parseBoolean(get("fresh", "false"));
	}

	/**
	 * How the system runs: developer flags (the default) or production-like.
	 * @return the profile ({@code profile}, default {@code development})
	 */
	public Profile profile() {
		return Profile.parse(get("profile", "development"));
	}

	/**
	 * Whether resource output is also printed on the console.
	 * @return {@code true} unless {@code console=false}
	 */
	public boolean console() {
		return Boolean.parseBoolean(get("console", "true"));
	}

	/**
	 * Whether the dashboard (and its OTLP receiver) runs.
	 * @return {@code true} unless {@code dashboard.enabled=false}
	 */
	public boolean dashboardEnabled() {
		return Boolean.parseBoolean(get("dashboard.enabled", "true"));
	}

	/**
	 * Where the services send their telemetry: {@code otlp.endpoint} if set, else the
	 * dashboard's own OTLP/HTTP receiver ({@code otlp.http-port}, 18890) while the
	 * dashboard runs, else nowhere.
	 * @return the OTLP/HTTP endpoint, if any
	 */
	public Optional<String> otlpEndpoint() {
		Optional<String> configured = find("otlp.endpoint");
		if (configured.isPresent() || !dashboardEnabled()) {
			return configured;
		}
		return Optional.of("http://127.0.0.1:" + port("otlp.http-port", 18890));
	}

	public Optional<String> find(String key) {
		return Optional.ofNullable(this.values.get(key)).map(String::trim).filter((value) -> !value.isEmpty());
	}

	public String get(String key, String defaultValue) {
		return find(key).orElse(defaultValue);
	}

	/**
	 * A port setting.
	 * @param key e.g. {@code users-api.port}
	 * @param defaultPort the port from the contract
	 * @return the port
	 */
	public int port(String key, int defaultPort) {
		String value = get(key, Integer.toString(defaultPort));
		try {
			int port = Integer.parseInt(value);
			if (port > 0 && port < 65536) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new AppHostException("Invalid port " + key + "=" + value);
	}

	/**
	 * How many instances of a resource to start ({@code <name>.replicas}).
	 * @param name the resource name
	 * @return at least 1
	 */
	public int replicas(String name) {
		String value = get(name + ".replicas", "1");
		try {
			int replicas = Integer.parseInt(value);
			if (replicas >= 1 && replicas <= 9) {
				return replicas;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new AppHostException("Invalid replica count " + name + ".replicas=" + value + " (1 to 9)");
	}

	/**
	 * A whitespace-separated list setting, e.g. {@code <name>.args}.
	 * @param key the key
	 * @return the items, possibly none
	 */
	public List<String> list(String key) {
		return find(key).map((value) -> Arrays.asList(value.split("\\s+"))).orElse(List.of());
	}

	private static Map<String, String> parseArguments(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--") || arg.length() == 2) {
				throw new AppHostException("Unexpected argument '" + arg + "': options start with --, e.g. --fresh");
			}
			String key = arg.substring(2);
			String value;
			int equals = key.indexOf('=');
			if (equals >= 0) {
				value = key.substring(equals + 1);
				key = key.substring(0, equals);
			}
			else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
				value = args[++i];
			}
			else {
				value = "true";
			}
			if (key.equals("replicas")) {
				// --replicas chats-api=2 is short for --chats-api.replicas=2
				String[] replica = value.split("=", 2);
				if (replica.length != 2 || replica[0].isBlank()) {
					throw new AppHostException("Use --replicas <name>=<count>, e.g. --replicas chats-api=2");
				}
				values.put(replica[0] + ".replicas", replica[1]);
			}
			else {
				values.put(key, value);
			}
		}
		return values;
	}

	public static String usage() {
		return "Usage: ./run.sh [--no-build] [--fresh] [--profile=production] [--replicas NAME=N] [--KEY=VALUE ...]";
	}

	/**
	 * Whether the command line asks for the list of options ({@code --help} or {@code -h}
	 * anywhere), which wins over everything else on it.
	 * @param args command-line arguments
	 * @return {@code true} to print {@link #help()} and start nothing
	 */
	public static boolean helpRequested(String... args) {
		return Arrays.stream(args).anyMatch((arg) -> arg.equals("--help") || arg.equals("-h"));
	}

	/**
	 * Every option with a one-line description, for {@code --help}.
	 * @return the text, ending with a line break
	 */
	public static String help() {
		StringBuilder help = new StringBuilder();
		help.append(usage()).append("\n\n");
		help.append("Starts Kafka, PostgreSQL, the migration job and every service; the dashboard runs on :18888.\n");
		help.append("Options are --KEY=VALUE or --KEY VALUE, in any order; the same keys may stand in\n");
		help.append("apphost.properties at the repository root. The command line wins.\n\n");
		int width = OPTIONS.stream().mapToInt((option) -> option.synopsis().length()).max().orElse(0);
		for (Option option : OPTIONS) {
			help.append(String.format("  %-" + width + "s  %s%n", option.synopsis(), option.description()));
		}
		help.append("\n<name> is one of ").append(String.join(", ", RESOURCES)).append(".\n");
		help.append("More in apphost/README.md.\n");
		return help.toString();
	}

	/**
	 * Rejects unknown keys and values that cannot be right, before anything starts: a
	 * typo must not start the system with defaults.
	 */
	private static void validate(Map<String, String> values, String source) {
		values.forEach((key, value) -> {
			Option option = OPTIONS.stream()
				.filter((candidate) -> candidate.matches(key))
				.findFirst()
				.orElseThrow(() -> new AppHostException("Unknown option --" + key + source + suggestion(key)));
			String problem = option.kind().check(value.trim());
			if (problem != null) {
				throw new AppHostException("Invalid value --" + key + "=" + value + source + ": " + problem);
			}
		});
	}

	private static String suggestion(String key) {
		String suffix = key.contains(".") ? key.substring(key.lastIndexOf('.')) : null;
		if (suffix != null && OPTIONS.stream().anyMatch((option) -> option.key().endsWith("<name>" + suffix))) {
			return " (no resource named '" + key.substring(0, key.lastIndexOf('.')) + "'; <name> is one of "
					+ String.join(", ", RESOURCES) + ")";
		}
		return "";
	}

	/** Resources the {@code <name>.*} options may name. */
	private static final List<String> RESOURCES = List.of("kafka", "postgres", "db-migration", "users-api", "chats-api",
			"chats-worker", "web");

	private static final List<String> PROJECTS = List.of("db-migration", "users-api", "chats-api", "chats-worker",
			"web");

	private static final List<Option> OPTIONS = List.of(
			new Option("help", "", Kind.FLAG, "print this list and exit (also -h)"),
			new Option("no-build", "", Kind.FLAG, "run.sh: start the jars already built, skip the Maven build"),
			new Option("profile", "development|production", Kind.PROFILE,
					"production: durable PostgreSQL, default JIT, heaps fit for load"),
			new Option("fresh", "", Kind.FLAG, "delete the data directory before starting"),
			new Option("data-dir", "DIR", Kind.TEXT, "data directory (default <repo>/.data)"),
			new Option("config", "FILE", Kind.TEXT, "properties file with options (default apphost.properties)"),
			new Option("repo-root", "DIR", Kind.TEXT, "checkout whose <module>/target jars are started"),
			new Option("replicas", "NAME=N", Kind.TEXT, "short for --NAME.replicas=N"),
			new Option("<name>.replicas", "N", Kind.REPLICAS,
					"instances of a service (1-9); instance n uses each port + 10*n"),
			new Option("<name>.enabled", "true|false", Kind.BOOLEAN, "false leaves the resource out"),
			new Option("<name>.args", "ARGS", Kind.TEXT, "extra program arguments of a service or job"),
			new Option("<name>.jvm-args", "FLAGS", Kind.TEXT, "replaces the JVM flags of a service or job"),
			new Option("kafka.port", "PORT", Kind.PORT, "embedded Kafka broker (9092)"),
			new Option("kafka.controller-port", "PORT", Kind.PORT, "embedded Kafka controller (9093)"),
			new Option("kafka.bootstrap-servers", "HOST:PORT", Kind.TEXT, "use an existing Kafka, embed none"),
			new Option("postgres.port", "PORT", Kind.PORT, "embedded PostgreSQL (55432)"),
			new Option("postgres.url", "JDBC-URL", Kind.TEXT, "use an existing PostgreSQL, embed none"),
			new Option("postgres.username", "USER", Kind.TEXT, "administrator of the existing PostgreSQL"),
			new Option("postgres.password", "PASSWORD", Kind.TEXT, "its password"),
			new Option("users-api.port", "PORT", Kind.PORT, "users-api HTTP (5002)"),
			new Option("users-api.grpc-port", "PORT", Kind.PORT, "users-api gRPC (5003)"),
			new Option("chats-api.port", "PORT", Kind.PORT, "chats-api HTTP (5001)"),
			new Option("chats-worker.port", "PORT", Kind.PORT, "chats-worker HTTP (5004)"),
			new Option("web.port", "PORT", Kind.PORT, "web, the browser's origin (5000)"),
			new Option("users-db-password", "PASSWORD", Kind.TEXT,
					"users_app role password (env USERS_DB_PASSWORD, else users_app)"),
			new Option("chats-db-password", "PASSWORD", Kind.TEXT,
					"chats_app role password (env CHATS_DB_PASSWORD, else chats_app)"),
			new Option("dashboard.enabled", "true|false", Kind.BOOLEAN, "false: no dashboard, no OTLP receiver"),
			new Option("dashboard.port", "PORT", Kind.PORT, "dashboard (18888)"),
			new Option("dashboard.address", "ADDRESS", Kind.TEXT,
					"dashboard bind address (127.0.0.1); beyond loopback a token is required"),
			new Option("dashboard.token", "TOKEN", Kind.TEXT, "dashboard login token (random beyond loopback)"),
			new Option("otlp.http-port", "PORT", Kind.PORT, "OTLP/HTTP receiver (18890)"),
			new Option("otlp.grpc-port", "PORT", Kind.PORT, "OTLP/gRPC receiver (18889)"),
			new Option("otlp.endpoint", "URL", Kind.TEXT, "send all telemetry to this OTLP/HTTP endpoint instead"),
			new Option("telemetry.memory-mb", "MB", Kind.MEGABYTES, "byte budget of the telemetry stores (32)"),
			new Option("startup-timeout", "SECONDS", Kind.SECONDS, "how long a service may take to be healthy (180)"),
			new Option("console", "true|false", Kind.BOOLEAN, "false: do not print resource output"));

	/**
	 * A documented option.
	 *
	 * @param key the key; {@code <name>} stands for a resource name
	 * @param value what the value looks like, empty for a flag
	 * @param kind how the value is checked
	 * @param description one line for {@code --help}
	 */
	private record Option(String key, String value, Kind kind, String description) {

		boolean matches(String candidate) {
			if (!this.key.startsWith("<name>")) {
				return this.key.equals(candidate);
			}
			String suffix = this.key.substring("<name>".length());
			if (!candidate.endsWith(suffix)) {
				return false;
			}
			String name = candidate.substring(0, candidate.length() - suffix.length());
			return (suffix.equals(".replicas") || suffix.contains("args")) ? PROJECTS.contains(name)
					: RESOURCES.contains(name);
		}

		String synopsis() {
			if (this.value.isEmpty()) {
				return "--" + this.key;
			}
			// --replicas chats-api=2 reads better than --replicas=chats-api=2.
			return "--" + this.key + (this.value.contains("=") ? " " : "=") + this.value;
		}

	}

	/** How a value is checked; {@link #check} answers the problem or {@code null}. */
	private enum Kind {

		TEXT, FLAG, BOOLEAN, PORT, REPLICAS, SECONDS, MEGABYTES, PROFILE;

		String check(String value) {
			return switch (this) {
				case TEXT -> null;
				case FLAG, BOOLEAN ->
					(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) ? null : "use true or false";
				case PORT -> range(value, 1, 65535, "a port from 1 to 65535");
				case REPLICAS -> range(value, 1, 9, "a count from 1 to 9");
				case SECONDS -> range(value, 1, 86400, "seconds from 1 to 86400");
				case MEGABYTES -> range(value, 1, 65536, "megabytes from 1 to 65536");
				case PROFILE -> profileProblem(value);
			};
		}

		private static String range(String value, long min, long max, String expected) {
			try {
				long number = Long.parseLong(value);
				return (number >= min && number <= max) ? null : "expected " + expected;
			}
			catch (NumberFormatException ex) {
				return "expected " + expected;
			}
		}

		private static String profileProblem(String value) {
			try {
				Profile.parse(value);
				return null;
			}
			catch (AppHostException ex) {
				return ex.getMessage();
			}
		}

	}

	private static Map<String, String> readProperties(Path file) {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(file)) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new AppHostException("Cannot read the configuration file " + file, ex);
		}
		Map<String, String> values = new LinkedHashMap<>();
		properties.stringPropertyNames().forEach((name) -> values.put(name, properties.getProperty(name)));
		return values;
	}

	/**
	 * The directory with the Maven wrapper and the apphost module: the working directory
	 * or one of its parents (tests run inside {@code apphost/}).
	 */
	private static Path findRepositoryRoot(String configured) {
		if (configured != null) {
			return Path.of(configured);
		}
		Path start = Path.of("").toAbsolutePath();
		for (Path candidate = start; candidate != null; candidate = candidate.getParent()) {
			if (Files.exists(candidate.resolve("mvnw")) && Files.isDirectory(candidate.resolve("apphost"))) {
				return candidate;
			}
		}
		return start;
	}

}
