package io.chatapp.hosting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The processes this AppHost started, kept in a file in the data directory. If an AppHost
 * dies without stopping its children (kill -9, a crash, a closed terminal), the next one
 * finds them here and stops them instead of failing on busy ports.
 *
 * <p>
 * Each line is {@code <pid> <start time in epoch ms> <name>}; the start time guards
 * against killing an unrelated process that got a recycled pid.
 */
final class PidFile {

	private static final String APPHOST = "apphost";

	private final Path file;

	private final Map<Long, String> entries = new LinkedHashMap<>();

	PidFile(Path file) {
		this.file = file;
	}

	Path path() {
		return this.file;
	}

	/**
	 * Stops the processes a previous AppHost left behind, then claims the file for this
	 * one.
	 * @param report told about every process stopped
	 * @throws HostingException if the previous AppHost is still running
	 */
	synchronized void takeOver(Consumer<String> report) {
		List<Entry> previous = read();
		for (Entry entry : previous) {
			if (entry.name().equals(APPHOST) && entry.handle().isPresent()
					&& entry.handle().get().pid() != ProcessHandle.current().pid()) {
				throw new HostingException(
						"Another AppHost (pid " + entry.pid() + ") is running with the data directory "
								+ this.file.getParent() + ". Stop it first, or use another --data-dir.");
			}
		}
		// Newest first: the services go before the infrastructure they hold connections
		// to.
		List<Entry> newestFirst = new ArrayList<>(previous);
		Collections.reverse(newestFirst);
		for (Entry entry : newestFirst) {
			if (!entry.name().equals(APPHOST)) {
				entry.handle().ifPresent((handle) -> {
					report.accept("stopping " + entry.name() + " (pid " + entry.pid()
							+ ") left running by a previous AppHost");
					Processes.stopTree(handle, Duration.ofSeconds(10));
				});
			}
		}
		this.entries.clear();
		this.entries.put(ProcessHandle.current().pid(), APPHOST);
		write();
	}

	synchronized void add(String name, ProcessHandle process) {
		this.entries.put(process.pid(), name);
		write();
	}

	synchronized void remove(ProcessHandle process) {
		if (this.entries.remove(process.pid()) != null) {
			write();
		}
	}

	synchronized void delete() {
		this.entries.clear();
		try {
			Files.deleteIfExists(this.file);
		}
		catch (IOException ex) {
			// A stale file is harmless: its processes are gone.
		}
	}

	/**
	 * The processes recorded in the file that are still alive.
	 * @return pids of live recorded processes, without the AppHost itself
	 */
	List<Long> liveChildren() {
		return read().stream()
			.filter((entry) -> !entry.name().equals(APPHOST))
			.filter((entry) -> entry.handle().isPresent())
			.map(Entry::pid)
			.toList();
	}

	private List<Entry> read() {
		if (!Files.exists(this.file)) {
			return List.of();
		}
		try {
			List<Entry> result = new ArrayList<>();
			for (String line : Files.readAllLines(this.file)) {
				String[] parts = line.trim().split(" ", 3);
				if (parts.length == 3) {
					result.add(new Entry(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]));
				}
			}
			return result;
		}
		catch (IOException | NumberFormatException ex) {
			return List.of();
		}
	}

	private void write() {
		StringBuilder text = new StringBuilder();
		this.entries.forEach((pid, name) -> ProcessHandle.of(pid)
			.ifPresent((handle) -> text.append(pid)
				.append(' ')
				.append(startMillis(handle))
				.append(' ')
				.append(name)
				.append('\n')));
		try {
			Files.createDirectories(this.file.getParent());
			Path temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
			Files.writeString(temp, text);
			Files.move(temp, this.file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
					java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + this.file, ex);
		}
	}

	private static long startMillis(ProcessHandle handle) {
		return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
	}

	private record Entry(long pid, long startMillis, String name) {

		/**
		 * The live process, if this pid still belongs to the process that was recorded.
		 */
		Optional<ProcessHandle> handle() {
			return ProcessHandle.of(this.pid)
				.filter(ProcessHandle::isAlive)
				.filter((handle) -> Math.abs(PidFile.startMillis(handle) - this.startMillis) < 1000);
		}

	}

}
