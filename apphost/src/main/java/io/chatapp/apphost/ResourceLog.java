package io.chatapp.apphost;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A resource's output: the last lines in memory (bounded), every line in a file under the
 * data directory, and each line on the AppHost console prefixed with the resource name.
 */
public final class ResourceLog {

	private static final Object CONSOLE_LOCK = new Object();

	private final String prefix;

	private final int capacity;

	private final Deque<String> lines;

	private final PrintStream console;

	private BufferedWriter file;

	ResourceLog(String name, Path file, PrintStream console, int capacity) {
		this.prefix = "[" + name + "] ";
		this.capacity = capacity;
		this.lines = new ArrayDeque<>(capacity);
		this.console = console;
		if (file != null) {
			try {
				Files.createDirectories(file.getParent());
				this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new AppHostException("Cannot write the log file " + file, ex);
			}
		}
	}

	/**
	 * Adds one line of output.
	 * @param line the line, without its line break
	 */
	public synchronized void append(String line) {
		if (this.lines.size() == this.capacity) {
			this.lines.removeFirst();
		}
		this.lines.addLast(line);
		if (this.file != null) {
			try {
				this.file.write(line);
				this.file.newLine();
				// Flushed per line: after a crash the file must show the last words.
				this.file.flush();
			}
			catch (IOException ex) {
				this.file = null;
			}
		}
		if (this.console != null) {
			synchronized (CONSOLE_LOCK) {
				this.console.println(this.prefix + line);
			}
		}
	}

	/**
	 * The most recent lines kept in memory, oldest first.
	 * @param max how many at most
	 * @return the lines
	 */
	public synchronized List<String> tail(int max) {
		List<String> all = new ArrayList<>(this.lines);
		return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
	}

	synchronized void close() {
		if (this.file != null) {
			try {
				this.file.close();
			}
			catch (IOException ex) {
				// Nothing more to write anyway.
			}
			this.file = null;
		}
	}

}
