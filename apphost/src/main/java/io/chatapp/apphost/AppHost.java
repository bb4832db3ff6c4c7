package io.chatapp.apphost;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.stream.Collectors;

import io.chatapp.hosting.AppHostRunner;
import io.chatapp.hosting.ComputeResources;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.KafkaResource;
import io.chatapp.hosting.PostgresResource;
import io.chatapp.hosting.Profile;
import io.chatapp.hosting.ProjectResource;
import io.chatapp.hosting.Resource;
import io.chatapp.hosting.ResourceState;

/**
 * Starts the whole of ChatApp on one machine with only a JDK: a real Kafka broker (or a
 * cluster of them), a real PostgreSQL, the migration job and every service, wired
 * together through environment variables. Reads like eShop's AppHost {@code Program.cs}:
 * infrastructure, then the migration job, then the services, each with its references and
 * waits.
 *
 * <p>
 * The hosting library runs it: Ctrl-C stops everything (services first, then Kafka, then
 * PostgreSQL), and the dashboard (http://127.0.0.1:18888) shows the resources, their logs
 * and telemetry, and Kafka. Settings: see {@link AppHostOptions} and the module README.
 */
public final class AppHost {

	private AppHost() {
	}

	public static void main(String[] args) throws InterruptedException {
		AppHostRunner.run(args, AppHostOptions.parser(), AppHost::build, AppHost::printWhereToChat);
	}

