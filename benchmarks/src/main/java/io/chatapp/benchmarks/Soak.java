package io.chatapp.benchmarks;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The peak send rate held for a long time (10 minutes for the check): every 10 s
 * each process's RSS and thread count and the dashboard's response time; afterwards the
 * AppHost's console logs of that time are searched for threads that died.
 */
final class Soak {

	private Soak() {
	}

	static Map<String, Object> run(Sends sends, SystemProbe probe, Long apphostPid, Path dataDir, double rate,
			Duration duration, Timeline timeline) throws Exception {
		Map<String, Long> processes = new LinkedHashMap<>();
		if (apphostPid != null) {
			processes.put("apphost", apphostPid);
		}
		probe.resourcePids().forEach((name, pids) -> processes.put(name, pids.get(0)));
		Map<Path, Long> logOffsets = logSizes(dataDir.resolve("logs"));
		Map<String, List<long[]>> samples = new LinkedHashMap<>();
		processes.keySet().forEach((name) -> samples.put(name, new ArrayList<>()));
		List<Double> dashboardMs = new ArrayList<>();
		int dashboardFailures = 0;

		timeline.phase("soak " + (int) rate + "/s");
		Benchmarks.progress("soak: %d s at %.0f sends/s", duration.toSeconds(), rate);
		CompletableFuture<OpenLoop.Result> load = CompletableFuture.supplyAsync(() -> {
			try {
				return sends.openRun(rate, duration.toSeconds());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		});
		long start = System.nanoTime();
		while (!load.isDone()) {
			for (Map.Entry<String, Long> process : processes.entrySet()) {
				long pid = process.getValue();
				// The AppHost's own process only; a resource with its children
				// (PostgreSQL's backends).
				long rss = process.getKey().equals("apphost") ? SystemProbe.status(pid, "VmRSS")
						: SystemProbe.treeRssKb(pid);
				samples.get(process.getKey())
					.add(new long[] { (System.nanoTime() - start) / 1_000_000_000L, rss,
							SystemProbe.status(pid, "Threads") });
			}
			long asked = System.nanoTime();
			if (probe.resources() != null) {
				dashboardMs.add(Stats.round((System.nanoTime() - asked) / 1e6, 1));
			}
			else {
				dashboardFailures++;
			}
			Benchmarks.progress("soak: %3d s, dashboard %s", (System.nanoTime() - start) / 1_000_000_000L,
					dashboardMs.isEmpty() ? "-" : dashboardMs.get(dashboardMs.size() - 1) + " ms");
			long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!load.isDone() && System.nanoTime() < next) {
				Thread.sleep(200);
			}
		}
		OpenLoop.Result result = load.join();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("durationSeconds", duration.toSeconds());
		section.put("send", Sends.describe(result));
		section.put("dashboardSamples", dashboardMs.size());
		section.put("dashboardFailures", dashboardFailures);
		section.put("dashboardAlwaysAnswered", dashboardFailures == 0);
		section.put("dashboardMaxMs", dashboardMs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
		Map<String, Object> perProcess = new LinkedHashMap<>();
		boolean flat = true;
		boolean alive = true;
		for (Map.Entry<String, List<long[]>> process : samples.entrySet()) {
			List<long[]> list = process.getValue();
			if (list.isEmpty()) {
				continue;
			}
			Map<String, Object> summary = summarize(list);
			perProcess.put(process.getKey(), summary);
			flat &= (boolean) summary.get("rssFlat");
			alive &= (long) summary.get("lastRssKb") > 0;
		}
		section.put("processes", perProcess);
		section.put("rssFlat", flat);
		section.put("allProcessesAlive", alive);
		List<String> deaths = scanLogs(logOffsets);
		section.put("deadThreadLines", deaths);
		section.put("noThreadDied", deaths.isEmpty());
		Benchmarks.progress(
				"soak: achieved %.1f/s, errors %d, %s; dashboard always answered: %s, RSS flat: %s,"
						+ " no thread died: %s",
				result.achievedRate(), result.errors(), Stats.line(result.latency()), dashboardFailures == 0, flat,
				deaths.isEmpty());
		return section;
	}

	/**
	 * First, last and largest RSS and thread counts. RSS counts as flat when the last
	 * sample is within 10 % of the median of the first half (after warm-up).
	 */
	static Map<String, Object> summarize(List<long[]> samples) {
		Map<String, Object> summary = new LinkedHashMap<>();
		long first = samples.get(0)[1];
		long last = samples.get(samples.size() - 1)[1];
		long max = samples.stream().mapToLong((s) -> s[1]).max().orElse(0);
		long[] firstHalf = samples.subList(0, Math.max(1, samples.size() / 2))
			.stream()
			.mapToLong((s) -> s[1])
			.sorted()
			.toArray();
		long reference = firstHalf[firstHalf.length / 2];
		summary.put("firstRssKb", first);
		summary.put("lastRssKb", last);
		summary.put("maxRssKb", max);
		summary.put("firstThreads", samples.get(0)[2]);
		summary.put("lastThreads", samples.get(samples.size() - 1)[2]);
		summary.put("minThreads", samples.stream().mapToLong((s) -> s[2]).min().orElse(0));
		summary.put("maxThreads", samples.stream().mapToLong((s) -> s[2]).max().orElse(0));
		summary.put("rssFlat", last > 0 && last <= reference * 1.10);
		List<List<Long>> series = new ArrayList<>();
		for (long[] sample : samples) {
			series.add(List.of(sample[0], sample[1], sample[2]));
		}
		summary.put("samples [seconds, rssKb, threads]", series);
		return summary;
	}

	private static Map<Path, Long> logSizes(Path logs) {
		Map<Path, Long> sizes = new LinkedHashMap<>();
		if (!Files.isDirectory(logs)) {
			return sizes;
		}
		try (Stream<Path> files = Files.list(logs)) {
			files.filter((file) -> file.toString().endsWith(".log")).forEach((file) -> {
				try {
					sizes.put(file, Files.size(file));
				}
				catch (IOException ex) {
					sizes.put(file, 0L);
				}
			});
		}
		catch (IOException ex) {
			// No logs to scan.
		}
		return sizes;
	}

	/**
	 * Lines logged since the soak started that tell of a thread that died or ran out of
	 * memory.
	 */
	static List<String> scanLogs(Map<Path, Long> offsets) {
		List<String> found = new ArrayList<>();
		for (Map.Entry<Path, Long> log : offsets.entrySet()) {
			try (RandomAccessFile file = new RandomAccessFile(log.getKey().toFile(), "r")) {
				long length = file.length();
				long from = Math.min(log.getValue(), length);
				file.seek(from);
				byte[] bytes = new byte[(int) Math.min(length - from, 64L * 1024 * 1024)];
				file.readFully(bytes);
				found.addAll(deadThreadLines(log.getKey().getFileName().toString(),
						new String(bytes, StandardCharsets.UTF_8)));
			}
			catch (IOException ex) {
				// A log that cannot be read is skipped.
			}
		}
		return found;
	}

	static List<String> deadThreadLines(String name, String text) {
		List<String> found = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.contains("OutOfMemoryError") || line.contains("Exception in thread")) {
				found.add(name + ": " + line.strip());
			}
		}
		return found;
	}

}
