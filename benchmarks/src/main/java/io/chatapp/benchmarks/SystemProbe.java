package io.chatapp.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the benchmark learns about the running system: the dashboard's resources and
 * AppHost record, processes' memory and threads from {@code /proc}, and a JVM's heap via
 * {@code jcmd}.
 */
final class SystemProbe {

	private final String dashboard;

	private final HttpClient http;

	private final Path dataDir;

	SystemProbe(String dashboard, HttpClient http, Path dataDir) {
		this.dashboard = dashboard;
		this.http = http;
		this.dataDir = dataDir;
	}

	/**
	 * {@code GET /api/apphost} (profile, start time, pid), null where the AppHost has
	 * none.
	 */
	JsonNode apphostInfo() {
		try {
			return Api.getJson(this.http, this.dashboard + "/api/apphost");
		}
		catch (Exception ex) {
			return null;
		}
	}

	/** {@code GET /api/resources}, null when the dashboard does not answer. */
	JsonNode resources() {
		try {
			return Api.getJson(this.http, this.dashboard + "/api/resources");
		}
		catch (Exception ex) {
			return null;
		}
	}

	/** Resource name -> its pids, from the dashboard. */
	Map<String, List<Long>> resourcePids() {
		Map<String, List<Long>> pids = new LinkedHashMap<>();
		JsonNode resources = resources();
		if (resources == null) {
			return pids;
		}
		JsonNode items = resources.isArray() ? resources : resources.path("items");
		for (JsonNode resource : items) {
			List<Long> list = new ArrayList<>();
			for (JsonNode pid : resource.path("pids")) {
				list.add(pid.asLong());
			}
			if (!list.isEmpty()) {
				pids.put(resource.path("name").asText(), list);
			}
		}
		return pids;
	}

	/** The pid of the first chats-api instance. */
	Long chatsApiPid() {
		for (Map.Entry<String, List<Long>> resource : resourcePids().entrySet()) {
			if (resource.getKey().equals("chats-api") || resource.getKey().equals("chats-api-1")) {
				return resource.getValue().get(0);
			}
		}
		return null;
	}

	/**
	 * The AppHost's pid: from {@code /api/apphost}, else the pid file in the data
	 * directory, else the parent of the services the dashboard lists.
	 */
	Long apphostPid() {
		JsonNode info = apphostInfo();
		if (info != null && info.hasNonNull("pid")) {
			return info.get("pid").asLong();
		}
		Path pidFile = this.dataDir.resolve("apphost.pids");
		try {
			for (String line : Files.readAllLines(pidFile)) {
				String[] parts = line.trim().split("\\s+");
				if (parts.length >= 3 && parts[2].equals("apphost")) {
					long pid = Long.parseLong(parts[0]);
					if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
						return pid;
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// No pid file here: try the dashboard's processes next.
		}
		for (List<Long> pids : resourcePids().values()) {
			java.util.Optional<ProcessHandle> parent = ProcessHandle.of(pids.get(0)).flatMap(ProcessHandle::parent);
			if (parent.isPresent()) {
				return parent.get().pid();
			}
		}
		return null;
	}

	/**
	 * A field of {@code /proc/<pid>/status} in kB (VmRSS) or as a number (Threads); -1 if
	 * gone.
	 */
	static long status(long pid, String field) {
		return procValue(pid, "status", field + ":").map(SystemProbe::number).orElse(-1L);
	}

	/**
	 * Proportional set size in kB from {@code /proc/<pid>/smaps_rollup}: shared pages
	 * (PostgreSQL's shared buffers, mapped class-data archives) split among the processes
	 * sharing them, so sums are not inflated; -1 where unavailable (gone, or an older
	 * kernel).
	 */
	static long pssKb(long pid) {
		return procValue(pid, "smaps_rollup", "Pss:").map(SystemProbe::number).orElse(-1L);
	}

	/**
	 * The soft limit on open files of a process, from {@code /proc/<pid>/limits}; -1 if
	 * unknown.
	 */
	static long openFilesLimit(long pid) {
		return procValue(pid, "limits", "Max open files")
			.map((soft) -> soft.equals("unlimited") ? Long.MAX_VALUE : number(soft))
			.orElse(-1L);
	}

	private static long number(String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * The first word after {@code prefix} on the first line of {@code /proc/<pid>/<file>}
	 * that starts with it.
	 */
	private static Optional<String> procValue(long pid, String file, String prefix) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
				if (line.startsWith(prefix)) {
					return Optional.of(line.substring(prefix.length()).trim().split("\\s+")[0]);
				}
			}
		}
		catch (IOException ex) {
			// The process is gone, or this is not Linux.
		}
		return Optional.empty();
	}

	/** How many files (sockets included) a process has open; -1 if unknown. */
	static long openFiles(long pid) {
		try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return fds.count();
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** A process and all its descendants. */
	static List<Long> tree(long pid) {
		List<Long> pids = new ArrayList<>();
		ProcessHandle.of(pid).ifPresent((handle) -> {
			pids.add(handle.pid());
			handle.descendants().forEach((child) -> pids.add(child.pid()));
		});
		return pids;
	}

	/** RSS in kB summed over a process tree. */
	static long treeRssKb(long pid) {
		long sum = 0;
		for (long member : tree(pid)) {
			sum += Math.max(0, status(member, "VmRSS"));
		}
		return sum;
	}

	/** Runs {@code jcmd <pid> GC.run}, then returns the heap used after it (bytes). */
	static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
		jcmd(pid, "GC.run");
		return parseHeapUsed(jcmd(pid, "GC.heap_info"));
	}

	static String jcmd(long pid, String command) throws IOException, InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Process process = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid),
				command)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
		}
		return output;
	}

	private static final Pattern USED = Pattern.compile("used (\\d+)K");

	/**
	 * Heap used (bytes) from {@code GC.heap_info}: G1's one heap line, or the sum of the
	 * generations of the serial and parallel collectors; never metaspace.
	 */
	static long parseHeapUsed(String heapInfo) {
		long sum = 0;
		boolean found = false;
		for (String line : heapInfo.split("\n")) {
			if (line.contains("Metaspace") || line.contains("class space")) {
				continue;
			}
			Matcher matcher = USED.matcher(line);
			if (matcher.find()) {
				long used = Long.parseLong(matcher.group(1)) * 1024;
				if (line.contains("garbage-first heap") || line.contains("ZHeap") || line.contains("Shenandoah")) {
					return used;
				}
				sum += used;
				found = true;
			}
		}
		if (!found) {
			throw new IllegalArgumentException("No heap usage in: " + heapInfo);
		}
		return sum;
	}

}
