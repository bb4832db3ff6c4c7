package io.chatapp.hosting.telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.chatapp.hosting.telemetry.LogStore.LogEntry;
import io.chatapp.hosting.telemetry.LogStore.Severity;
import io.chatapp.hosting.telemetry.MetricStore.Instrument;
import io.chatapp.hosting.telemetry.MetricStore.PointView;
import io.chatapp.hosting.telemetry.MetricStore.SeriesSet;
import io.chatapp.hosting.telemetry.MetricStore.SeriesView;
import io.chatapp.hosting.telemetry.TraceStore.Span;
import io.chatapp.hosting.telemetry.TraceStore.Summary;

/**
 * The JSON API over a {@link TelemetryStore}, for the dashboard pages and for scripts.
 * Mounted under any context path ({@code /api/telemetry} on the dashboard); all paths
 * below are relative to it. Only {@code GET}.
 *
 * <p>
 * Times are RFC 3339 in UTC with milliseconds ({@code 2026-01-02T03:04:05.678Z}),
 * durations are milliseconds as decimals, ids are lower-case hex. Resource names are the
 * AppHost's ({@code orders-api}, {@code orders-api-2} for a second replica); a
 * {@code service} or {@code resource} filter matches a resource name or a service name
 * (so {@code orders-api} also matches {@code orders-api-2}). Attribute values keep their
 * JSON type (string, number, boolean, array, object). Errors: status 400 (bad parameter),
 * 404 (unknown path, trace, resource or instrument) or 405, with {@code {"error":"..."}}.
 *
 * <p>
 * {@code GET /resources}: everyone who sent telemetry, by name. <pre>{@code
 * {"items":[{"name":"orders-api","service":"orders-api","instance":"orders-api",
 *            "attributes":{"service.name":"orders-api", ...}}]}
 * }</pre>
 *
 * <p>
 * {@code GET /traces?service=orders-api&attribute=http.route=/api/orders&sort=time&limit=100}:
 * traces newest first ({@code sort=duration}: longest first). {@code attribute} may
 * repeat; every one must be carried by some span of the trace. All parameters are
 * optional; {@code limit} is 1 to 10000 (default 100). <pre>{@code
 * {"items":[{"traceId":"4bf9...","rootName":"POST /api/orders","rootService":"orders-api",
 *            "services":["orders-api","customers-api"],"startTime":"2026-...Z","durationMs":12.345,
 *            "spanCount":7,"errorCount":0}]}
 * }</pre>
 *
 * <p>
 * {@code GET /traces/{traceId}}: the trace's spans ordered by start, together with the
 * spans of the traces it links to or is linked from (one level, e.g. a Kafka consumer's
 * trace and its producer's), so each span names its {@code traceId}. {@code service} is
 * {@code service.name}, {@code instance} the resource name (the replica).
 * {@code startOffsetMs} counts from the earliest span shown. {@code parentSpanId} is
 * empty for a root. {@code kind}: {@code SERVER}, {@code CLIENT}, {@code PRODUCER},
 * {@code CONSUMER}, {@code INTERNAL} or {@code UNSPECIFIED}; {@code status.code}:
 * {@code UNSET}, {@code OK} or {@code ERROR}. {@code logs} are the log records of every
 * trace shown (each names its trace and span), oldest first, at most the newest 1000, in
 * the shape of {@code /logs} items. 404 when the trace is unknown. <pre>{@code
 * {"traceId":"4bf9...","spans":[{"traceId":"4bf9...","spanId":"00f0...","parentSpanId":"",
 *   "name":"POST /api/orders","service":"orders-api","instance":"orders-api","kind":"SERVER",
 *   "scope":"io.opentelemetry...","startTime":"2026-...Z","startOffsetMs":0.0,
 *   "durationMs":12.345,"status":{"code":"UNSET","message":""},"attributes":{...},
 *   "events":[{"name":"exception","time":"2026-...Z","attributes":{...}}],
 *   "links":[{"traceId":"...","spanId":"...","attributes":{...}}]}],
 *  "logs":[{"time":"2026-...Z","resource":"orders-api","severity":"INFO","message":"...",
 *           "traceId":"4bf9...","spanId":"00f0...","scope":"...","attributes":{...}}]}
 * }</pre>
 *
 * <p>
 * {@code GET /logs?resource=orders-api&level=WARN&q=text&traceId=4bf9...&limit=200}: log
 * records newest first. {@code level} is the lowest severity shown, one of {@code TRACE},
 * {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}, {@code FATAL} (any case);
 * {@code q} is case-insensitive text in the message or an attribute value. All optional;
 * {@code limit} is 1 to 10000 (default 200). {@code traceId} and {@code spanId} are empty
 * for records outside a span; {@code scope} is usually the logger name. <pre>{@code
 * {"items":[{"time":"2026-...Z","resource":"orders-api","severity":"INFO",
 *            "message":"Started ...","traceId":"","spanId":"","scope":"com.example...",
 *            "attributes":{...}}]}
 * }</pre>
 *
 * <p>
 * {@code GET /metrics}: the instruments of each resource, sorted by name. {@code type}:
 * {@code gauge}, {@code sum}, {@code histogram}, {@code exponentialHistogram} or
 * {@code summary}; {@code unit} as the sender gave it (UCUM: {@code ms}, {@code By},
 * {@code {messages}}); {@code monotonic}: a sum that only grows (a counter);
 * {@code temporality}: {@code cumulative} or {@code delta} for sums and histograms;
 * {@code statistic}: what a chart shows, {@code rate} (per second, for counters),
 * {@code value} (gauges and other sums) or {@code percentiles} (histograms and
 * summaries). <pre>{@code
 * {"resources":{"orders-api":[{"name":"jvm.memory.used","unit":"By","description":"...",
 *   "type":"sum","monotonic":false,"temporality":"cumulative","statistic":"value"}]}}
 * }</pre>
 *
 * <p>
 * {@code GET /metrics/series?resource=orders-api&name=jvm.memory.used&since=2026-...Z}:
 * one instrument of one resource (an exact resource name) with the fields above, a series
 * per attribute set, points oldest first; {@code since} (optional, RFC 3339) leaves out
 * older points. {@code gap: true} marks a point after a silence of more than three export
 * intervals or after the series restarted (a new start time): charts break the line
 * there. For gauges and sums {@code value} is the reported value; an unchanged value is
 * kept as one stored point shown as two (first and last time it was reported), so charts
 * stay flat where the value did. For histograms and summaries each point covers the
 * interval since the previous one (cumulative data is turned into differences):
 * {@code count} and {@code sum} of that interval, {@code value} = {@code sum / count}
 * (the average), and for histograms with buckets (explicit or exponential) the estimated
 * {@code p50}, {@code p90} and {@code p99}, also under {@code percentiles}, which for
 * summaries holds the sender's own quantiles ({@code p95}, {@code p99.9}, ...); intervals
 * without measurements have no point. {@code resource} and {@code name} are required; 404
 * when unknown. <pre>{@code
 * {"name":"http.server.requests","unit":"s","type":"histogram","description":"...",
 *  "monotonic":false,"temporality":"cumulative","statistic":"percentiles",
 *  "series":[{"attributes":{"uri":"/api/orders"},
 *             "points":[{"time":"2026-...Z","value":0.012,"gap":true,"count":3,"sum":0.036,
 *                        "p50":0.01,"p90":0.02,"p99":0.025,
 *                        "percentiles":{"p50":0.01,"p90":0.02,"p99":0.025}}]}]}
 * }</pre>
 */
