package io.chatapp.hosting.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.Resource;
import io.chatapp.hosting.ResourceLog;
import io.chatapp.hosting.ResourceSnapshot;

/**
 * {@code GET /api/logs/console?resource=&q=&after=&limit=}: the console output of one
 * resource or of all of them interleaved, in the order the AppHost read it. A live tail
 * asks again with {@code after} set to the {@code last} of the previous answer.
 */
final class ConsoleLogsApi extends JsonApi {

	private static final int DEFAULT_LIMIT = 1000;

	private static final int MAX_LIMIT = 10_000;

	private final DistributedApplication app;

	ConsoleLogsApi(DistributedApplication app) {
		this.app = app;
	}

	@Override
	Response handle(Request request) {
		if (!request.isGet()) {
			throw ApiException.methodNotAllowed(request.method());
		}
		if (!request.segments().isEmpty()) {
			throw ApiException.notFound("Use /api/logs/console?resource=&q=&after=");
		}
		String name = request.query("resource");
		String text = request.query("q");
		long after = request.queryLong("after", 0, 0, Long.MAX_VALUE);
		int limit = (int) request.queryLong("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
		List<String> names = this.app.resources().stream().map(ResourceSnapshot::name).toList();
		if (name != null && !names.contains(name)) {
			throw ApiException.notFound("No resource named " + name);
		}
		// Read the bound first: every line numbered up to it is already in its buffer.
		long last = ResourceLog.lastSequence();
		String needle = (text != null) ? text.toLowerCase(Locale.ROOT) : null;
		List<Map<String, Object>> items = new ArrayList<>();
		List<Entry> lines = new ArrayList<>();
		for (String resource : (name != null) ? List.of(name) : names) {
			ResourceLog log = this.app.resource(resource).map(Resource::log).orElse(null);
			if (log == null) {
				continue;
			}
			for (ResourceLog.Line line : log.lines(after, last)) {
				if (needle == null || line.text().toLowerCase(Locale.ROOT).contains(needle)) {
					lines.add(new Entry(resource, line));
				}
			}
		}
		lines.sort(Comparator.comparingLong((entry) -> entry.line().sequence()));
		for (Entry entry : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("seq", entry.line().sequence());
			item.put("time", entry.line().time().toString());
			item.put("resource", entry.resource());
			item.put("text", entry.line().text());
			items.add(item);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("items", items);
		body.put("last", last);
		body.put("truncated", lines.size() > limit);
		return Response.ok(body);
	}

	private record Entry(String resource, ResourceLog.Line line) {
	}

}
