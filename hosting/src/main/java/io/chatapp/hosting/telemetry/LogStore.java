package io.chatapp.hosting.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Structured log records per resource, the oldest evicted first once a resource has
 * {@code maxPerResource} of them, or once the estimated size of all records exceeds the
 * byte budget (then from the resource that takes the most, so that one talkative service
 * does not push out the others' records).
 */
final class LogStore {

	private final int maxPerResource;

	private final long maxBytes;

	private final Map<String, Logs> byResource;

	private long sequence;

	private long bytes;

	LogStore(int maxPerResource, int maxResources, long maxBytes) {
		this.maxPerResource = maxPerResource;
		this.maxBytes = maxBytes;
		// Access order: a flood of ever new resource names evicts the quietest resource.
		this.byResource = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Logs> eldest) {
				if (size() > maxResources) {
					LogStore.this.bytes -= eldest.getValue().bytes;
					return true;
				}
				return false;
			}
		};
	}

	synchronized void add(List<LogEntry> entries) {
		for (LogEntry entry : entries) {
			long size = entry.estimatedSize();
			if (size > this.maxBytes / 4) {
				// Cannot happen within the value limits, unless the budget is tiny.
				continue;
			}
			Logs logs = this.byResource.computeIfAbsent(entry.resource().name(), (name) -> new Logs());
			if (logs.entries.size() == this.maxPerResource) {
				logs.removeOldest();
			}
			logs.entries.addLast(new Sized(entry.withSequence(++this.sequence), size));
			logs.bytes += size;
			this.bytes += size;
			while (this.bytes > this.maxBytes) {
				largest().removeOldest();
			}
		}
	}

	private Logs largest() {
		Logs largest = null;
		for (Logs logs : this.byResource.values()) {
			if (largest == null || logs.bytes > largest.bytes) {
				largest = logs;
			}
		}
		return largest;
	}

	/**
	 * How many stored records of one resource have at least a severity and were logged at
	 * or after a time.
	 */
	synchronized int countSince(String resourceName, Severity minimum, long sinceNanos) {
		Logs logs = this.byResource.get(resourceName);
		if (logs == null) {
			return 0;
		}
		int count = 0;
		for (Sized sized : logs.entries) {
			if (sized.entry().severity().compareTo(minimum) >= 0 && sized.entry().timeNanos() >= sinceNanos) {
				count++;
			}
		}
		return count;
	}

	synchronized int count(String resourceName) {
		Logs logs = this.byResource.get(resourceName);
		return (logs != null) ? logs.entries.size() : 0;
	}

	/**
	 * The estimated heap size of the stored records.
	 * @return bytes, at most the budget
	 */
	synchronized long estimatedBytes() {
		return this.bytes;
	}

	synchronized int resourceCount() {
		return this.byResource.size();
	}

	/**
	 * The newest records that match, newest first.
	 * @param resource resource or service name, or {@code null} for all
	 * @param minimum lowest severity to include
	 * @param text case-insensitive text the message or an attribute value must contain,
	 * or {@code null}
	 * @param traceId trace id the record must belong to, or {@code null}
	 * @param limit how many at most
	 * @return the records
	 */
	synchronized List<LogEntry> find(String resource, Severity minimum, String text, String traceId, int limit) {
		String needle = (text != null) ? text.toLowerCase(Locale.ROOT) : null;
		List<LogEntry> found = new ArrayList<>();
		for (Logs logs : this.byResource.values()) {
			int taken = 0;
			for (Iterator<Sized> newest = logs.entries.descendingIterator(); newest.hasNext() && taken < limit;) {
				LogEntry entry = newest.next().entry();
				if ((resource == null || entry.resource().matches(resource)) && entry.severity().compareTo(minimum) >= 0
						&& (traceId == null || entry.traceId().equalsIgnoreCase(traceId))
						&& (needle == null || entry.contains(needle))) {
					found.add(entry);
					taken++;
				}
			}
		}
		found.sort(Comparator.comparingLong(LogEntry::timeNanos).thenComparingLong(LogEntry::sequence).reversed());
		return (found.size() > limit) ? new ArrayList<>(found.subList(0, limit)) : found;
	}

	synchronized void clear() {
		this.byResource.clear();
		this.bytes = 0;
	}

	private record Sized(LogEntry entry, long bytes) {
	}

	/**
	 * One resource's records, oldest first, and their estimated size.
	 */
	private final class Logs {

		private final Deque<Sized> entries = new ArrayDeque<>();

		private long bytes;

		void removeOldest() {
			Sized oldest = this.entries.removeFirst();
			this.bytes -= oldest.bytes();
			LogStore.this.bytes -= oldest.bytes();
		}

	}

	/**
	 * Log levels, lowest first; OTLP severity numbers map onto them in ranges of four.
	 */
	enum Severity {

		TRACE, DEBUG, INFO, WARN, ERROR, FATAL;

		static Severity of(int severityNumber, String severityText) {
			if (severityNumber >= 1 && severityNumber <= 24) {
				return values()[(severityNumber - 1) / 4];
			}
			Severity parsed = parse(severityText);
			return (parsed != null) ? parsed : INFO;
		}

		/**
		 * A level by name, as in {@code WARN}, {@code warning} or {@code Error}.
		 * @param text the name
		 * @return the level, or {@code null} when unknown
		 */
		static Severity parse(String text) {
			String upper = (text != null) ? text.trim().toUpperCase(Locale.ROOT) : "";
			return switch (upper) {
				case "TRACE", "FINEST", "FINER" -> TRACE;
				case "DEBUG", "FINE", "CONFIG" -> DEBUG;
				case "INFO", "INFORMATION" -> INFO;
				case "WARN", "WARNING" -> WARN;
				case "ERROR", "SEVERE" -> ERROR;
				case "FATAL", "CRITICAL" -> FATAL;
				default -> null;
			};
		}

	}

	/**
	 * One log record as stored.
	 *
	 * @param sequence arrival number, to order records with equal timestamps
	 * @param timeNanos when it happened (or was observed), nanoseconds since the epoch
	 * @param resource who sent it
	 * @param scope instrumentation scope, usually the logger name
	 * @param severity level
	 * @param message the body as text
	 * @param traceId trace id in hex, or empty
	 * @param spanId span id in hex, or empty
	 * @param attributes log attributes (exception details among them)
	 */
	record LogEntry(long sequence, long timeNanos, TelemetryResource resource, String scope, Severity severity,
			String message, String traceId, String spanId, Map<String, Object> attributes) {

		LogEntry withSequence(long sequence) {
			return new LogEntry(sequence, this.timeNanos, this.resource, this.scope, this.severity, this.message,
					this.traceId, this.spanId, this.attributes);
		}

		/**
		 * Roughly what this record takes on the heap.
		 * @return bytes
		 */
		long estimatedSize() {
			// The record, its wrapper and its slot in the resource's queue.
			return 120 + this.resource.estimatedSize() + Otlp.size(this.scope) + Otlp.size(this.message)
					+ Otlp.size(this.traceId) + Otlp.size(this.spanId) + Otlp.size(this.attributes);
		}

		boolean contains(String lowerCaseText) {
			if (this.message.toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
				return true;
			}
			return this.attributes.values()
				.stream()
				.anyMatch((value) -> String.valueOf(value).toLowerCase(Locale.ROOT).contains(lowerCaseText));
		}

	}

}
