package io.chatapp.hosting;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.chatapp.testsupport.EmbeddedPostgresServer;

/**
 * PostgreSQL: either a real PostgreSQL 17 server started from the zonky binaries (data in
 * the data directory, trust authentication on 127.0.0.1) or an existing server named by a
 * JDBC URL and an administrator login.
 */
public final class PostgresResource extends Resource {

	private final String jdbcUrl;

	private final String adminUser;

	private final String adminPassword;

	private final int port;

	private EmbeddedPostgresServer server;

	private ScheduledFuture<?> tailer;

	private PostgresResource(String name, String jdbcUrl, String adminUser, String adminPassword, int port) {
		super(name);
		this.jdbcUrl = jdbcUrl;
		this.adminUser = adminUser;
		this.adminPassword = adminPassword;
		this.port = port;
	}

	static PostgresResource embedded(String name, int port) {
		return new PostgresResource(name, "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres",
				port);
	}

	static PostgresResource external(String name, String jdbcUrl, String adminUser, String adminPassword) {
		return new PostgresResource(name, jdbcUrl, adminUser, adminPassword, 0);
	}

	public boolean isExternal() {
		return this.port == 0;
	}

	public String jdbcUrl() {
		return this.jdbcUrl;
	}

	/**
	 * A reference that logs in as the administrator: for a migration job that creates
	 * schemas and roles, not for services.
	 * @return the reference
	 */
	public ConnectionReference asAdministrator() {
		return login(this.adminUser, this.adminPassword);
	}

	/**
	 * A reference that logs in as a service's own role.
	 * @param user the role
	 * @param password its password
	 * @return the reference
	 */
	public ConnectionReference login(String user, String password) {
		return () -> env("SPRING_DATASOURCE_URL", this.jdbcUrl, "SPRING_DATASOURCE_USERNAME", user,
				"SPRING_DATASOURCE_PASSWORD", password);
	}

	@Override
	public String type() {
		return "postgres";
	}

	@Override
	int stopTier() {
		return 2;
	}

	@Override
	Map<Integer, String> ports() {
		return isExternal() ? Map.of() : Map.of(this.port, name());
	}

	@Override
	public List<String> endpoints() {
		return List.of(this.jdbcUrl);
	}

	@Override
	synchronized List<Long> pids() {
		return (this.server != null) ? postmaster().map(ProcessHandle::pid).stream().toList() : List.of();
	}

	@Override
	void launch() {
		if (isExternal()) {
			setState(ResourceState.STARTING, "connecting to external " + this.jdbcUrl);
			awaitConnection(Duration.ofSeconds(30));
			setState(ResourceState.HEALTHY, "external " + this.jdbcUrl);
			return;
		}
		setState(ResourceState.STARTING, "starting PostgreSQL on port " + this.port);
		Path home = context().directoryOf(name());
		Path serverLog = context().dataDirectory().resolve("logs").resolve(name() + "-server.log");
		try {
			Files.createDirectories(serverLog.getParent());
			long offset = Files.exists(serverLog) ? Files.size(serverLog) : 0;
			startTailing(serverLog, offset);
			boolean production = context().profile() == Profile.PRODUCTION;
			EmbeddedPostgresServer started = EmbeddedPostgresServer.start(home, this.port, (builder) -> {
				if (production) {
					// Durable: a commit is acknowledged once its WAL is on disk (the
					// embedded server's own default is synchronous_commit=off).
					// Concurrent commits share one flush, and checkpoints are spread
					// out rather than forced by WAL volume under load.
					builder.setServerConfig("fsync", "on")
						.setServerConfig("synchronous_commit", "on")
						.setServerConfig("shared_buffers", "256MB")
						.setServerConfig("max_wal_size", "2GB");
				}
				// The AppHost stops PostgreSQL itself, last, after the services:
				// zonky's own shutdown hook would stop it while they still run.
				return builder.setRegisterShutdownHook(false)
					.setOutputRedirector(Redirect.appendTo(serverLog.toFile()))
					.setErrorRedirector(Redirect.appendTo(serverLog.toFile()));
			});
			synchronized (this) {
				this.server = started;
			}
			postmaster().ifPresent((handle) -> context().pidFile().add(name(), handle));
		}
		catch (IOException | RuntimeException ex) {
			throw new ResourceFailure(name() + " did not start: " + ex.getMessage(), log().tail(60));
		}
		setState(ResourceState.HEALTHY, this.jdbcUrl);
	}

	@Override
	void shutdown() {
		EmbeddedPostgresServer running;
		synchronized (this) {
			running = this.server;
			this.server = null;
		}
		if (running != null) {
			setState(ResourceState.STOPPING, "");
			Optional<ProcessHandle> postmaster = postmaster(running);
			running.close();
			postmaster.ifPresent((handle) -> {
				Processes.stopTree(handle, Duration.ofSeconds(10));
				context().pidFile().remove(handle);
			});
			setState(ResourceState.EXITED, "stopped");
		}
		if (this.tailer != null) {
			this.tailer.cancel(false);
		}
	}

	private Optional<ProcessHandle> postmaster() {
		EmbeddedPostgresServer running = this.server;
		return (running != null) ? postmaster(running) : Optional.empty();
	}

	/**
	 * The server's main process, from the pid file PostgreSQL keeps in its data
	 * directory.
	 */
	private static Optional<ProcessHandle> postmaster(EmbeddedPostgresServer server) {
		try {
			List<String> lines = Files.readAllLines(server.dataDirectory().resolve("postmaster.pid"));
			return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private void awaitConnection(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		SQLException last = null;
		DriverManager.setLoginTimeout(3);
		while (System.nanoTime() < deadline) {
			try (Connection connection = DriverManager.getConnection(this.jdbcUrl, this.adminUser,
					this.adminPassword)) {
				return;
			}
			catch (SQLException ex) {
				last = ex;
			}
			Processes.sleep(Duration.ofMillis(250));
		}
		throw new ResourceFailure(name() + ": cannot connect to " + this.jdbcUrl + " as " + this.adminUser + ": "
				+ ((last != null) ? last.getMessage() : "timed out"), List.of());
	}

	/**
	 * The server writes to a file (zonky hands it a redirect, not a pipe); new lines are
	 * copied into the resource log so they show on the console like every other
	 * resource's.
	 */
	private void startTailing(Path file, long offset) {
		long[] position = { offset };
		this.tailer = context().scheduler().scheduleWithFixedDelay(() -> {
			try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
				if (in.length() < position[0]) {
					position[0] = 0;
				}
				in.seek(position[0]);
				byte[] bytes = new byte[(int) Math.min(in.length() - position[0], 1 << 20)];
				in.readFully(bytes);
				String text = new String(bytes, StandardCharsets.UTF_8);
				int end = text.lastIndexOf('\n');
				if (end >= 0) {
					text.substring(0, end).lines().forEach(log()::append);
					position[0] += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
				}
			}
			catch (IOException ex) {
				// Not written yet.
			}
		}, 0, 200, TimeUnit.MILLISECONDS);
	}

}
