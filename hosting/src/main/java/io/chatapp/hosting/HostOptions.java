package io.chatapp.hosting;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The AppHost's configuration: {@code key=value} settings from, in increasing precedence,
 * an {@code apphost.properties} file at the repository root (or {@code --config=FILE})
 * and the command line ({@code --key=value}, {@code --fresh}, {@code --replicas name=N}).
 *
 * <p>
 * The library's own options (profile, data directory, replicas, the dashboard, OTLP, ...)
 * are always known; an application adds its own to a {@link Parser}. Options that name a
 * resource ({@code <name>.replicas}, {@code <name>.enabled}, ...) are checked against the
 * model when it is built, so the resource names are written once, in the model.
 */
public final class HostOptions {

	private final Map<String, String> values;

	/**
	 * Options that name a resource, with where each came from, for the model to check.
	 */
	private final Map<String, String> resourceOptions;

	private HostOptions(Map<String, String> values, Map<String, String> resourceOptions) {
		this.values = Map.copyOf(values);
		this.resourceOptions = Map.copyOf(resourceOptions);
	}

	/**
	 * A parser that knows the library's options; the application adds its own.
	 * @return a new parser
	 */
	public static Parser parser() {
		return new Parser();
	}

	/**
	 * Options given directly, for tests and embedding: nothing is checked.
	 * @param values settings as on the command line, without the leading dashes
	 * @return the options
	 */
	public static HostOptions of(Map<String, String> values) {
		Map<String, String> copy = new LinkedHashMap<>(values);
		copy.putIfAbsent("repo-root", findRepositoryRoot(null).toString());
		return new HostOptions(copy, Map.of());
	}

	/**
	 * Whether the command line asks for the list of options ({@code --help} or {@code -h}
	 * anywhere), which wins over everything else on it.
	 * @param args command-line arguments
	 * @return {@code true} to print {@link Parser#help} and start nothing
	 */
	public static boolean helpRequested(String... args) {
		return Arrays.stream(args).anyMatch((arg) -> arg.equals("--help") || arg.equals("-h"));
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

	/**
	 * These options with a setting added unless one is given already.
	 * @param key the key
	 * @param value its value when none is set
	 * @return new options
	 */
	HostOptions withDefault(String key, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.values);
		copy.putIfAbsent(key, value);
		return new HostOptions(copy, this.resourceOptions);
	}

	public String get(String key, String defaultValue) {
		return find(key).orElse(defaultValue);
	}

	/**
	 * A port setting.
	 * @param key e.g. {@code web.port}
	 * @param defaultPort the port when none is set
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
		throw new HostingException("Invalid port " + key + "=" + value);
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
		throw new HostingException("Invalid replica count " + name + ".replicas=" + value + " (1 to 9)");
	}

	/**
	 * The number of brokers of an embedded Kafka cluster.
	 * @param key e.g. {@code kafka.brokers}
	 * @return 1 (when unset) to {@value KafkaResource#MAX_BROKERS}
	 */
	public int brokers(String key) {
		String value = get(key, "1");
		String problem = Kind.BROKERS.check(value);
		if (problem != null) {
			throw new HostingException("Invalid value --" + key + "=" + value + ": " + problem);
		}
		return Integer.parseInt(value);
	}

	/**
	 * A whitespace-separated list setting, e.g. {@code <name>.args}.
	 * @param key the key
	 * @return the items, possibly none
	 */
	public List<String> list(String key) {
		return find(key).map((value) -> Arrays.asList(value.split("\\s+"))).orElse(List.of());
	}

	/**
	 * Rejects options that name no resource of the model, before anything starts: a typo
	 * must not start the system with defaults.
	 * @param resources every resource the model declares
	 * @param projects the services and jobs among them
	 */
	void checkResourceNames(List<String> resources, List<String> projects) {
		this.resourceOptions.forEach((key, source) -> {
			Option option = RESOURCE_OPTIONS.stream()
				.filter((candidate) -> candidate.matches(key))
				.findFirst()
				.orElseThrow();
			String name = key.substring(0, key.length() - option.suffix().length());
			if (option.projectsOnly() && !projects.contains(name)) {
				throw new HostingException("Unknown option --" + key + source
						+ ((resources.contains(name)) ? " (" + name + " is not a service or job; " + option.key()
								+ " applies to " + String.join(", ", projects) + ")"
								: noSuchResource(name, resources)));
			}
			if (!resources.contains(name)) {
				throw new HostingException("Unknown option --" + key + source + noSuchResource(name, resources));
			}
		});
	}

