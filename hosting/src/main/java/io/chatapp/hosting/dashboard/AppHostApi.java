package io.chatapp.hosting.dashboard;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.chatapp.hosting.DistributedApplication;

/**
 * {@code GET /api/apphost}: the AppHost itself, for scripts and benchmarks: its process,
 * the profile the system runs with, and how long it took from the AppHost's JVM start
 * until every resource was ready ({@code readyInMs}, {@code null} while starting). For
 * the pages: the application's {@code name} and its {@code services} in the model's
 * order, which gives each its colour.
 */
final class AppHostApi extends JsonApi {

	private final DistributedApplication app;

	AppHostApi(DistributedApplication app) {
		this.app = app;
	}

	@Override
	Response handle(Request request) {
		if (!request.isGet()) {
			throw ApiException.methodNotAllowed(request.method());
		}
		if (!request.segments().isEmpty()) {
			throw ApiException.notFound("No such AppHost resource");
		}
		RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
		Instant jvmStart = Instant.ofEpochMilli(runtime.getStartTime());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", this.app.name());
		body.put("services", this.app.services());
		body.put("pid", ProcessHandle.current().pid());
		body.put("profile", this.app.profile().label());
		body.put("startedAt", jvmStart.toString());
		body.put("readyAt", this.app.readyAt().map(Instant::toString).orElse(null));
		body.put("readyInMs",
				this.app.readyAt().map((ready) -> ready.toEpochMilli() - jvmStart.toEpochMilli()).orElse(null));
		body.put("java", Runtime.version().toString());
		body.put("jvmArgs", runtime.getInputArguments());
		return Response.ok(body);
	}

}
