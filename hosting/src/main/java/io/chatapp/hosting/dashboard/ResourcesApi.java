package io.chatapp.hosting.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostingException;
import io.chatapp.hosting.ResourceDetails;
import io.chatapp.hosting.ResourceSnapshot;
import io.chatapp.hosting.ResourceState;

/**
 * {@code /api/resources}: every resource with its state, health, start time and
 * endpoints, and {@code POST /api/resources/{name}/start|stop|restart}. Stopping takes up
 * to the grace period of the process, so stop and restart run in the background and
 * answer 202; the state shows the progress.
 */
final class ResourcesApi extends JsonApi {

	/** States in which a resource has (or is getting) a running process. */
	private static final Set<ResourceState> ACTIVE = EnumSet.of(ResourceState.STARTING, ResourceState.RUNNING,
			ResourceState.HEALTHY, ResourceState.UNHEALTHY);

	/** States from which Start makes sense; starting twice would launch two processes. */
	private static final Set<ResourceState> STARTABLE = EnumSet.of(ResourceState.NOT_STARTED, ResourceState.EXITED,
			ResourceState.FAILED_TO_START);

	private static final List<String> ACTIONS = List.of("start", "stop", "restart");

	private final DistributedApplication app;

	private final Executor background;

	private final Map<String, ResourceState> lastStates = new ConcurrentHashMap<>();

	private final Map<String, Instant> startTimes = new ConcurrentHashMap<>();

	private final Map<String, Instant> stopTimes = new ConcurrentHashMap<>();

	private final Map<String, String> actionErrors = new ConcurrentHashMap<>();

	private final Set<String> busy = ConcurrentHashMap.newKeySet();

	private final Map<String, Integer> starts = new ConcurrentHashMap<>();

	private final ErrorCounter errors;

	ResourcesApi(DistributedApplication app, Executor background, ErrorCounter errors) {
		this.app = app;
		this.background = background;
		this.errors = errors;
		app.addListener(this::stateChanged);
	}

	/**
	 * Start and stop times come from the state changes: the dashboard starts before the
	 * resources, so it sees every one.
	 */
	private void stateChanged(ResourceSnapshot snapshot) {
		ResourceState previous = this.lastStates.put(snapshot.name(), snapshot.state());
		boolean wasActive = previous != null && ACTIVE.contains(previous);
		boolean isActive = ACTIVE.contains(snapshot.state());
		if (isActive && !wasActive) {
			this.startTimes.put(snapshot.name(), Instant.now());
			this.starts.merge(snapshot.name(), 1, Integer::sum);
			this.stopTimes.remove(snapshot.name());
		}
		else if (!isActive && wasActive) {
			this.stopTimes.put(snapshot.name(), Instant.now());
		}
	}

	@Override
	Response handle(Request request) {
		List<String> path = request.segments();
		if (path.isEmpty()) {
			requireGet(request);
			return Response.ok(Map.of("items", this.app.resources().stream().map(this::describe).toList()));
		}
		ResourceSnapshot resource = find(path.get(0));
		if (path.size() == 1) {
			requireGet(request);
			Map<String, Object> item = describe(resource);
			item.putAll(details(resource));
			return Response.ok(item);
		}
		if (path.size() == 2) {
			if (!request.isPost()) {
				throw ApiException.methodNotAllowed(request.method());
			}
			return act(resource, path.get(1));
		}
		throw ApiException.notFound("No such resource path: " + String.join("/", path));
	}

	private static void requireGet(Request request) {
		if (!request.isGet()) {
			throw ApiException.methodNotAllowed(request.method());
		}
	}

	private ResourceSnapshot find(String name) {
		return this.app.resources()
			.stream()
			.filter((resource) -> resource.name().equals(name))
			.findFirst()
			.orElseThrow(() -> ApiException.notFound("No resource named " + name));
	}

	private Response act(ResourceSnapshot resource, String action) {
		String name = resource.name();
		if (!ACTIONS.contains(action)) {
			throw ApiException.notFound("Unknown action " + action + "; use one of " + ACTIONS);
		}
		if (!allowed(resource).get(action)) {
			throw new ApiException(409, "Cannot " + action + " " + name + " while it is "
					+ resource.state().label().toLowerCase(Locale.ROOT) + (this.busy.contains(name) ? " (busy)" : ""));
		}
		if (!this.busy.add(name)) {
			throw new ApiException(409, name + " is busy with another action");
		}
		this.actionErrors.remove(name);
		if (action.equals("start")) {
			try {
				this.app.start(name);
			}
			catch (HostingException | IllegalArgumentException ex) {
				throw new ApiException(409, ex.getMessage());
			}
			finally {
				this.busy.remove(name);
			}
		}
		else {
			this.background.execute(() -> {
				try {
					this.app.stop(name);
					if (action.equals("restart")) {
						this.app.start(name);
					}
				}
				catch (RuntimeException ex) {
					this.actionErrors.put(name, action + " failed: " + ex.getMessage());
				}
				finally {
					this.busy.remove(name);
				}
			});
		}
		return Response.accepted(Map.of("name", name, "action", action));
	}

	private Map<String, Boolean> allowed(ResourceSnapshot resource) {
		boolean idle = !this.busy.contains(resource.name());
		boolean startable = STARTABLE.contains(resource.state());
		boolean running = ACTIVE.contains(resource.state()) || !resource.pids().isEmpty();
		Map<String, Boolean> allowed = new LinkedHashMap<>();
		allowed.put("start", idle && startable);
		allowed.put("stop", idle && (running || resource.state() == ResourceState.WAITING));
		allowed.put("restart", idle && (running || startable));
		return allowed;
	}