	private static String noSuchResource(String name, List<String> resources) {
		return " (no resource named '" + name + "'; <name> is one of " + String.join(", ", resources) + ")";
	}

	/**
	 * Reads the command line and the options file against the library's options and the
	 * application's. An application describes itself here too, for {@code --help}.
	 */
	public static final class Parser {

		private String command = "java -jar apphost.jar";

		private String synopsis = "[--KEY=VALUE ...]";

		private String description = "";

		private String footer = "";

		private final List<Option> options = new ArrayList<>();

		Parser() {
		}

		/**
		 * How the AppHost is started, for the usage line and the hints.
		 * @param command e.g. {@code ./run.sh}
		 * @param synopsis the most used options, e.g. {@code [--fresh] [--KEY=VALUE ...]}
		 * @return this parser
		 */
		public Parser command(String command, String synopsis) {
			this.command = command;
			this.synopsis = synopsis;
			return this;
		}

		/**
		 * What the AppHost starts, shown by {@code --help} under the usage line.
		 * @param text one or more lines
		 * @return this parser
		 */
		public Parser description(String text) {
			this.description = text;
			return this;
		}

		/**
		 * Where to read more, the last line of {@code --help}.
		 * @param text e.g. {@code More in the README.}
		 * @return this parser
		 */
		public Parser footer(String text) {
			this.footer = text;
			return this;
		}

		/**
		 * An option of the application, read by its model with {@link HostOptions#find},
		 * {@link HostOptions#port} and the like.
		 * @param key the key, e.g. {@code web.port}
		 * @param value what the value looks like, e.g. {@code PORT}; empty for a flag
		 * @param kind how the value is checked
		 * @param description one line for {@code --help}
		 * @return this parser
		 */
		public Parser option(String key, String value, Kind kind, String description) {
			if (key.startsWith("<name>") || known(key)) {
				throw new IllegalArgumentException("Option " + key + " is already defined");
			}
			this.options.add(new Option(key, value, kind, description, false));
			return this;
		}

		/**
		 * Options from a properties file (if there is one) and the command line, every
		 * key and value checked; options that name a resource are checked when the model
		 * is built.
		 * @param args command-line arguments
		 * @return the options
		 * @throws HostingException for an unknown option or a value that cannot be right
		 */
		public HostOptions parse(String... args) {
			Map<String, String> resourceOptions = new LinkedHashMap<>();
			Map<String, String> commandLine = parseArguments(args);
			validate(commandLine, "", resourceOptions);
			Map<String, String> merged = new LinkedHashMap<>();
			Path root = findRepositoryRoot(commandLine.get("repo-root"));
			Path file = Optional.ofNullable(commandLine.get("config"))
				.map(Path::of)
				.orElse(root.resolve("apphost.properties"));
			if (commandLine.containsKey("config") || Files.exists(file)) {
				Map<String, String> fromFile = readProperties(file);
				validate(fromFile, " (in " + file + ")", resourceOptions);
				merged.putAll(fromFile);
			}
			merged.putAll(commandLine);
			merged.putIfAbsent("repo-root", root.toString());
			return new HostOptions(merged, resourceOptions);
		}

		public String usage() {
			return "Usage: " + this.command + " " + this.synopsis;
		}

		/**
		 * The hint after a bad command line.
		 * @return e.g. {@code ./run.sh --help lists every option.}
		 */
		public String hint() {
			return this.command + " --help lists every option.";
		}

		/**
		 * Every option with a one-line description, for {@code --help}: the library's,
		 * then the application's.
		 * @param resources the model's resources, which {@code <name>} stands for
		 * @return the text, ending with a line break
		 */
		public String help(List<String> resources) {
			StringBuilder help = new StringBuilder();
			help.append(usage()).append("\n\n");
			if (!this.description.isEmpty()) {
				help.append(this.description).append('\n');
			}
			help.append("Options are --KEY=VALUE or --KEY VALUE, in any order; the same keys may stand in\n");
			help.append("apphost.properties at the repository root. The command line wins.\n\n");
			int width = Stream.concat(LIBRARY_OPTIONS.stream(), this.options.stream())
				.mapToInt((option) -> option.synopsis().length())
				.max()
				.orElse(0);
			String line = "  %-" + width + "s  %s%n";
			LIBRARY_OPTIONS
				.forEach((option) -> help.append(String.format(line, option.synopsis(), option.description())));
			if (!this.options.isEmpty()) {
				help.append('\n');
				this.options
					.forEach((option) -> help.append(String.format(line, option.synopsis(), option.description())));
			}
			if (!resources.isEmpty()) {
				help.append("\n<name> is one of ").append(String.join(", ", resources)).append(".\n");
			}
			if (!this.footer.isEmpty()) {
				help.append(this.footer).append('\n');
			}
			return help.toString();
		}

