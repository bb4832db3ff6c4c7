package io.chatapp.apphost.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Spans grouped by trace, oldest trace evicted first (whole traces, never single spans),
 * with an index of span links in both directions so that a trace can be shown together
 * with the traces it links to or is linked from (a Kafka consumer's trace and its
 * producer's).
 */
final class TraceStore {

	private final int maxTraces;

	private final int maxSpans;

	private final int maxSpansPerTrace;

	// Insertion order: the first trace is the oldest.
	private final LinkedHashMap<String, Trace> traces = new LinkedHashMap<>();

	private final Map<String, Set<String>> links = new HashMap<>();

	private int spanCount;

	private long droppedSpans;

	TraceStore(int maxTraces, int maxSpans, int maxSpansPerTrace) {
		this.maxTraces = maxTraces;
		this.maxSpans = maxSpans;
		this.maxSpansPerTrace = maxSpansPerTrace;
	}

	synchronized void add(List<Span> spans) {
		for (Span span : spans) {
			Trace trace = this.traces.computeIfAbsent(span.traceId(), Trace::new);
			if (trace.spans.size() >= this.maxSpansPerTrace) {
				this.droppedSpans++;
				continue;
			}
			trace.add(span);
			this.spanCount++;
			for (Link link : span.links()) {
				if (!link.traceId().isEmpty() && !link.traceId().equals(span.traceId())) {
					this.links.computeIfAbsent(span.traceId(), (id) -> new LinkedHashSet<>()).add(link.traceId());
					this.links.computeIfAbsent(link.traceId(), (id) -> new LinkedHashSet<>()).add(span.traceId());
				}
			}
		}
		Iterator<Trace> oldest = this.traces.values().iterator();
		while ((this.traces.size() > this.maxTraces || this.spanCount > this.maxSpans) && oldest.hasNext()) {
			Trace trace = oldest.next();
			oldest.remove();
			this.spanCount -= trace.spans.size();
			Set<String> linked = this.links.remove(trace.id);
			if (linked != null) {
				for (String other : linked) {
					Set<String> back = this.links.get(other);
					if (back != null) {
						back.remove(trace.id);
						if (back.isEmpty()) {
							this.links.remove(other);
						}
					}
				}
			}
		}
	}

	synchronized int traceCount() {
		return this.traces.size();
	}

	synchronized int spanCount() {
		return this.spanCount;
	}

	synchronized long droppedSpans() {
		return this.droppedSpans;
	}

	synchronized int linkIndexSize() {
		return this.links.size();
	}

	/**
	 * Summaries of the traces that match.
	 * @param service a resource or service name that must take part, or {@code null}
	 * @param attributes {@code key=value} pairs that some span must carry (each)
	 * @param byDuration longest first instead of newest first
	 * @param limit how many at most
	 * @return the summaries
	 */
	synchronized List<Summary> list(String service, Map<String, String> attributes, boolean byDuration, int limit) {
		List<Summary> matches = new ArrayList<>();
		for (Trace trace : this.traces.values()) {
			if (trace.matches(service, attributes)) {
				matches.add(trace.summary());
			}
		}
		Comparator<Summary> order = byDuration ? Comparator.comparingLong(Summary::durationNanos)
				: Comparator.comparingLong(Summary::startNanos);
		matches.sort(order.reversed());
		return (matches.size() > limit) ? new ArrayList<>(matches.subList(0, limit)) : matches;
	}

	/**
	 * A trace's spans, and those of the traces it links to or is linked from (one level),
	 * ordered by start.
	 * @param traceId the trace id in hex
	 * @return the spans, or empty when the trace is unknown
	 */
	synchronized Optional<List<Span>> spans(String traceId) {
		Trace trace = this.traces.get(traceId);
		if (trace == null) {
			return Optional.empty();
		}
		List<Span> spans = new ArrayList<>(trace.spans);
		for (String linked : this.links.getOrDefault(traceId, Set.of())) {
			Trace other = this.traces.get(linked);
			if (other != null) {
				spans.addAll(other.spans);
			}
		}
		spans.sort(Comparator.comparingLong(Span::startNanos));
		return Optional.of(spans);
	}

	synchronized void clear() {
		this.traces.clear();
		this.links.clear();
		this.spanCount = 0;
	}

	/**
	 * One span as stored.
	 *
	 * @param traceId trace id in hex
	 * @param spanId span id in hex
	 * @param parentSpanId parent span id in hex, empty for a root
	 * @param name span name
	 * @param resource who sent it
	 * @param scope instrumentation scope name
	 * @param kind {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER},
	 * {@code INTERNAL} or {@code UNSPECIFIED}
	 * @param startNanos start, nanoseconds since the epoch
	 * @param endNanos end, nanoseconds since the epoch
	 * @param statusCode {@code UNSET}, {@code OK} or {@code ERROR}
	 * @param statusMessage status message, may be empty
	 * @param attributes span attributes
	 * @param events span events
	 * @param links span links
	 */
	record Span(String traceId, String spanId, String parentSpanId, String name, TelemetryResource resource,
			String scope, String kind, long startNanos, long endNanos, String statusCode, String statusMessage,
			Map<String, Object> attributes, List<Event> events, List<Link> links) {

		long durationNanos() {
			return Math.max(0, this.endNanos - this.startNanos);
		}

		boolean isError() {
			return "ERROR".equals(this.statusCode);
		}

	}

	record Event(String name, long timeNanos, Map<String, Object> attributes) {
	}

	record Link(String traceId, String spanId, Map<String, Object> attributes) {
	}

	/**
	 * What the trace list shows of a trace.
	 *
	 * @param traceId trace id
	 * @param rootName name of the root span (or the earliest span while the root is
	 * missing)
	 * @param rootService service of that span
	 * @param services services taking part, in order of their first span
	 * @param startNanos earliest start
	 * @param durationNanos latest end minus earliest start
	 * @param spanCount number of spans
	 * @param errorCount spans with status ERROR
	 */
	record Summary(String traceId, String rootName, String rootService, List<String> services, long startNanos,
			long durationNanos, int spanCount, int errorCount) {
	}

	private static final class Trace {

		private final String id;

		private final List<Span> spans = new ArrayList<>();

		private final Set<String> spanIds = new HashSet<>();

		private Summary summary;

		Trace(String id) {
			this.id = id;
		}

		void add(Span span) {
			this.spans.add(span);
			this.spanIds.add(span.spanId());
			this.summary = null;
		}

		boolean matches(String service, Map<String, String> attributes) {
			if (service != null && this.spans.stream().noneMatch((span) -> span.resource().matches(service))) {
				return false;
			}
			for (Map.Entry<String, String> wanted : attributes.entrySet()) {
				boolean found = this.spans.stream().anyMatch((span) -> {
					Object value = span.attributes().get(wanted.getKey());
					return value != null && String.valueOf(value).equals(wanted.getValue());
				});
				if (!found) {
					return false;
				}
			}
			return true;
		}

		Summary summary() {
			if (this.summary == null) {
				List<Span> byStart = new ArrayList<>(this.spans);
				byStart.sort(Comparator.comparingLong(Span::startNanos));
				// The root, or while it has not arrived, the earliest span whose parent
				// is
				// missing.
				Span root = byStart.stream()
					.filter((span) -> span.parentSpanId().isEmpty())
					.findFirst()
					.or(() -> byStart.stream()
						.filter((span) -> !this.spanIds.contains(span.parentSpanId()))
						.findFirst())
					.orElse(byStart.get(0));
				long start = Long.MAX_VALUE;
				long end = Long.MIN_VALUE;
				int errors = 0;
				Set<String> services = new LinkedHashSet<>();
				for (Span span : byStart) {
					start = Math.min(start, span.startNanos());
					end = Math.max(end, span.endNanos());
					errors += span.isError() ? 1 : 0;
					services.add(span.resource().serviceName());
				}
				this.summary = new Summary(this.id, root.name(), root.resource().serviceName(), List.copyOf(services),
						start, Math.max(0, end - start), this.spans.size(), errors);
			}
			return this.summary;
		}

	}

}
