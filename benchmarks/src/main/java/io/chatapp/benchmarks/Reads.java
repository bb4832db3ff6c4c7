package io.chatapp.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Read paths at depth: one chat seeded with N messages directly in PostgreSQL, then
 * history pages at random depths, the chat list of the member with N unread, and search
 * for the most common and for a rare word.
 *
 * <p>
 * Seeding bypasses chats-api and the event log on purpose: it measures the read paths,
 * and a million sends through the API would take far longer than the reads. No events, no
 * Kafka records, no notifications exist for the seeded messages.
 */
final class Reads {

	/**
	 * The vocabulary, most common first: word {@code k} is drawn with probability about
	 * proportional to {@code 1/k} (Zipf).
	 */
	static final List<String> VOCABULARY = List.of("hello", "the", "meeting", "today", "thanks", "deploy", "build",
			"review", "lunch", "coffee", "release", "branch", "merge", "ticket", "update", "bug", "fix", "test",
			"database", "kafka", "schema", "index", "latency", "query", "socket", "gateway", "token", "cluster",
			"metrics", "trace", "dashboard", "backlog", "sprint", "roadmap", "design", "docs", "weekend", "later",
			"tomorrow", "morning", "evening", "call", "slides", "demo", "customer", "invoice", "budget", "plan", "ship",
			"rollback", "incident", "pager", "alert", "retry", "timeout", "queue", "worker", "cache", "replica",
			"backup", "restore", "vacuum", "analyze", "explain");

	/** Put in every 10,000th message (and in no other). */
	static final String RARE_WORD = "zanzibar";

	private Reads() {
	}

	/** The SQL array literal of the vocabulary. */
	static String vocabularyArray() {
		StringBuilder array = new StringBuilder("ARRAY[");
		for (int i = 0; i < VOCABULARY.size(); i++) {
			array.append(i == 0 ? "" : ",").append('\'').append(VOCABULARY.get(i)).append('\'');
		}
		return array.append("]::text[]").toString();
	}

