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
		Map<String, String> merged = new LinkedHashMap<>();
		Path root = findRepositoryRoot(commandLine.get("repo-root"));
		Path file = Optional.ofNullable(commandLine.get("config"))
			.map(Path::of)
			.orElse(root.resolve("apphost.properties"));
		if (commandLine.containsKey("config") || Files.exists(file)) {
			merged.putAll(readProperties(file));
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
				throw new AppHostException("Unexpected argument '" + arg + "'. " + usage());
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
				if (replica.length != 2) {
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

	static String usage() {
		return "Usage: run.sh [--fresh] [--data-dir=DIR] [--replicas NAME=N] [--KEY=VALUE ...] "
				+ "(keys: see apphost/README.md)";
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
