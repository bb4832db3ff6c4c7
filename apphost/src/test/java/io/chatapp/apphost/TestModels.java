package io.chatapp.apphost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Options for models started by tests: free ports instead of the contract's (the
 * developer's own AppHost or other test suites may hold those), a data directory under
 * {@code target/}, and no console output (every resource's log is still written to
 * {@code <data dir>/logs}).
 */
final class TestModels {

	private static final Set<Integer> handedOut = new HashSet<>();

	private TestModels() {
	}

	static Map<String, String> options(String name) {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("data-dir", Path.of("target", "apphost-tests", name).toAbsolutePath().toString());
		options.put("fresh", "true");
		options.put("console", "false");
		options.put("startup-timeout", "120");
		// The dashboard's ports too: services export to otlp.http-port, and that
		// must not be the developer's own dashboard.
		for (String key : List.of("kafka.port", "kafka.controller-port", "postgres.port", "users-api.port",
				"users-api.grpc-port", "chats-api.port", "chats-worker.port", "web.port", "dashboard.port",
				"otlp.http-port", "otlp.grpc-port")) {
			options.put(key, Integer.toString(freePort()));
		}
		// Extra settings from the build, e.g.
		// -Dapphost.test.options="chats-api.enabled=false".
		String extra = System.getProperty("apphost.test.options", "");
		for (String setting : extra.trim().split("\\s+")) {
			String[] pair = setting.split("=", 2);
			if (pair.length == 2) {
				options.put(pair[0], pair[1]);
			}
		}
		return options;
	}

	static boolean jarExists(String module) {
		return Files.isRegularFile(jar(module));
	}

	static Path jar(String module) {
		return Path.of("..", module, "target", module + "-0.1.0-SNAPSHOT.jar");
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
	 * A port free now and not handed out before in this JVM, below Linux's ephemeral
	 * range (32768 and up): a port from that range, once released, can be taken at any
	 * moment as the local port of some outgoing connection, and then neither a restarted
	 * resource nor a check that stopping released it can bind it. Ports shift by 10 per
	 * replica, so the top of the range is left free.
	 */
	static synchronized int freePort() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int attempt = 0; attempt < 1_000; attempt++) {
			int port = random.nextInt(20_000, 32_000);
			if (!handedOut.contains(port) && isFree(port)) {
				handedOut.add(port);
				return port;
			}
		}
		throw new IllegalStateException("No free port between 20000 and 32000");
	}

}
