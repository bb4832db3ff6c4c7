package io.chatapp.apphost;

import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.HostOptions.Kind;

/**
 * ChatApp's own options, beside the hosting library's (profile, data directory, replicas,
 * the dashboard, ...): the ports of its resources, external Kafka and PostgreSQL, and the
 * database roles' passwords, which {@link AppHost#build} reads. See the module README for
 * every key.
 */
final class AppHostOptions {

	private AppHostOptions() {
	}

	/**
	 * The parser {@code main} reads the command line with.
	 * @return the library's options and ChatApp's
	 */
	static HostOptions.Parser parser() {
		return HostOptions.parser()
			.command("./run.sh",
					"[--no-build] [--fresh] [--profile=production] [--kafka.brokers=3] [--replicas NAME=N]"
							+ " [--publish=kubernetes|compose [--output=DIR]] [--KEY=VALUE ...]")
			.description(
					"Starts Kafka, PostgreSQL, the migration job and every service; the dashboard runs on :18888.\n"
							+ "--publish=kubernetes|compose writes the same model as manifests or a Compose file instead.")
			.footer("More in apphost/README.md.")
			.option("no-build", "", Kind.FLAG, "run.sh: start the jars already built, skip the Maven build")
			.option("kafka.port", "PORT", Kind.PORT, "embedded Kafka broker (9092)")
			.option("kafka.controller-port", "PORT", Kind.PORT, "embedded Kafka controller (9093)")
			.option("kafka.brokers", "N", Kind.BROKERS,
					"embedded Kafka brokers, 1-5 (1); 3 survive the loss of one; broker n on each port + 10*n")
			.option("kafka.bootstrap-servers", "HOST:PORT", Kind.TEXT, "use an existing Kafka, embed none")
			.option("postgres.port", "PORT", Kind.PORT, "embedded PostgreSQL (55432)")
			.option("postgres.url", "JDBC-URL", Kind.TEXT, "use an existing PostgreSQL, embed none")
			.option("postgres.username", "USER", Kind.TEXT, "administrator of the existing PostgreSQL")
			.option("postgres.password", "PASSWORD", Kind.TEXT, "its password")
			.option("users-api.port", "PORT", Kind.PORT, "users-api HTTP (5002)")
			.option("users-api.grpc-port", "PORT", Kind.PORT, "users-api gRPC (5003)")
			.option("chats-api.port", "PORT", Kind.PORT, "chats-api HTTP (5001)")
			.option("chats-worker.port", "PORT", Kind.PORT, "chats-worker HTTP (5004)")
			.option("web.port", "PORT", Kind.PORT, "web, the browser's origin (5000)")
			.option("users-db-password", "PASSWORD", Kind.TEXT,
					"users_app role password (env USERS_DB_PASSWORD, else users_app)")
			.option("chats-db-password", "PASSWORD", Kind.TEXT,
					"chats_app role password (env CHATS_DB_PASSWORD, else chats_app)");
	}

}