		private boolean known(String key) {
			return Stream.concat(LIBRARY_OPTIONS.stream(), this.options.stream())
				.anyMatch((option) -> option.key().equals(key));
		}

		/**
		 * Rejects unknown keys and values that cannot be right, before anything starts: a
		 * typo must not start the system with defaults.
		 */
		private void validate(Map<String, String> values, String source, Map<String, String> resourceOptions) {
			values.forEach((key, value) -> {
				Option option = Stream.concat(LIBRARY_OPTIONS.stream(), this.options.stream())
					.filter((candidate) -> candidate.key().equals(key))
					.findFirst()
					.or(() -> RESOURCE_OPTIONS.stream().filter((candidate) -> candidate.matches(key)).findFirst())
					.orElseThrow(() -> new HostingException("Unknown option --" + key + source));
				String problem = option.kind().check(value.trim());
				if (problem != null) {
					throw new HostingException("Invalid value --" + key + "=" + value + source + ": " + problem);
				}
				if (option.key().startsWith("<name>")) {
					resourceOptions.put(key, source);
				}
			});
		}

	}

	private static Map<String, String> parseArguments(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--") || arg.length() == 2) {
				throw new HostingException("Unexpected argument '" + arg + "': options start with --, e.g. --fresh");
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
				// --replicas api=2 is short for --api.replicas=2
				String[] replica = value.split("=", 2);
				if (replica.length != 2 || replica[0].isBlank()) {
					throw new HostingException("Use --replicas <name>=<count>, e.g. --replicas web=2");
				}
				values.put(replica[0] + ".replicas", replica[1]);
			}
			else {
				values.put(key, value);
			}
		}
		return values;
	}

	/**
	 * The library's options, in the order {@code --help} lists them; {@code <name>}
	 * stands for a resource of the model.
	 */
	private static final List<Option> LIBRARY_OPTIONS = List.of(
			new Option("help", "", Kind.FLAG, "print this list and exit (also -h)", false),
			new Option("profile", "development|production", Kind.PROFILE,
					"production: durable PostgreSQL, default JIT, heaps fit for load", false),
			new Option("fresh", "", Kind.FLAG, "delete the data directory before starting", false),
			new Option("data-dir", "DIR", Kind.TEXT, "data directory (default <repo>/.data)", false),
			new Option("config", "FILE", Kind.TEXT, "properties file with options (default apphost.properties)", false),
			new Option("repo-root", "DIR", Kind.TEXT, "checkout whose <module>/target jars are started", false),
			new Option("replicas", "NAME=N", Kind.TEXT, "short for --NAME.replicas=N", false),
			new Option("publish", "kubernetes|compose", Kind.PUBLISH_TARGET,
					"write the model as deployment files, start nothing", false),
			new Option("output", "DIR", Kind.TEXT, "where --publish writes (default deploy/<target>)", false),
			new Option("publish.registry", "PREFIX", Kind.TEXT, "image registry prefix, e.g. registry.example.com/team",
					false),
			new Option("<name>.replicas", "N", Kind.REPLICAS,
					"instances of a service (1-9); instance n uses each port + 10*n", true),
			new Option("<name>.enabled", "true|false", Kind.BOOLEAN, "false leaves the resource out", false),
			new Option("<name>.args", "ARGS", Kind.TEXT, "extra program arguments of a service or job", true),
			new Option("<name>.jvm-args", "FLAGS", Kind.TEXT, "replaces the JVM flags of a service or job", true),
			new Option("dashboard.enabled", "true|false", Kind.BOOLEAN, "false: no dashboard, no OTLP receiver", false),
			new Option("dashboard.port", "PORT", Kind.PORT, "dashboard (18888)", false),
			new Option("dashboard.address", "ADDRESS", Kind.TEXT,
					"dashboard bind address (127.0.0.1); beyond loopback a token is required", false),
			new Option("dashboard.token", "TOKEN", Kind.TEXT, "dashboard login token (random beyond loopback)", false),
			new Option("otlp.http-port", "PORT", Kind.PORT, "OTLP/HTTP receiver (18890)", false),
			new Option("otlp.grpc-port", "PORT", Kind.PORT, "OTLP/gRPC receiver (18889)", false),
			new Option("otlp.endpoint", "URL", Kind.TEXT, "send all telemetry to this OTLP/HTTP endpoint instead",
					false),
			new Option("telemetry.memory-mb", "MB", Kind.MEGABYTES, "byte budget of the telemetry stores (32)", false),
			new Option("startup-timeout", "SECONDS", Kind.SECONDS, "how long a service may take to be healthy (180)",
					false),
			new Option("console", "true|false", Kind.BOOLEAN, "false: do not print resource output", false));

	/** Options that name a resource: {@code <name>} is checked against the model. */
	private static final List<Option> RESOURCE_OPTIONS = LIBRARY_OPTIONS.stream()
		.filter((option) -> option.key().startsWith("<name>"))
		.toList();

	/**
	 * A documented option.
	 *
	 * @param key the key; {@code <name>} stands for a resource name
	 * @param value what the value looks like, empty for a flag
	 * @param kind how the value is checked
	 * @param description one line for {@code --help}
	 * @param projectsOnly whether {@code <name>} must be a service or job
	 */
	private record Option(String key, String value, Kind kind, String description, boolean projectsOnly) {

		/** The part after {@code <name>}, e.g. {@code .replicas}. */
		String suffix() {
			return this.key.substring("<name>".length());
		}

		/**
		 * Whether a key has this option's shape; the name is checked against the model.
		 */
		boolean matches(String candidate) {
			return this.key.startsWith("<name>") && candidate.endsWith(suffix())
					&& candidate.length() > suffix().length();
		}

		String synopsis() {
			if (this.value.isEmpty()) {
				return "--" + this.key;
			}
			// --replicas web=2 reads better than --replicas=web=2.
			return "--" + this.key + (this.value.contains("=") ? " " : "=") + this.value;
		}

	}

	/** How a value is checked; {@link #check} answers the problem or {@code null}. */
	public enum Kind {

		/** Anything. */
		TEXT,

		/** A deployment target: {@code kubernetes} or {@code compose}. */
		PUBLISH_TARGET,

		/** {@code --flag} alone, or {@code true} or {@code false}. */
		FLAG,

		/** {@code true} or {@code false}. */
		BOOLEAN,

		/** A port from 1 to 65535. */
		PORT,

		/** A count of instances from 1 to 9. */
		REPLICAS,

		/** A number of Kafka brokers from 1 to {@value KafkaResource#MAX_BROKERS}. */
		BROKERS,

		/** Seconds from 1 to a day. */
		SECONDS,

		/** Megabytes from 1 to 65536. */
		MEGABYTES,

		/** A {@link Profile}. */
		PROFILE;

		String check(String value) {
			return switch (this) {
				case TEXT -> null;
				case FLAG, BOOLEAN ->
					(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) ? null : "use true or false";
				case PORT -> range(value, 1, 65535, "a port from 1 to 65535");
				case REPLICAS -> range(value, 1, 9, "a count from 1 to 9");
				case BROKERS ->
					range(value, 1, KafkaResource.MAX_BROKERS, "a broker count from 1 to " + KafkaResource.MAX_BROKERS);
				case SECONDS -> range(value, 1, 86400, "seconds from 1 to 86400");
				case MEGABYTES -> range(value, 1, 65536, "megabytes from 1 to 65536");
				case PROFILE -> profileProblem(value);
				case PUBLISH_TARGET ->
					(value.equals("kubernetes") || value.equals("compose")) ? null : "use kubernetes or compose";
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
			catch (HostingException ex) {
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
			throw new HostingException("Cannot read the configuration file " + file, ex);
		}
		Map<String, String> values = new LinkedHashMap<>();
		properties.stringPropertyNames().forEach((name) -> values.put(name, properties.getProperty(name)));
		return values;
	}

	/**
	 * The checkout: the nearest directory, from the working directory up, with the Maven
	 * wrapper at the root of a multi-module build (tests run inside a module).
	 */
	private static Path findRepositoryRoot(String configured) {
		if (configured != null) {
			return Path.of(configured);
		}
		Path start = Path.of("").toAbsolutePath();
		for (Path candidate = start; candidate != null; candidate = candidate.getParent()) {
			if (Files.exists(candidate.resolve("mvnw")) && Files.exists(candidate.resolve("pom.xml"))) {
				return candidate;
			}
		}
		return start;
	}

}