public final class TelemetryApi implements HttpHandler {

	private static final int MAX_LIMIT = 10_000;

	private static final int MAX_TRACE_LOGS = 1000;

	private final TelemetryStore store;

	/**
	 * The API over a store.
	 * @param store the telemetry to serve
	 */
	public TelemetryApi(TelemetryStore store) {
		this.store = store;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"GET".equals(exchange.getRequestMethod())) {
				exchange.getResponseHeaders().set("Allow", "GET");
				send(exchange, 405, error("Only GET is supported"));
				return;
			}
			String path = exchange.getRequestURI().getPath();
			String base = exchange.getHttpContext().getPath();
			String relative = path.startsWith(base) ? path.substring(base.length()) : path;
			if (relative.endsWith("/")) {
				relative = relative.substring(0, relative.length() - 1);
			}
			Query query = Query.parse(exchange.getRequestURI().getRawQuery());
			Response response;
			try {
				response = route(relative, query);
			}
			catch (BadRequest ex) {
				response = new Response(400, error(ex.getMessage()));
			}
			send(exchange, response.status, response.body);
		}
	}

	private Response route(String path, Query query) {
		if (path.equals("/resources")) {
			return ok(resources());
		}
		if (path.equals("/traces")) {
			return ok(traces(query));
		}
		if (path.startsWith("/traces/") && path.indexOf('/', "/traces/".length()) < 0) {
			String traceId = path.substring("/traces/".length());
			return trace(traceId).map(TelemetryApi::ok)
				.orElseGet(() -> new Response(404, error("No trace " + traceId)));
		}
		if (path.equals("/logs")) {
			return ok(logs(query));
		}
		if (path.equals("/metrics")) {
			return ok(instruments());
		}
		if (path.equals("/metrics/series")) {
			String resource = query.required("resource");
			String name = query.required("name");
			long since = query.time("since");
			return series(resource, name, since).map(TelemetryApi::ok)
				.orElseGet(() -> new Response(404, error("No instrument " + name + " of resource " + resource)));
		}
		return new Response(404, error("No such telemetry API: " + path));
	}

	private Map<String, Object> resources() {
		List<Object> items = new ArrayList<>();
		List<TelemetryResource> resources = this.store.resources();
		resources.sort(Comparator.comparing(TelemetryResource::name));
		for (TelemetryResource resource : resources) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("name", resource.name());
			item.put("service", resource.serviceName());
			item.put("instance", resource.instanceId());
			item.put("attributes", resource.attributes());
			items.add(item);
		}
		return Map.of("items", items);
	}

	private Map<String, Object> traces(Query query) {
		String sort = query.get("sort", "time");
		if (!sort.equals("time") && !sort.equals("duration")) {
			throw new BadRequest("sort must be time or duration");
		}
		Map<String, String> attributes = new LinkedHashMap<>();
		for (String attribute : query.all("attribute")) {
			int equals = attribute.indexOf('=');
			if (equals < 1) {
				throw new BadRequest("attribute must be key=value");
			}
			attributes.put(attribute.substring(0, equals), attribute.substring(equals + 1));
		}
		List<Object> items = new ArrayList<>();
		for (Summary summary : this.store.traces()
			.list(query.get("service", null), attributes, sort.equals("duration"), query.limit(100))) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("traceId", summary.traceId());
			item.put("rootName", summary.rootName());
			item.put("rootService", summary.rootService());
			item.put("services", summary.services());
			item.put("startTime", Json.time(summary.startNanos()));
			item.put("durationMs", Json.millis(summary.durationNanos()));
			item.put("spanCount", summary.spanCount());
			item.put("errorCount", summary.errorCount());
			items.add(item);
		}
		return Map.of("items", items);
	}

	private Optional<Map<String, Object>> trace(String traceId) {
		return this.store.traces().spans(traceId.toLowerCase(Locale.ROOT)).map((spans) -> {
			long origin = spans.stream().mapToLong(Span::startNanos).min().orElse(0);
			List<Object> items = new ArrayList<>();
			for (Span span : spans) {
				items.add(span(span, origin));
			}
			Map<String, Object> trace = new LinkedHashMap<>();
			trace.put("traceId", traceId.toLowerCase(Locale.ROOT));
			trace.put("spans", items);
			trace.put("logs", traceLogs(spans));
			return trace;
		});
	}

	private static Map<String, Object> span(Span span, long origin) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("traceId", span.traceId());
		item.put("spanId", span.spanId());
		item.put("parentSpanId", span.parentSpanId());
		item.put("name", span.name());
		item.put("service", span.resource().serviceName());
		item.put("instance", span.resource().name());
		item.put("kind", span.kind());
		item.put("scope", span.scope());
		item.put("startTime", Json.time(span.startNanos()));
		item.put("startOffsetMs", Json.millis(span.startNanos() - origin));
		item.put("durationMs", Json.millis(span.durationNanos()));
		item.put("status", Map.of("code", span.statusCode(), "message", span.statusMessage()));
		item.put("attributes", span.attributes());
		List<Object> events = new ArrayList<>();
		for (TraceStore.Event event : span.events()) {
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("name", event.name());
			one.put("time", Json.time(event.timeNanos()));
			one.put("attributes", event.attributes());
			events.add(one);
		}
		item.put("events", events);
		List<Object> links = new ArrayList<>();
		for (TraceStore.Link link : span.links()) {
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("traceId", link.traceId());
			one.put("spanId", link.spanId());
			one.put("attributes", link.attributes());
			links.add(one);
		}
		item.put("links", links);
		return item;
	}

	/**
	 * The log records of every trace shown, oldest first, at most
	 * {@value #MAX_TRACE_LOGS} (the newest).
	 */
	private List<Object> traceLogs(List<Span> spans) {
		Set<String> traceIds = new LinkedHashSet<>();
		spans.forEach((span) -> traceIds.add(span.traceId()));
		List<LogEntry> entries = new ArrayList<>();
		for (String id : traceIds) {
			entries.addAll(this.store.logs().find(null, Severity.TRACE, null, id, MAX_TRACE_LOGS));
		}
		entries.sort(Comparator.comparingLong(LogEntry::timeNanos).thenComparingLong(LogEntry::sequence));
		List<LogEntry> newest = entries.subList(Math.max(0, entries.size() - MAX_TRACE_LOGS), entries.size());
		List<Object> items = new ArrayList<>();
		newest.forEach((entry) -> items.add(log(entry)));
		return items;
	}

	private static Map<String, Object> log(LogEntry entry) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("time", Json.time(entry.timeNanos()));
		item.put("resource", entry.resource().name());
		item.put("severity", entry.severity().name());
		item.put("message", entry.message());
		item.put("traceId", entry.traceId());
		item.put("spanId", entry.spanId());
		item.put("scope", entry.scope());
		item.put("attributes", entry.attributes());
		return item;
	}

	private Map<String, Object> logs(Query query) {
		String level = query.get("level", null);
		Severity minimum = (level != null) ? Severity.parse(level) : Severity.TRACE;
		if (minimum == null) {
			throw new BadRequest("level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
		}
		List<Object> items = new ArrayList<>();
		for (LogEntry entry : this.store.logs()
			.find(query.get("resource", null), minimum, query.get("q", null), query.get("traceId", null),
					query.limit(200))) {
			items.add(log(entry));
		}
		return Map.of("items", items);
	}

	private Map<String, Object> instruments() {
		Map<String, Object> resources = new LinkedHashMap<>();
		this.store.metrics().instruments().forEach((resource, instruments) -> {
			List<Object> items = new ArrayList<>();
			for (Instrument instrument : instruments) {
				items.add(instrument(instrument));
			}
			resources.put(resource, items);
		});
		return Map.of("resources", resources);
	}

	private static Map<String, Object> instrument(Instrument instrument) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("name", instrument.name());
		item.put("unit", instrument.unit());
		item.put("description", instrument.description());
		item.put("type", instrument.type());
		item.put("monotonic", instrument.monotonic());
		item.put("temporality", instrument.temporality());
		item.put("statistic", statistic(instrument));
		return item;
	}

	/**
	 * What a chart of the instrument shows: a counter's rate, a gauge's value, a
	 * histogram's percentiles.
	 */
	private static String statistic(Instrument instrument) {
		return switch (instrument.type()) {
			case "sum" -> instrument.monotonic() ? "rate" : "value";
			case "histogram", "exponentialHistogram", "summary" -> "percentiles";
			default -> "value";
		};
	}

	private Optional<Map<String, Object>> series(String resource, String name, long sinceNanos) {
		return this.store.metrics().series(resource, name).map((set) -> series(set, sinceNanos));
	}

	private Map<String, Object> series(SeriesSet set, long sinceNanos) {
		Map<String, Object> result = instrument(set.instrument());
		List<Object> series = new ArrayList<>();
		for (SeriesView view : set.series()) {
			List<Object> points = new ArrayList<>();
			for (PointView point : view.points()) {
				if (point.timeNanos() < sinceNanos) {
					continue;
				}
				boolean gap = point.gap();
				if (point.count() == 0 && point.firstNanos() != point.timeNanos() && point.firstNanos() >= sinceNanos) {
					points.add(point(point, point.firstNanos(), gap));
					gap = false;
				}
				points.add(point(point, point.timeNanos(), gap));
			}
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("attributes", view.attributes());
			item.put("points", points);
			series.add(item);
		}
		result.put("series", series);
		return result;
	}

	private static Map<String, Object> point(PointView point, long timeNanos, boolean gap) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("time", Json.time(timeNanos));
		item.put("value", point.value());
		if (gap) {
			item.put("gap", true);
		}
		if (point.count() > 0) {
			item.put("count", point.count());
			item.put("sum", point.sum());
			double[] quantiles = point.quantiles();
			if (quantiles != null) {
				Map<String, Object> percentiles = new LinkedHashMap<>();
				for (int i = 0; i + 1 < quantiles.length; i += 2) {
					percentiles.put(percentileName(quantiles[i]), quantiles[i + 1]);
				}
				for (String name : List.of("p50", "p90", "p99")) {
					if (percentiles.containsKey(name)) {
						item.put(name, percentiles.get(name));
					}
				}
				item.put("percentiles", percentiles);
			}
		}
		return item;
	}

	/**
	 * {@code p50} for 0.5, {@code p99.9} for 0.999.
	 */
	static String percentileName(double quantile) {
		BigDecimal percent = BigDecimal.valueOf(quantile).movePointRight(2).stripTrailingZeros();
		return "p" + percent.toPlainString();
	}

	private static Response ok(Object body) {
		return new Response(200, body);
	}

	private static Map<String, Object> error(String message) {
		return Map.of("error", message);
	}

	private static void send(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private record Response(int status, Object body) {
	}

	private static final class BadRequest extends RuntimeException {

		BadRequest(String message) {
			super(message);
		}

	}

	/**
	 * Query parameters; a parameter may repeat.
	 */
	private record Query(Map<String, List<String>> parameters) {

		static Query parse(String rawQuery) {
			Map<String, List<String>> parameters = new LinkedHashMap<>();
			if (rawQuery != null && !rawQuery.isEmpty()) {
				for (String pair : rawQuery.split("&")) {
					if (pair.isEmpty()) {
						continue;
					}
					int equals = pair.indexOf('=');
					String key = decode((equals >= 0) ? pair.substring(0, equals) : pair);
					String value = (equals >= 0) ? decode(pair.substring(equals + 1)) : "";
					parameters.computeIfAbsent(key, (name) -> new ArrayList<>()).add(value);
				}
			}
			return new Query(parameters);
		}

		private static String decode(String text) {
			try {
				return URLDecoder.decode(text, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				throw new BadRequest("Malformed query parameter: " + text);
			}
		}

		List<String> all(String name) {
			return this.parameters.getOrDefault(name, List.of());
		}

		/**
		 * The first value; a missing or blank parameter counts as absent.
		 */
		String get(String name, String defaultValue) {
			List<String> values = all(name);
			return (values.isEmpty() || values.get(0).isBlank()) ? defaultValue : values.get(0);
		}

		String required(String name) {
			String value = get(name, null);
			if (value == null) {
				throw new BadRequest(name + " is required");
			}
			return value;
		}

		/**
		 * An RFC 3339 time as nanoseconds since the epoch, 0 when absent.
		 */
		long time(String name) {
			String text = get(name, null);
			if (text == null) {
				return 0;
			}
			try {
				Instant instant = Instant.parse(text.trim());
				return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
			}
			catch (DateTimeParseException ex) {
				throw new BadRequest(name + " must be a time like 2026-01-02T03:04:05Z");
			}
		}

		int limit(int defaultLimit) {
			String text = get("limit", null);
			if (text == null) {
				return defaultLimit;
			}
			try {
				int limit = Integer.parseInt(text.trim());
				if (limit >= 1 && limit <= MAX_LIMIT) {
					return limit;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new BadRequest("limit must be a number from 1 to " + MAX_LIMIT);
		}

	}

}
