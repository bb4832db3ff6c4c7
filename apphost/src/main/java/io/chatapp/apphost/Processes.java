package io.chatapp.apphost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				log.append(line);
			}
		}
		catch (IOException ex) {
			// The process is gone; its exit is reported elsewhere.
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
			throw new AppHostException("Interrupted", ex);
		}
	}

}
