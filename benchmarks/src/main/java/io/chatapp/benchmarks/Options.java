package io.chatapp.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: {@code --key=value} (or {@code --key value}) and bare flags.
 */
record Options(String chatsUrl, String usersUrl, String dashboard, String kafka, String postgres, String postgresUser,
		String postgresPassword, Set<String> phases, boolean quick, Duration soak, List<Integer> rates, int sockets,
		int messages, Path out, Long chatsApiPid, Long apphostPid, Path dataDir, Integer soakRate,
		Map<String, String> given) {

	/** The first chats-api of {@code --url-chats}: reads and sockets go to it. */
	String firstChatsUrl() {
		return chatsUrl().split(",")[0];
	}

	static final List<String> ALL_PHASES = List.of("apphost", "baselines", "ramp", "rates", "e2e", "sockets", "reads",
			"soak");

	static Options parse(String... args) {
		Map<String, String> given = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument: " + arg);
			}
			String key = arg.substring(2);
			String value = "true";
			int eq = key.indexOf('=');
			if (eq >= 0) {
				value = key.substring(eq + 1);
				key = key.substring(0, eq);
			}
			else if (i + 1 < args.length && !args[i + 1].startsWith("--") && !isFlag(key)) {
				value = args[++i];
			}
			given.put(key, value);
		}
		for (String key : given.keySet()) {
			if (!KNOWN.contains(key)) {
				throw new IllegalArgumentException("Unknown option --" + key + " (known: " + KNOWN + ")");
			}
		}
		Set<String> phases = new LinkedHashSet<>();
		if (given.containsKey("phases")) {
			for (String phase : given.get("phases").split(",")) {
				String name = phase.trim();
				if (!ALL_PHASES.contains(name)) {
					throw new IllegalArgumentException("Unknown phase " + name + " (phases: " + ALL_PHASES + ")");
				}
				phases.add(name);
			}
		}
		else {
			phases.addAll(ALL_PHASES);
		}
		// --phases=soak alone means the 10 minutes.
		Duration soak = given.containsKey("soak") ? duration(given.get("soak"))
				: phases.contains("soak") && given.containsKey("phases") ? Duration.ofMinutes(10) : Duration.ZERO;
		if (soak.isZero()) {
			phases.remove("soak");
		}
		else {
			phases.add("soak");
		}
		List<Integer> rates = new ArrayList<>();
		for (String rate : given.getOrDefault("rates", "250,500,1000,2000").split(",")) {
			rates.add(Integer.parseInt(rate.trim()));
		}
		return new Options(given.getOrDefault("url-chats", "http://127.0.0.1:5001"),
				given.getOrDefault("url-users", "http://127.0.0.1:5002"),
				given.getOrDefault("dashboard", "http://127.0.0.1:18888"),
				given.getOrDefault("kafka", "127.0.0.1:9092"),
				given.getOrDefault("postgres", "jdbc:postgresql://127.0.0.1:55432/postgres"),
				given.getOrDefault("postgres-user", "postgres"), given.getOrDefault("postgres-password", ""), phases,
				Boolean.parseBoolean(given.getOrDefault("quick", "false")), soak, rates,
				Integer.parseInt(given.getOrDefault("sockets", "20000")),
				Integer.parseInt(given.getOrDefault("messages", "1000000")),
				Path.of(given.getOrDefault("out", "docs/benchmarks")), longOrNull(given.get("chats-api-pid")),
				longOrNull(given.get("apphost-pid")), Path.of(given.getOrDefault("data-dir", ".data")),
				given.containsKey("soak-rate") ? Integer.valueOf(given.get("soak-rate")) : null, given);
	}

	private static final Set<String> KNOWN = new LinkedHashSet<>(Arrays.asList("url-chats", "url-users", "dashboard",
			"kafka", "postgres", "postgres-user", "postgres-password", "phases", "quick", "soak", "rates", "sockets",
			"messages", "out", "chats-api-pid", "apphost-pid", "data-dir", "soak-rate"));

	private static boolean isFlag(String key) {
		return key.equals("quick");
	}

	private static Long longOrNull(String value) {
		return (value != null) ? Long.valueOf(value) : null;
	}

	/**
	 * {@code 10m}, {@code 90s}, {@code 1h} or plain seconds.
	 */
	static Duration duration(String text) {
		String value = text.trim().toLowerCase();
		if (value.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
		}
		char unit = value.charAt(value.length() - 1);
		if (Character.isDigit(unit)) {
			return Duration.ofSeconds(Long.parseLong(value));
		}
		long amount = Long.parseLong(value.substring(0, value.length() - 1));
		return switch (unit) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			default -> throw new IllegalArgumentException("Not a duration: " + text);
		};
	}

	boolean runs(String phase) {
		return this.phases.contains(phase);
	}

	/** Seconds of one ramp step. */
	int rampStepSeconds() {
		return this.quick ? 3 : 15;
	}

	/** Seconds at one fixed rate. */
	int rateSeconds() {
		return this.quick ? 5 : 20;
	}

	int baselineSeconds() {
		return this.quick ? 3 : 10;
	}

	int readCalls() {
		return this.quick ? 50 : 200;
	}

}
