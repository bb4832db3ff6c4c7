package io.chatapp.hosting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

import io.chatapp.hosting.dashboard.Dashboard;
import io.chatapp.hosting.publish.Publisher;

/**
 * An AppHost's {@code main}: reads the options, builds the application's model, starts
 * the dashboard and then the resources, prints a summary and runs until Ctrl-C, which
 * stops everything (services first, then Kafka, then PostgreSQL).
 *
 * <p>
 * With {@code --publish=kubernetes|compose} it writes the model out as deployment files
 * (see {@link Publisher}) and exits 0, starting nothing.
 *
 * <p>
 * Exit status 2: a bad command line or model (or a model that cannot be published),
 * before anything starts; 1: a resource failed to start (its last log lines are printed).
 */
public final class AppHostRunner {

	private AppHostRunner() {
	}

	/**
	 * Runs the model until the process is stopped.
	 * @param args the command line
	 * @param parser the library's options and the application's
	 * @param model describes the application's resources from the options
	 * @param whenUp called after the summary, once every resource that can start is
	 * ready: e.g. where to open the application
	 * @throws InterruptedException when interrupted while running
	 */
	public static void run(String[] args, HostOptions.Parser parser,
			Function<HostOptions, DistributedApplication> model, Consumer<DistributedApplication> whenUp)
			throws InterruptedException {
		long begin = System.nanoTime();
		if (HostOptions.helpRequested(args)) {
			System.out.print(parser.help(resourceNames(model)));
			return;
		}
		DistributedApplication app;
		HostOptions options;
		try {
			options = parser.parse(args);
			if (options.find("publish").isPresent()) {
				publish(options, model);
				return;
			}
			app = model.apply(options);
		}
		catch (HostingException ex) {
			// A typo must not start the system with defaults.
			System.err.println("[apphost] " + ex.getMessage());
			System.err.println("[apphost] " + parser.usage());
			System.err.println("[apphost] " + parser.hint());
			System.exit(2);
			return;
		}
		Dashboard dashboard = null;
		try {
			// The dashboard comes first: it shows the start as it happens, and its OTLP
			// receiver must be listening before the services begin to export.
			if (options.dashboardEnabled()) {
				dashboard = Dashboard.start(app, options);
				System.out.println("[apphost] Dashboard: " + dashboard.browserUrl());
			}
		}
		catch (HostingException ex) {
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
		catch (HostingException ex) {
			System.err.println("[apphost] " + ex.getMessage());
			app.stop();
			System.exit(1);
		}
		printSummary(app, dashboard, Duration.ofNanos(System.nanoTime() - begin));
		whenUp.accept(app);
		// Everything else runs on daemon threads; this keeps the AppHost alive.
		new CountDownLatch(1).await();
	}

	/**
	 * Writes the model for a deployment target instead of starting it. The local
	 * dashboard has no counterpart there, so its OTLP receiver is not wired in unless
	 * {@code --otlp.endpoint} names a collector.
	 */
	private static void publish(HostOptions options, Function<HostOptions, DistributedApplication> model) {
		String target = options.find("publish").orElseThrow();
		DistributedApplication app = model.apply(options.withDefault("dashboard.enabled", "false"));
		Map<String, String> files = Publisher.files(app, target, options.get("publish.registry", ""));
		List<String> problems = Publisher.validate(target, files);
		if (!problems.isEmpty()) {
			throw new HostingException(
					"The published files do not pass the offline validation:\n  " + String.join("\n  ", problems));
		}
		Path directory = options.find("output")
			.map(Path::of)
			.orElse(options.repositoryRoot().resolve("deploy").resolve(target))
			.toAbsolutePath()
			.normalize();
		Publisher.write(files, directory);
		System.out.printf(
				"[apphost] Published %s for %s: %s in %s (validated offline: every object parses and"
						+ " every reference resolves)%n",
				app.name(), target, String.join(", ", files.keySet()), directory);
	}

	/**
	 * The names {@code <name>} stands for in the help: the model as the defaults describe
	 * it, built but never started.
	 */
	private static List<String> resourceNames(Function<HostOptions, DistributedApplication> model) {
		try {
			return model.apply(HostOptions.of(Map.of())).services();
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	private static void printSummary(DistributedApplication app, Dashboard dashboard, Duration elapsed) {
		StringBuilder summary = new StringBuilder();
		summary
			.append(String.format("%n[apphost] %s is up in %.1f s (%s profile). Data: %s. Ctrl-C stops everything.%n",
					app.name(), elapsed.toMillis() / 1000.0, app.profile().label(), app.dataDirectory()));
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
		System.out.print(summary);
	}

}
