package io.chatapp.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's outcome: the load, the fault as it happened, the counts, and the checks
 * that failed.
 *
 * @param name the scenario
 * @param fault what was done to the system, as it happened
 * @param messagesPerSecond the offered rate
 * @param loadDuration how long messages were offered
 * @param senders sending clients
 * @param chats chats they sent to
 * @param counts the audit
 * @param responses send responses by status
 * @param longestAckWait the longest a message waited for its acknowledgement
 * @param settledAfter how long after the load the system had published and applied
 * everything, or {@code null} if it never did
 * @param violations failed checks, by check name
 * @param knownDefects of those, the ones recorded as known defects (check name to
 * explanation)
 */
record ScenarioResult(String name, String fault, double messagesPerSecond, Duration loadDuration, int senders,
		int chats, Audit.Counts counts, Map<String, Long> responses, Duration longestAckWait, Duration settledAfter,
		Map<String, String> violations, Map<String, String> knownDefects) {

	/**
	 * The checks every scenario must pass: nothing acknowledged is lost, nothing is
	 * stored or applied twice, no seq is missing, every stored message is published and
	 * applied exactly once in effect, in per-chat order, and no request fails with a 500.
	 * @return failed check name to what was seen
	 */
	static Map<String, String> check(Audit.Counts counts, LoadGenerator load, Duration settledAfter) {
		Map<String, String> violations = new LinkedHashMap<>();
		require(violations, "acknowledged", counts.acknowledged() == counts.attempted(),
				(counts.attempted() - counts.acknowledged()) + " of " + counts.attempted()
						+ " messages were never acknowledged, in spite of retries");
		require(violations, "lost", counts.lost() == 0, counts.lost() + " acknowledged messages are not stored");
		require(violations, "ack-matches", counts.mismatched() == 0,
				counts.mismatched() + " messages are stored with another seq than acknowledged");
		require(violations, "stored-once", counts.duplicates() == 0,
				counts.duplicates() + " messages are stored twice for one clientMessageId");
		require(violations, "gapless", counts.gaps() == 0, counts.gaps() + " seqs are missing");
		require(violations, "event-recorded", counts.withoutEvent() == 0,
				counts.withoutEvent() + " stored messages have no message.created event");
		require(violations, "published", counts.published() == counts.stored(),
				(counts.stored() - counts.published()) + " stored messages were never published");
		require(violations, "no-phantom", counts.phantom() == 0,
				counts.phantom() + " published messages are not stored");
		require(violations, "per-chat-order", counts.orderViolations() == 0,
				counts.orderViolations() + " events out of per-chat order on chat.events");
		require(violations, "applied", counts.applied() == counts.stored(),
				(counts.stored() - counts.applied()) + " messages were not applied by both worker groups");
		require(violations, "notified", counts.notifications() == counts.directMessages(),
				(counts.directMessages() - counts.notifications()) + " direct messages have no notification");
		require(violations, "applied-once", counts.duplicateNotifications() == 0,
				counts.duplicateNotifications() + " notifications were written twice");
		require(violations, "settled", settledAfter != null, "the outbox or the worker did not catch up");
		require(violations, "no-rejects", load.rejected().isEmpty(),
				load.rejected().size() + " sends were rejected: " + first(load.rejected()));
		long serverErrors = load.responses()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("5") && !entry.getKey().equals("503"))
			.mapToLong(Map.Entry::getValue)
			.sum();
		require(violations, "no-500", serverErrors == 0,
				serverErrors + " responses were 5xx other than 503, e.g. " + first(load.serverErrorSamples()));
		require(violations, "problem-json", load.errorsWithoutProblemJson() == 0,
				load.errorsWithoutProblemJson() + " error responses were not application/problem+json");
		return violations;
	}

	/**
	 * Checks that failed and are not known defects.
	 * @return failed check name to what was seen
	 */
	Map<String, String> unexpectedViolations() {
		Map<String, String> unexpected = new LinkedHashMap<>(this.violations);
		this.knownDefects.keySet().forEach(unexpected::remove);
		return unexpected;
	}

	String describeViolations() {
		List<String> lines = new ArrayList<>();
		this.violations.forEach((check, detail) -> lines.add(this.name + " / " + check + ": " + detail
				+ (this.knownDefects.containsKey(check) ? " (known defect)" : "")));
		return String.join("\n", lines);
	}

	private static void require(Map<String, String> violations, String check, boolean holds, String detail) {
		if (!holds) {
			violations.put(check, detail);
		}
	}

	private static String first(List<String> items) {
		return items.isEmpty() ? "-" : items.get(0);
	}

}