	/**
	 * Inserts messages {@code 1..count} into the chat, a chunk per transaction, and moves
	 * the chat's {@code last_seq}. Each message is six words; word index
	 * {@code floor(exp(random() * ln(V + 1)))} falls on {@code k} with probability
	 * {@code ln((k + 1) / k) / ln(V + 1)}, about {@code 1/k}.
	 */
	static void seed(String jdbcUrl, String user, String password, String chatId, String senderA, String senderB,
			int count) throws Exception {
		int size = VOCABULARY.size();
		String word = "v[floor(exp(random() * ln(" + (size + 1) + ")))::int]";
		String sql = "INSERT INTO chats.messages (chat_id, seq, id, sender_id, content, sent_at) "
				+ "SELECT ?::uuid, g, gen_random_uuid(), CASE WHEN g % 2 = 0 THEN ?::uuid ELSE ?::uuid END, " + word
				+ " || ' ' || " + word + " || ' ' || " + word + " || ' ' || " + word + " || ' ' || " + word
				+ " || ' ' || " + word + " || CASE WHEN g % 10000 = 0 THEN ' " + RARE_WORD + "' ELSE '' END, "
				+ "now() - make_interval(secs => ((? - g) * 0.01)::float8) "
				+ "FROM generate_series(?::bigint, ?::bigint) g, (SELECT " + vocabularyArray() + " AS v) vocabulary";
		try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
			int chunk = 100_000;
			for (long from = 1; from <= count; from += chunk) {
				long to = Math.min(count, from + chunk - 1);
				try (PreparedStatement insert = connection.prepareStatement(sql)) {
					insert.setString(1, chatId);
					insert.setString(2, senderA);
					insert.setString(3, senderB);
					insert.setLong(4, count);
					insert.setLong(5, from);
					insert.setLong(6, to);
					insert.executeUpdate();
				}
				Benchmarks.progress("reads: seeded %d of %d messages", to, count);
			}
			try (PreparedStatement update = connection
				.prepareStatement("UPDATE chats.chats SET last_seq = ?, last_activity_at = now() WHERE id = ?::uuid")) {
				update.setLong(1, count);
				update.setString(2, chatId);
				update.executeUpdate();
			}
			try (Statement analyze = connection.createStatement()) {
				analyze.execute("ANALYZE chats.messages");
			}
		}
	}

	/** Removes the seeded chat (its messages and members go with it). */
	static void dropSeed(String jdbcUrl, String user, String password, String chatId) throws Exception {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
				PreparedStatement delete = connection.prepareStatement("DELETE FROM chats.chats WHERE id = ?::uuid")) {
			delete.setString(1, chatId);
			delete.executeUpdate();
		}
	}

	static Map<String, Object> run(Api api, Options options, String jdbcUrl) throws Exception {
		List<Api.User> users = api.register("r", 2);
		Api.User writer = users.get(0);
		Api.User reader = users.get(1);
		String chatId = api.createChat(writer, List.of(reader));
		int count = options.messages();
		long seedStart = System.nanoTime();
		seed(jdbcUrl, options.postgresUser(), options.postgresPassword(), chatId, writer.id(), reader.id(), count);
		double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("messages", count);
		section.put("seedSeconds", Stats.round(seedSeconds, 1));
		section.put("calls", options.readCalls());
		try {
			int calls = options.readCalls();
			String base = "/api/chats/" + chatId + "/messages";
			section.put("historyRandomDepth", measure(calls, () -> {
				long before = 2 + ThreadLocalRandom.current().nextLong(count);
				return api.get(base + "?before=" + before + "&limit=50", reader.token());
			}, "history page at a random depth"));
			section.put("historyNewest",
					measure(calls, () -> api.get(base + "?limit=50", reader.token()), "history newest page"));
			section.put("chatListWithAllUnread",
					measure(calls, () -> api.get("/api/chats", reader.token()), "chat list (" + count + " unread)"));
			section.put("searchCommonWord",
					measure(calls,
							() -> api.get("/api/messages/search?q=" + VOCABULARY.get(0) + "&limit=20", reader.token()),
							"search \"" + VOCABULARY.get(0) + "\""));
			section.put("searchRareWord",
					measure(calls, () -> api.get("/api/messages/search?q=" + RARE_WORD + "&limit=20", reader.token()),
							"search \"" + RARE_WORD + "\""));
			section.put("commonWord", VOCABULARY.get(0));
			section.put("rareWord", RARE_WORD);
			section.put("rareWordMessages", count / 10_000);
		}
		finally {
			dropSeed(jdbcUrl, options.postgresUser(), options.postgresPassword(), chatId);
		}
		return section;
	}

	interface Call {

		int call() throws Exception;

	}

	/**
	 * Longest one kind of read is measured, once it has 20 calls: a slow path stays
	 * bounded.
	 */
	static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(90);

	/**
	 * Sequential calls after a warm-up of a tenth as many; service time per call. Stops
	 * early (after at least 20 calls) when the calls take longer than 90 s in all.
	 */
	static Map<String, Object> measure(int calls, Call call, String what) throws Exception {
		for (int i = 0; i < Math.max(5, calls / 10); i++) {
			call.call();
		}
		Histogram histogram = Stats.histogram();
		long errors = 0;
		long started = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			if (i >= 20 && System.nanoTime() - started > BUDGET_NANOS) {
				Benchmarks.progress("reads: %s: stopped after %d calls (90 s)", what, i);
				break;
			}
			long start = System.nanoTime();
			int status = call.call();
			if (status == 200) {
				histogram.recordValue(System.nanoTime() - start);
			}
			else {
				errors++;
			}
		}
		Map<String, Object> result = Stats.latency(histogram);
		result.put("errors", errors);
		Benchmarks.progress("reads: %-36s %s, errors %d", what, Stats.line(histogram), errors);
		return result;
	}

}