	private Map<String, Object> describe(ResourceSnapshot resource) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("name", resource.name());
		item.put("type", resource.type());
		item.put("kind", switch (resource.type()) {
			case "service" -> "project";
			case "job" -> "job";
			default -> "infrastructure";
		});
		item.put("state", resource.state().name());
		item.put("stateLabel", label(resource));
		item.put("detail", resource.detail());
		item.put("health", switch (resource.state()) {
			case HEALTHY -> "Healthy";
			case UNHEALTHY -> "Unhealthy";
			case STARTING -> "Checking";
			default -> null;
		});
		item.put("waitingFor", (resource.state() == ResourceState.WAITING && resource.detail().startsWith("for "))
				? Arrays.asList(resource.detail().substring(4).split(",\\s*")) : List.of());
		item.put("exitCode", resource.exitCode());
		item.put("startTime", timestamp(this.startTimes.get(resource.name())));
		item.put("stopTime", timestamp(this.stopTimes.get(resource.name())));
		item.put("pids", resource.pids());
		item.put("endpoints", resource.endpoints().stream().map(ResourcesApi::endpoint).toList());
		item.put("actions", allowed(resource));
		item.put("busy", this.busy.contains(resource.name()));
		item.put("actionError", this.actionErrors.get(resource.name()));
		item.put("restarts", Math.max(0, this.starts.getOrDefault(resource.name(), 0) - 1));
		Instant started = this.startTimes.get(resource.name());
		item.put("errorCount",
				(this.errors != null && started != null) ? this.errors.since(resource.name(), started) : null);
		return item;
	}

	/**
	 * What the details panel adds: how the process was started and how its last health
	 * check went. Secret values are sent (the panel reveals them on a click, the
	 * dashboard is loopback-only or behind its token) but flagged, so they are masked by
	 * default.
	 */
	private Map<String, Object> details(ResourceSnapshot resource) {
		ResourceDetails details = this.app.resource(resource.name()).orElseThrow().details();
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("service", details.service());
		item.put("replicas",
				this.app.resources()
					.stream()
					.filter((other) -> this.app.resource(other.name())
						.map((candidate) -> candidate.details().service().equals(details.service()))
						.orElse(false))
					.map(ResourceSnapshot::name)
					.toList());
		List<Map<String, Object>> environment = new ArrayList<>();
		details.environment().forEach((name, value) -> environment.add(secretAware(name, value)));
		item.put("environment", environment);
		List<Map<String, Object>> arguments = new ArrayList<>();
		for (String argument : details.commandLine()) {
			int equals = argument.indexOf('=');
			arguments.add(secretAware((equals > 0) ? argument.substring(0, equals) : "", argument));
		}
		item.put("commandLine", arguments);
		item.put("workingDirectory",
				(details.workingDirectory() != null) ? details.workingDirectory().toString() : null);
		item.put("logFile", (details.logFile() != null) ? details.logFile().toString() : null);
		ResourceDetails.HealthCheck health = details.health();
		if (health != null) {
			Map<String, Object> check = new LinkedHashMap<>();
			check.put("healthy", health.healthy());
			check.put("target", health.target());
			check.put("status", health.status());
			check.put("body", health.body());
			check.put("error", health.error());
			check.put("time", health.time().toString());
			item.put("healthCheck", check);
		}
		else {
			item.put("healthCheck", null);
		}
		return item;
	}

	private static Map<String, Object> secretAware(String name, String value) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("name", name);
		entry.put("value", value);
		entry.put("secret", isSecret(name));
		return entry;
	}

	/**
	 * Passwords, tokens, signing keys and credentials, by the name they are given under:
	 * {@code SPRING_DATASOURCE_PASSWORD}, {@code --dashboard.token=...},
	 * {@code APP_JWT_SIGNING_KEY}.
	 */
	static boolean isSecret(String name) {
		String upper = name.toUpperCase(Locale.ROOT);
		return SECRET_WORDS.stream().anyMatch(upper::contains);
	}

	private static final List<String> SECRET_WORDS = List.of("PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL",
			"PRIVATE", "SIGNING", "API_KEY", "APIKEY", "_KEY", ".KEY", "-KEY");

	/**
	 * Counts a resource's ERROR log records for the badge on its row.
	 */
	@FunctionalInterface
	interface ErrorCounter {

		/**
		 * @param resource the resource name
		 * @param since the earliest record time counted
		 * @return how many there are
		 */
		int since(String resource, Instant since);

	}

	private static String label(ResourceSnapshot resource) {
		if (resource.state() == ResourceState.EXITED && resource.exitCode() != null) {
			return "Exited (" + resource.exitCode() + ")";
		}
		return resource.state().label();
	}

	/**
	 * HTTP endpoints become links; other addresses (Kafka, JDBC, gRPC) are shown as text.
	 */
	private static Map<String, Object> endpoint(String address) {
		Map<String, Object> endpoint = new LinkedHashMap<>();
		endpoint.put("address", address);
		endpoint.put("href", (address.startsWith("http://") || address.startsWith("https://")) ? address : null);
		return endpoint;
	}

	private static String timestamp(Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

}
