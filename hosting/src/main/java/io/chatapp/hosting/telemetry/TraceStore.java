package io.chatapp.hosting.telemetry;

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
 * Spans grouped by trace, oldest trace evicted first (whole traces, never single spans)
 * once there are too many traces or spans or their estimated size exceeds the byte
 * budget, with an index of span links in both directions so that a trace can be shown
 * together with the traces it links to or is linked from (a Kafka consumer's trace and
 * its producer's).
 */
final class TraceStore {

	private final int maxTraces;

	private final int maxSpans;

	private final int maxSpansPerTrace;

	private final long maxBytes;

	private final long maxBytesPerTrace;

	// Insertion order: the first trace is the oldest.
	private final LinkedHashMap<String, Trace> traces = new LinkedHashMap<>();

	private final Map<String, Set<String>> links = new HashMap<>();

	private int spanCount;

	private long droppedSpans;

	private long bytes;

	TraceStore(int maxTraces, int maxSpans, int maxSpansPerTrace, long maxBytes) {
		this.maxTraces = maxTraces;
		this.maxSpans = maxSpans;
		this.maxSpansPerTrace = maxSpansPerTrace;
		this.maxBytes = maxBytes;
		// One trace may take a quarter of the budget, so that it never evicts
		// everything else.
		this.maxBytesPerTrace = maxBytes / 4;
	}

	synchronized void add(List<Span> spans) {
		for (Span span : spans) {
			long size = span.estimatedSize();
			Trace existing = this.traces.get(span.traceId());
			long traceBytes = (existing != null) ? existing.bytes : 0;
			if ((existing != null && existing.spans.size() >= this.maxSpansPerTrace)
					|| traceBytes + size > this.maxBytesPerTrace) {
				this.droppedSpans++;
				continue;
			}
			Trace trace = (existing != null) ? existing : new Trace(span.traceId());
			if (existing == null) {
				this.traces.put(trace.id, trace);
				this.bytes += Trace.OVERHEAD;
				trace.bytes += Trace.OVERHEAD;
			}
			trace.add(span);
			trace.bytes += size;
			this.bytes += size;
			this.spanCount++;
			for (Link link : span.links()) {
				if (!link.traceId().isEmpty() && !link.traceId().equals(span.traceId())) {
					this.links.computeIfAbsent(span.traceId(), (id) -> new LinkedHashSet<>()).add(link.traceId());
					this.links.computeIfAbsent(link.traceId(), (id) -> new LinkedHashSet<>()).add(span.traceId());
				}
			}
			// Evicted span by span: a large batch never holds more than the budget.
			evict();
		}
	}

	private void evict() {
		Iterator<Trace> oldest = this.traces.values().iterator();
		while ((this.traces.size() > this.maxTraces || this.spanCount > this.maxSpans || this.bytes > this.maxBytes)
				&& oldest.hasNext()) {
			Trace trace = oldest.next();
			oldest.remove();
			this.spanCount -= trace.spans.size();
			this.bytes -= trace.bytes;
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

	/**
	 * The estimated heap size of the stored spans.
	 * @return bytes, at most the budget
	 */
	synchronized long estimatedBytes() {
		return this.bytes;
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
		this.bytes = 0;
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

		/**
		 * Roughly what this span takes on the heap.
		 * @return bytes
		 */
		long estimatedSize() {
			// The record, its entries in the trace's list and span id set.
			long size = 160 + this.resource.estimatedSize() + Otlp.size(this.traceId) + Otlp.size(this.spanId)
					+ Otlp.size(this.parentSpanId) + Otlp.size(this.name) + Otlp.size(this.scope)
					+ Otlp.size(this.statusMessage) + Otlp.size(this.attributes) + 48 + 8L * this.events.size() + 48
					+ 8L * this.links.size();
			for (Event event : this.events) {
				size += 40 + Otlp.size(event.name()) + Otlp.size(event.attributes());
			}
			for (Link link : this.links) {
				size += 32 + Otlp.size(link.traceId()) + Otlp.size(link.spanId()) + Otlp.size(link.attributes());
			}
			return size;
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

		// The trace, its map entry, list, id set and summary; links are counted per span.
		static final long OVERHEAD = 400;

		private final String id;

		private long bytes;

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
