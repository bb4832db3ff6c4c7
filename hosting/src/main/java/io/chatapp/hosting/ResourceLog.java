package io.chatapp.hosting;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A resource's output: the last lines in memory (at most {@code capacity} lines and about
 * {@value #MAX_BYTES} bytes), every line in a file under the data directory, and each
 * line on the AppHost console prefixed with the resource name. Lines longer than
 * {@value #MAX_LINE_LENGTH} characters are cut.
 *
 * <p>
 * Lines carry a sequence number shared by all resources, so the dashboard can interleave
 * the logs of every resource and tail them with "lines after n".
 */
public final class ResourceLog {

	/** Longest line kept, in characters; the rest is replaced by a note. */
	public static final int MAX_LINE_LENGTH = 8 * 1024;

	// Room for the note that a line was cut: " ... [<long> more characters]".
	private static final int NOTE_LENGTH = 48;

	/** Estimated heap size of the lines kept in memory per resource. */
	public static final long MAX_BYTES = 1L << 20;

	private static final Object CONSOLE_LOCK = new Object();

	/**
	 * Guards the shared sequence and every in-memory buffer, so that once a reader has
	 * seen number n, every line numbered up to n is in its buffer.
	 */
	private static final Object MEMORY_LOCK = new Object();

	private static long sequence;

	private final String prefix;

	private final int capacity;

	private final Deque<Line> lines;

	private final long maxBytes;

	private long bytes;

	private final PrintStream console;

	private BufferedWriter file;

	private final Path path;

	ResourceLog(String name, Path file, PrintStream console, int capacity) {
		this(name, file, console, capacity, MAX_BYTES);
	}

	ResourceLog(String name, Path file, PrintStream console, int capacity, long maxBytes) {
		this.prefix = "[" + name + "] ";
		this.capacity = capacity;
		this.maxBytes = maxBytes;
		this.lines = new ArrayDeque<>();
		this.console = console;
		this.path = file;
		if (file != null) {
			try {
				Files.createDirectories(file.getParent());
				this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new HostingException("Cannot write the log file " + file, ex);
			}
		}
	}

	/**
	 * Where every line is appended.
	 * @return the log file, or {@code null} for none
	 */
	public Path file() {
		return this.path;
	}

	/**
	 * Adds one line of output.
	 * @param line the line, without its line break
	 */
	public synchronized void append(String line) {
		if (line.length() > MAX_LINE_LENGTH + NOTE_LENGTH) {
			line = cut(line, 0);
		}
		long size = size(line);
		synchronized (MEMORY_LOCK) {
			this.lines.addLast(new Line(++sequence, Instant.now(), line));
			this.bytes += size;
			while (this.lines.size() > this.capacity || (this.bytes > this.maxBytes && this.lines.size() > 1)) {
				this.bytes -= size(this.lines.removeFirst().text());
			}
		}
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
	 * A line as kept: at most {@link #MAX_LINE_LENGTH} characters, then a note of how
	 * many more there were.
	 * @param line the line
	 * @param more characters already dropped beyond it
	 * @return the line to keep
	 */
	static String cut(String line, long more) {
		if (line.length() > MAX_LINE_LENGTH) {
			more += line.length() - MAX_LINE_LENGTH;
			line = line.substring(0, MAX_LINE_LENGTH);
		}
		return (more > 0) ? line + " ... [" + more + " more characters]" : line;
	}

	private static long size(String text) {
		return 80 + 2L * text.length();
	}

	/**
	 * The estimated heap size of the lines kept in memory.
	 * @return bytes
	 */
	long estimatedBytes() {
		synchronized (MEMORY_LOCK) {
			return this.bytes;
		}
	}

	/**
	 * The most recent lines kept in memory, oldest first.
	 * @param max how many at most
	 * @return the lines
	 */
	public List<String> tail(int max) {
		synchronized (MEMORY_LOCK) {
			return this.lines.stream().skip(Math.max(0, this.lines.size() - max)).map(Line::text).toList();
		}
	}

	/**
	 * The lines kept in memory numbered above {@code after} and up to {@code upTo}.
	 * @param after exclusive lower bound, 0 for all
	 * @param upTo inclusive upper bound, usually {@link #lastSequence()} read before
	 * @return the lines, oldest first
	 */
	public List<Line> lines(long after, long upTo) {
		synchronized (MEMORY_LOCK) {
			return this.lines.stream().filter((line) -> line.sequence() > after && line.sequence() <= upTo).toList();
		}
	}

	/**
	 * The number of the latest line of any resource: every line numbered up to it is
	 * already in its buffer.
	 * @return the latest sequence number, 0 before the first line
	 */
	public static long lastSequence() {
		synchronized (MEMORY_LOCK) {
			return sequence;
		}
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

	/**
	 * One line of output.
	 *
	 * @param sequence its number, increasing across all resources
	 * @param time when the AppHost read it
	 * @param text the line, without its line break
	 */
	public record Line(long sequence, Instant time, String text) {
	}

}
