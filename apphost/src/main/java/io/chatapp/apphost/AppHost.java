package io.chatapp.apphost;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import io.chatapp.apphost.dashboard.Dashboard;

/**
 * Starts the whole of ChatApp on one machine with only a JDK: a real Kafka broker, a real
 * PostgreSQL, the migration job and every service, wired together through environment
 * variables. Reads like eShop's AppHost {@code Program.cs}: infrastructure, then the
 * migration job, then the services, each with its references and waits.
 *
 * <p>
 * Ctrl-C stops everything (services first, then Kafka, then PostgreSQL). The
 * {@link Dashboard} (http://127.0.0.1:18888) shows the resources, their logs and
 * telemetry, and Kafka. Settings: see {@link AppHostOptions} and the module README.
 */
public final class AppHost {

	private AppHost() {
	}

	public static void main(String[] args) throws InterruptedException {
		long begin = System.nanoTime();
		if (AppHostOptions.helpRequested(args)) {
			System.out.print(AppHostOptions.help());
			return;
		}
		AppHostOptions options;
		try {
			options = AppHostOptions.parse(args);
		}
		catch (AppHostException ex) {
			// A typo must not start the system with defaults.
			System.err.println("[apphost] " + ex.getMessage());
			System.err.println("[apphost] " + AppHostOptions.usage());
			System.err.println("[apphost] ./run.sh --help lists every option.");
			System.exit(2);
			return;
		}
		DistributedApplication app;
		Dashboard dashboard = null;
		try {
			app = build(options);
			// The dashboard comes first: it shows the start as it happens, and its OTLP
			// receiver must be listening before the services begin to export.
			if (options.dashboardEnabled()) {
				dashboard = Dashboard.start(app, options);
				System.out.println("[apphost] Dashboard: " + dashboard.browserUrl());
			}
		}
		catch (AppHostException ex) {
			System.err.println("[apphost] " + ex.getMessage());
			System.exit(2);
			return;
		}
		Dashboard started = dashboard;
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			app.stop();
			if (started != null) {
				started.close();
			}
		}, "apphost-stop"));
		try {
			app.start();
		}
		catch (AppHostException ex) {
			System.err.println("[apphost] " + ex.getMessage());
			app.stop();
			System.exit(1);
		}
		printSummary(app, dashboard, Duration.ofNanos(System.nanoTime() - begin));
		// Everything else runs on daemon threads; this keeps the AppHost alive.
		new CountDownLatch(1).await();
	}

	/**
	 * The ChatApp resource model.
	 * @param options ports, data directory, external infrastructure, replicas
	 * @return the model, not yet started
	 */
	public static DistributedApplication build(AppHostOptions options) {
		DistributedApplication.Builder builder = DistributedApplication.builder(options);

		// Infrastructure: real Kafka and PostgreSQL servers started from Maven artifacts
		// (no Docker), or existing ones when the configuration names them; the services
		// cannot tell the difference.
		KafkaResource kafka = options.find("kafka.bootstrap-servers")
			.map((servers) -> builder.addExternalKafka("kafka", servers))
			.orElseGet(() -> builder.addKafka("kafka", options.port("kafka.port", 9092),
					options.port("kafka.controller-port", 9093)));

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
			.waitFor(postgres);

		// Services.
		DistributedApplication.ProjectBuilder usersApi = builder.addService("users-api", builder.jar("users-api"))
			.withHttpEndpoint(options.port("users-api.port", 5002))
			.withEndpoint("grpc", "grpc", options.port("users-api.grpc-port", 5003), "SPRING_GRPC_SERVER_PORT")
			.withReference(postgres.login("users_app", usersDbPassword))
			.withReference(kafka)
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

	private static void printSummary(DistributedApplication app, Dashboard dashboard, Duration elapsed) {
		StringBuilder summary = new StringBuilder();
		summary.append(
				String.format("%n[apphost] ChatApp is up in %.1f s (%s profile). Data: %s. Ctrl-C stops everything.%n",
						elapsed.toMillis() / 1000.0, app.profile().label(), app.dataDirectory()));
		for (ResourceSnapshot resource : app.resources()) {
			String state = resource.state().label()
					+ ((resource.state() == ResourceState.EXITED) ? "(" + resource.exitCode() + ")" : "");
			String where = (resource.state() == ResourceState.UNAVAILABLE) ? resource.detail()
					: String.join(", ", resource.endpoints());
			summary.append(String.format("[apphost]   %-14s %-16s %s%n", resource.name(), state, where));
		}
		if (dashboard != null) {
			summary.append(String.format("[apphost] Dashboard: %s%n", dashboard.browserUrl()));
		}
		app.resource("web")
			.map(Resource::snapshot)
			.filter((web) -> web.state() == ResourceState.HEALTHY && !web.endpoints().isEmpty())
			.ifPresent((web) -> summary
				.append(String.format("%n[apphost] Chat in your browser: %s%n%n", web.endpoints().get(0))));
		System.out.print(summary);
	}

}
