package io.chatapp.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the benchmark phases against a running ChatApp and writes latest.json, the plots
 * and the README's results block. Usage: {@code ./bench.sh [options]}, see
 * docs/benchmarks/README.md.
 */
public final class Benchmarks {

	private static final long STARTED = System.nanoTime();

	private final Options options;

	private final Map<String, Object> results = new LinkedHashMap<>();

	private final Timeline timeline = new Timeline();

	private final Api api;

	private final SystemProbe probe;

	private Sends sends;

	private Benchmarks(Options options) {
		this.options = options;
		String run = UUID.randomUUID().toString().substring(0, 6);
		this.api = new Api(options.chatsUrl(), options.usersUrl(), run);
		this.probe = new SystemProbe(options.dashboard(), this.api.http(), options.dataDir());
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(64);
			return;
		}
		int code = new Benchmarks(options).run();
		System.exit(code);
	}

	static void progress(String format, Object... args) {
		System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9,
				String.format(Locale.ROOT, format, args));
		System.out.flush();
	}

	private int run() throws Exception {
		progress("phases %s%s against chats-api %s, users-api %s, dashboard %s", this.options.phases(),
				this.options.quick() ? " (quick)" : "", this.options.chatsUrl(), this.options.usersUrl(),
				this.options.dashboard());
		this.results.put("generatedAt", Instant.now().toString());
		this.results.put("machine", machine());
		this.results.put("commit", git("rev-parse", "HEAD"));
		this.results.put("commitDirty", !git("status", "--porcelain", "--untracked-files=no").isBlank());
		this.results.put("settings", settings());
		JsonNode apphost = this.probe.apphostInfo();
		this.results.put("apphost", (apphost != null) ? Api.JSON.convertValue(apphost, Map.class) : null);
		String profile = (apphost != null) ? apphost.path("profile").asText(null) : null;
		this.results.put("productionProfile", "production".equals(profile));
		if (!"production".equals(profile)) {
			progress("note: the AppHost does not report the production profile (%s): figures are from a development"
					+ " setup", (apphost == null) ? "no /api/apphost" : "profile " + profile);
		}
		try {
			if (this.options.runs("apphost")) {
				phase("apphostRss", this::apphostPhase);
			}
			if (this.options.runs("baselines")) {
				phase("postgresBaseline", () -> Baselines.postgres(this.options.postgres(), this.options.postgresUser(),
						this.options.postgresPassword(), this.options.baselineSeconds()));
				phase("kafkaBaseline",
						() -> Baselines.kafka(this.options.kafka(), this.options.quick() ? 200_000 : 2_000_000));
			}
			boolean sending = this.options.runs("ramp") || this.options.runs("rates") || this.options.runs("e2e")
					|| this.options.runs("sockets") || this.options.runs("soak");
			if (sending) {
				progress("registering %d users in %d direct chats", Sends.USERS, Sends.USERS / 2);
				this.sends = Sends.setUp(this.api, this.timeline);
			}
			if (this.options.runs("ramp")) {
				phase("ramp", () -> this.sends.ramp(this.options.rampStepSeconds(), this.options.quick() ? 2 : 5));
			}
			if (this.options.runs("rates")) {
				phase("rates", () -> this.sends.rates(this.options.rates(), this.options.rateSeconds()));
			}
			if (this.options.runs("e2e")) {
				phase("endToEnd", () -> this.sends.endToEnd(WebSockets.wsUrl(this.options.firstChatsUrl()),
						List.of(100, 1000), this.options.rateSeconds()));
			}
			if (this.options.runs("sockets")) {
				Long pid = (this.options.chatsApiPid() != null) ? this.options.chatsApiPid() : this.probe.chatsApiPid();
				phase("idleSockets", () -> IdleSockets.run(WebSockets.wsUrl(this.options.firstChatsUrl()),
						this.sends.users(), this.options.sockets(), pid));
			}
			if (this.options.runs("reads")) {
				phase("reads", () -> Reads.run(this.api, this.options, this.options.postgres()));
			}
			if (this.options.runs("soak")) {
				phase("soak", () -> Soak.run(this.sends, this.probe, apphostPid(), this.options.dataDir(), soakRate(),
						this.options.soak(), this.timeline));
			}
		}
		catch (Sends.RateLimitedException ex) {
			System.err.println("REFUSED: " + ex.getMessage());
			return 2;
		}
		this.results.put("ratios", ratios());
		this.results.put("throughputPerSecond", this.timeline.series());
		this.results.put("phaseStarts", this.timeline.phases());
		write();
		return 0;
	}

	interface Phase {

		Map<String, Object> run() throws Exception;

	}

	private void phase(String name, Phase phase) {
		progress("--- %s", name);
		long start = System.nanoTime();
		try {
			Map<String, Object> section = phase.run();
			section.put("phaseSeconds", Stats.round((System.nanoTime() - start) / 1e9, 1));
			this.results.put(name, section);
		}
		catch (Sends.RateLimitedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			progress("%s failed: %s", name, ex);
			Map<String, Object> failed = new LinkedHashMap<>();
			failed.put("error", String.valueOf(ex));
			this.results.put(name, failed);
		}
	}

	private Long apphostPid() {
		return (this.options.apphostPid() != null) ? this.options.apphostPid() : this.probe.apphostPid();
	}

	/** The soak's rate: given, else the ramp's peak, else the highest fixed rate. */
	@SuppressWarnings("unchecked")
	private double soakRate() {
		if (this.options.soakRate() != null) {
			return this.options.soakRate();
		}
		Object ramp = this.results.get("ramp");
		if (ramp instanceof Map<?, ?> map && map.get("peakThroughputPerSecond") instanceof Double peak && peak > 0) {
			return Math.floor(peak);
		}
		return this.options.rates().stream().mapToInt(Integer::intValue).max().orElse(1000);
	}

	private Map<String, Object> apphostPhase() throws Exception {
		Map<String, Object> section = new LinkedHashMap<>();
		Long pid = apphostPid();
		section.put("pid", pid);
		JsonNode info = this.probe.apphostInfo();
		section.put("readyInMs",
				(info != null && info.hasNonNull("readyInMs")) ? info.get("readyInMs").asLong() : null);
		if (pid == null) {
			throw new IllegalStateException("AppHost not found (give --apphost-pid or --data-dir)");
		}
		// PostgreSQL daemonizes away from the AppHost's process tree: every resource's
		// own
		// tree counts too, each process once.
		java.util.Set<Long> pids = new java.util.LinkedHashSet<>(SystemProbe.tree(pid));
		Map<String, List<Long>> resources = this.probe.resourcePids();
		resources.values().forEach((list) -> list.forEach((member) -> pids.addAll(SystemProbe.tree(member))));
		long total = 0;
		long pss = 0;
		for (long member : pids) {
			total += Math.max(0, SystemProbe.status(member, "VmRSS"));
			pss += Math.max(0, SystemProbe.pssKb(member));
		}
		section.put("processes", pids.size());
		section.put("totalRssKb", total);
		section.put("totalRssMiB", Stats.round(total / 1024.0, 1));
		section.put("totalPssMiB", Stats.round(pss / 1024.0, 1));
		Map<String, Object> perResource = new LinkedHashMap<>();
		perResource.put("apphost", SystemProbe.status(pid, "VmRSS"));
		resources.forEach((name, list) -> perResource.put(name, SystemProbe.treeRssKb(list.get(0))));
		section.put("rssKbByResource", perResource);
		progress("apphost: pid %d, %d processes, total RSS %.0f MiB (PSS %.0f MiB), start to healthy %s ms", pid,
				pids.size(), total / 1024.0, pss / 1024.0, section.get("readyInMs"));
		return section;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> ratios() {
		Map<String, Object> ratios = new LinkedHashMap<>();
		Double peak = null;
		if (this.results.get("ramp") instanceof Map<?, ?> ramp
				&& ramp.get("peakThroughputPerSecond") instanceof Double p) {
			peak = p;
		}
		ratios.put("sendPeakPerSecond", peak);
		if (peak != null && this.results.get("postgresBaseline") instanceof Map<?, ?> pg) {
			if (pg.get("singleRowTransactionsPerSecond") instanceof Double tx && tx > 0) {
				ratios.put("sendPeakToPostgresSingleRowTx", Stats.round(peak / tx, 3));
			}
			if (pg.get("tenRowTransactionRowsPerSecond") instanceof Double rows && rows > 0) {
				ratios.put("sendPeakToPostgresRowsIn10RowTx", Stats.round(peak / rows, 3));
			}
		}
		if (peak != null && this.results.get("kafkaBaseline") instanceof Map<?, ?> kafka
				&& kafka.get("recordsPerSecond") instanceof Double records && records > 0) {
			ratios.put("sendPeakToKafkaRecords", Stats.round(peak / records, 4));
		}
		return ratios;
	}

	private Map<String, Object> settings() {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("chatsApi", this.options.chatsUrl());
		settings.put("usersApi", this.options.usersUrl());
		settings.put("dashboard", this.options.dashboard());
		settings.put("kafka", this.options.kafka());
		settings.put("postgres", this.options.postgres());
		settings.put("phases", new ArrayList<>(this.options.phases()));
		settings.put("quick", this.options.quick());
		settings.put("rampStepSeconds", this.options.rampStepSeconds());
		settings.put("rateSeconds", this.options.rateSeconds());
		settings.put("rates", this.options.rates());
		settings.put("sockets", this.options.sockets());
		settings.put("messages", this.options.messages());
		settings.put("soakSeconds", this.options.soak().toSeconds());
		settings.put("users", Sends.USERS);
		settings.put("chats", Sends.USERS / 2);
		Map<String, String> arguments = new LinkedHashMap<>(this.options.given());
		arguments.computeIfPresent("postgres-password", (key, value) -> "***");
		settings.put("arguments", arguments);
		return settings;
	}

	static Map<String, Object> machine() {
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("cores", Runtime.getRuntime().availableProcessors());
		machine.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
		String memTotal = firstValue(Path.of("/proc/meminfo"), "MemTotal");
		machine.put("memoryMiB", (memTotal != null) ? Long.parseLong(memTotal.split("\\s+")[0]) / 1024 : null);
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		String distro = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME");
		machine.put("distribution", (distro != null) ? distro.replace("\"", "") : null);
		machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		machine.put("benchmarkJvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
		return machine;
	}

	private static String firstValue(Path file, String key) {
		try {
			for (String line : Files.readAllLines(file)) {
				int separator = line.indexOf(line.contains(":") ? ':' : '=');
				if (separator > 0 && line.substring(0, separator).trim().equals(key)) {
					return line.substring(separator + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: left out.
		}
		return null;
	}

	private static String git(String... args) {
		try {
			List<String> command = new ArrayList<>(List.of("git"));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes()).trim();
			return (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) ? output : "";
		}
		catch (IOException | InterruptedException ex) {
			return "";
		}
	}

	@SuppressWarnings("unchecked")
	private void write() throws IOException {
		Path out = this.options.out();
		Files.createDirectories(out);
		Report.writeJson(out.resolve("latest.json"), this.results);
		if (this.results.get("rates") instanceof Map<?, ?> rates && rates.get("rates") instanceof List<?> list) {
			Report.latencyPlot(out.resolve("latency-vs-rate.png"), (List<Map<String, Object>>) list);
		}
		if (!this.timeline.series().isEmpty()) {
			Report.throughputPlot(out.resolve("throughput-over-time.png"), this.timeline.series(),
					this.timeline.phases());
		}
		if (this.results.get("ramp") instanceof Map<?, ?> ramp && ramp.get("steps") instanceof List<?> steps) {
			Report.rampPlot(out.resolve("ramp.png"), (List<Map<String, Object>>) steps);
		}
		String table = Summary.markdown(this.results);
		StringBuilder block = new StringBuilder(table);
		for (String plot : List.of("latency-vs-rate.png", "throughput-over-time.png", "ramp.png")) {
			if (Files.exists(out.resolve(plot))) {
				block.append("\n![").append(plot.replace(".png", "")).append("](").append(plot).append(")\n");
			}
		}
		Report.writeReadme(out.resolve("README.md"), block.toString());
		System.out.println();
		System.out.println(table);
		progress("wrote %s", out.toAbsolutePath());
	}

}
