package io.chatapp.hosting;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Child processes: starting one with its output captured, stopping a whole process tree,
 * and checking ports.
 */
final class Processes {

	private Processes() {
	}

	/**
	 * The {@code java} launcher of the JDK the AppHost runs on; children use the same
	 * JDK.
	 * @return the launcher's path
	 */
	static String javaLauncher() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * Starts a process whose stdout and stderr go, line by line, to a resource log.
	 * @param command the command line
	 * @param environment variables added to (and overriding) the AppHost's own
	 * @param workingDirectory the working directory
	 * @param log where its output goes
	 * @return the started process
	 */
	static Child start(List<String> command, Map<String, String> environment, Path workingDirectory, ResourceLog log) {
		ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			Thread pump = new Thread(() -> pump(process, log), "output-" + process.pid());
			pump.setDaemon(true);
			pump.start();
			return new Child(process, pump);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + String.join(" ", command), ex);
		}
	}

	private static void pump(Process process, ResourceLog log) {
		pump(process.getInputStream(), log);
	}

	/**
	 * Copies output line by line into a log until it ends. Never holds more than one line
	 * of {@link ResourceLog#MAX_LINE_LENGTH} characters (a longer line is cut, the rest
	 * read and dropped), and survives any error but the end of the output: a pump that
	 * stopped reading would block the process once the pipe is full.
	 * @param output the process's output
	 * @param log where the lines go
	 */
	static void pump(InputStream output, ResourceLog log) {
		LineReader lines = new LineReader(new InputStreamReader(output, StandardCharsets.UTF_8));
		int failures = 0;
		while (true) {
			try {
				String line = lines.next();
				if (line == null) {
					return;
				}
				log.append(line);
				failures = 0;
			}
			catch (IOException ex) {
				// The process is gone; its exit is reported elsewhere.
				return;
			}
			catch (Throwable ex) {
				// E.g. out of memory elsewhere in the AppHost: the line is lost, the pump
				// goes on. Should it keep failing, the output is only drained.
				if (++failures >= 100) {
					drain(output);
					return;
				}
			}
		}
	}

	private static void drain(InputStream output) {
		try {
			output.transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException | RuntimeException ex) {
			// Gone.
		}
	}

	/**
	 * Lines of at most {@link ResourceLog#MAX_LINE_LENGTH} characters, ended by
	 * {@code \n} or {@code \r\n}; the characters beyond are counted, not kept.
	 */
	static final class LineReader {

		private final Reader reader;

		private final char[] buffer = new char[8192];

		private int position;

		private int limit;

		LineReader(Reader reader) {
			this.reader = reader;
		}

		/**
		 * The next line.
		 * @return the line without its line break, or {@code null} at the end
		 * @throws IOException when reading fails
		 */
		String next() throws IOException {
			StringBuilder line = new StringBuilder();
			long dropped = 0;
			boolean any = false;
			char last = 0;
			while (true) {
				if (this.position == this.limit) {
					this.limit = this.reader.read(this.buffer);
					this.position = 0;
					if (this.limit <= 0) {
						this.limit = 0;
						return any ? ResourceLog.cut(line.toString(), dropped) : null;
					}
				}
				any = true;
				int start = this.position;
				while (this.position < this.limit && this.buffer[this.position] != '\n') {
					this.position++;
				}
				int room = ResourceLog.MAX_LINE_LENGTH - line.length();
				int length = this.position - start;
				line.append(this.buffer, start, Math.min(room, length));
				dropped += Math.max(0, length - room);
				if (length > 0) {
					last = this.buffer[this.position - 1];
				}
				if (this.position < this.limit) {
					this.position++;
					if (last == '\r') {
						// A \r\n line break: the \r is the last character kept or
						// dropped.
						if (dropped > 0) {
							dropped--;
						}
						else {
							line.setLength(line.length() - 1);
						}
					}
					return ResourceLog.cut(line.toString(), dropped);
				}
			}
		}

	}

	/**
	 * Stops a process and everything it started: a polite SIGTERM first (Spring Boot
	 * shuts down gracefully, Kafka closes its logs cleanly), then SIGKILL for whatever is
	 * left after the grace period.
	 * @param root the process at the top of the tree
	 * @param grace how long to wait for a clean exit
	 */
	static void stopTree(ProcessHandle root, Duration grace) {
		// Collected before the root exits: its children are re-parented once it is gone.
		List<ProcessHandle> tree = new ArrayList<>();
		tree.add(root);
		root.descendants().forEach(tree::add);
		tree.forEach(ProcessHandle::destroy);
		long deadline = System.nanoTime() + grace.toNanos();
		for (ProcessHandle handle : tree) {
			long left = deadline - System.nanoTime();
			if (left > 0) {
				awaitExit(handle, Duration.ofNanos(left));
			}
		}
		for (ProcessHandle handle : tree) {
			if (handle.isAlive()) {
				handle.destroyForcibly();
				awaitExit(handle, Duration.ofSeconds(5));
			}
		}
	}

	private static void awaitExit(ProcessHandle handle, Duration timeout) {
		try {
			handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Still alive: the caller escalates.
		}
	}

	/**
	 * Whether a port on 127.0.0.1 can be bound now.
	 * @param port the port
	 * @return {@code true} if nothing listens on it
	 */
	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Whether something accepts connections on a host and port.
	 * @param host the host
	 * @param port the port
	 * @return {@code true} if a connection succeeded
	 */
	static boolean accepts(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 250);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * A started process and the thread copying its output.
	 *
	 * @param process the process
	 * @param output the thread that copies its output into the resource log
	 */
	record Child(Process process, Thread output) {

		/**
		 * Waits (briefly) until the output of an exited process is all in the log, so an
		 * error message can quote its last lines.
		 */
		void awaitOutput() {
			try {
				this.output.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new HostingException("Interrupted", ex);
		}
	}

}