	/**
	 * The ChatApp resource model.
	 * @param options ports, data directory, external infrastructure, replicas
	 * @return the model, not yet started
	 */
	public static DistributedApplication build(HostOptions options) {
		DistributedApplication.Builder builder = DistributedApplication.builder(options)
			.name("ChatApp")
			.version(version());

		// Infrastructure: real Kafka and PostgreSQL servers started from Maven artifacts
		// (no Docker), or existing ones when the configuration names them; the services
		// cannot tell the difference. With --kafka.brokers=3 Kafka is a cluster (kafka,
		// kafka-2, kafka-3) whose topics keep three replicas, so one broker may die.
		KafkaResource kafka = options.find("kafka.bootstrap-servers")
			.map((servers) -> builder.addExternalKafka("kafka", servers))
			.orElseGet(() -> builder.addKafka("kafka", options.port("kafka.port", 9092),
					options.port("kafka.controller-port", 9093), options.brokers("kafka.brokers")));

		PostgresResource postgres = options.find("postgres.url")
			.map((url) -> builder.addExternalPostgres("postgres", url, options.get("postgres.username", "postgres"),
					options.get("postgres.password", "")))
			.orElseGet(() -> builder.addPostgres("postgres", options.port("postgres.port", 55432)));

		// Each service logs in with its own role, which may use only its own schema.
		String usersDbPassword = options.get("users-db-password", environment("USERS_DB_PASSWORD", "users_app"));
		String chatsDbPassword = options.get("chats-db-password", environment("CHATS_DB_PASSWORD", "chats_app"));

		// The migration job creates the schemas and roles, applies the migrations and
		// exits. It is the only process that logs in as the administrator, and everything
		// that uses the database waits for it to finish with exit code 0.
		DistributedApplication.ProjectBuilder migration = builder
			.addJob("db-migration", builder.jar("db-migration", "exec"))
			.withReference(postgres.asAdministrator())
			.withEnvironment("USERS_DB_PASSWORD", usersDbPassword)
			.withEnvironment("CHATS_DB_PASSWORD", chatsDbPassword)
			.withComputeResources(new ComputeResources("250m", "384Mi", "1", "512Mi"))
			.waitFor(postgres);

		// Services. Their compute resources are what a deployment reserves and caps
		// (--publish), not the AppHost's own limits: from each service's resident memory
		// under the benchmarks with its heap sized as in a container of that limit
		// (apphost/README.md). chats-api holds the live sockets and needs the most:
		// 20,000 of them took 1,440 MiB.
		DistributedApplication.ProjectBuilder usersApi = builder.addService("users-api", builder.jar("users-api"))
			.withHttpEndpoint(options.port("users-api.port", 5002))
			.withEndpoint("grpc", "grpc", options.port("users-api.grpc-port", 5003), "SPRING_GRPC_SERVER_PORT")
			.withReference(postgres.login("users_app", usersDbPassword))
			.withReference(kafka)
			.withComputeResources(new ComputeResources("250m", "512Mi", "1", "1Gi"))
			.withReplicas(options.replicas("users-api"))
			.waitFor(kafka)
			.waitForCompletion(migration);

		// The chats services do not wait for users-api: they fetch its JWKS and open the
		// gRPC channel on first use, so all three start side by side.
		String usersGrpcTarget = "static://" + usersApi.endpoint("grpc").address();
		String usersJwks = usersApi.endpoint("http").url() + "/.well-known/jwks.json";

		DistributedApplication.ProjectBuilder chatsApi = builder.addService("chats-api", builder.jar("chats-api"))
			.withHttpEndpoint(options.port("chats-api.port", 5001))
			.withReference(postgres.login("chats_app", chatsDbPassword))
			.withReference(kafka)
			.withEnvironment("SPRING_GRPC_CLIENT_CHANNEL_USERS_TARGET", usersGrpcTarget)
			.withEnvironment("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI", usersJwks)
			.withComputeResources(new ComputeResources("500m", "1Gi", "2", "2Gi"))
			.withReplicas(options.replicas("chats-api"))
			.waitFor(kafka)
			.waitForCompletion(migration);
		if (options.profile() == Profile.PRODUCTION) {
			// Sized like a production instance: its 1 GiB heap holds this many idle
			// sockets (docs/benchmarks), and Tomcat accepts that many connections.
			chatsApi.withEnvironment("CHATAPP_CHATS_LIVE_MAXSOCKETS", "20000")
				.withEnvironment("SERVER_TOMCAT_MAXCONNECTIONS", "21000");
		}

		DistributedApplication.ProjectBuilder chatsWorker = builder
			.addService("chats-worker", builder.jar("chats-worker"))
			.withHttpEndpoint(options.port("chats-worker.port", 5004))
			.withReference(postgres.login("chats_app", chatsDbPassword))
			.withReference(kafka)
			.withEnvironment("SPRING_GRPC_CLIENT_CHANNEL_USERS_TARGET", usersGrpcTarget)
			.withComputeResources(new ComputeResources("500m", "512Mi", "2", "1Gi"))
			.withReplicas(options.replicas("chats-worker"))
			.waitFor(kafka)
			.waitForCompletion(migration);
		if (options.profile() == Profile.PRODUCTION) {
			// Each event is a durable commit, which waits for the disk: one consumer
			// thread per listener would cap the worker at one commit per disk flush.
			// Four per listener share the 12 partitions and their flushes.
			chatsWorker.withEnvironment("SPRING_KAFKA_LISTENER_CONCURRENCY", "4")
				.withEnvironment("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "10");
		}

		// The browser's single origin: the chat client's files, the API routes and the
		// /ws
		// relay. It balances over every chats-api replica, so it gets all their URLs. It
		// waits for nothing: until a service is up, its routes answer 503 with
		// Retry-After.
		builder.addService("web", builder.jar("web"))
			.withHttpEndpoint(options.port("web.port", 5000))
			.withComputeResources(new ComputeResources("250m", "384Mi", "1", "512Mi"))
			.withEnvironment("CHATAPP_GATEWAY_USERSAPIURL", usersApi.endpoint("http").url())
			.withEnvironment("CHATAPP_GATEWAY_CHATSAPIURLS",
					chatsApi.replicaEndpoints("http")
						.stream()
						.map(ProjectResource.Endpoint::url)
						.collect(Collectors.joining(",")));

		return builder.build();
	}

	private static String environment(String variable, String defaultValue) {
		String value = System.getenv(variable);
		return (value != null && !value.isBlank()) ? value : defaultValue;
	}

	/** The services' jars are built in this checkout with the AppHost's own version. */
	private static String version() {
		try (InputStream in = AppHost.class.getResourceAsStream("build.properties")) {
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException | NullPointerException ex) {
			throw new IllegalStateException("build.properties missing from the AppHost jar", ex);
		}
	}

	private static void printWhereToChat(DistributedApplication app) {
		app.resource("web")
			.map(Resource::snapshot)
			.filter((web) -> web.state() == ResourceState.HEALTHY && !web.endpoints().isEmpty())
			.ifPresent((web) -> System.out
				.print(String.format("%n[apphost] Chat in your browser: %s%n%n", web.endpoints().get(0))));
	}

}
