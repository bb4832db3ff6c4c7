package io.chatapp.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * The results table of the README (and of the console): each figure with the rate or
 * concurrency it was taken at.
 */
final class Summary {

	private Summary() {
	}

	@SuppressWarnings("unchecked")
	static String markdown(Map<String, Object> results) {
		StringBuilder out = new StringBuilder();
		Map<String, Object> machine = (Map<String, Object>) results.get("machine");
		out.append("Run of ")
			.append(results.get("generatedAt"))
			.append(", commit `")
			.append(shortCommit(results.get("commit")))
			.append(Boolean.TRUE.equals(results.get("commitDirty")) ? "+" : "")
			.append("`, ")
			.append(machine.get("cores"))
			.append(" cores, ")
			.append(machine.get("memoryMiB"))
			.append(" MiB, ")
			.append(machine.get("jdk"))
			.append(", production profile: ")
			.append(Boolean.TRUE.equals(results.get("productionProfile")) ? "yes" : "no")
			.append(((Map<String, Object>) results.get("settings")).get("quick").equals(Boolean.TRUE)
					? " (**--quick**: short phases, not for comparison)" : "")
			.append(". All figures: `latest.json`.\n\n");
		out.append("| figure | taken at | value |\n|---|---|---|\n");
		if (results.get("ramp") instanceof Map<?, ?> ramp) {
			if (ramp.get("steps") instanceof List<?> steps) {
				for (Object item : steps) {
					Map<String, Object> step = (Map<String, Object>) item;
					row(out, "send throughput (closed model)", step.get("concurrency") + " clients",
							Report.fmt(step.get("throughputPerSecond")) + "/s, " + latency(step.get("latency")));
				}
				row(out, "**peak send throughput**", ramp.get("peakConcurrency") + " clients",
						"**" + Report.fmt(ramp.get("peakThroughputPerSecond")) + "/s**; at 64 clients "
								+ Report.fmt(ramp.get("throughputAt64PercentOfPeak")) + " % of peak");
			}
			else {
				row(out, "ramp", "-", "failed: " + ramp.get("error"));
			}
		}
		if (results.get("rates") instanceof Map<?, ?> rates) {
			if (rates.get("rates") instanceof List<?> list) {
				for (Object item : list) {
					Map<String, Object> rate = (Map<String, Object>) item;
					row(out, "send acknowledgement (open model)",
							Report.fmt(rate.get("offeredPerSecond")) + "/s offered",
							latency(rate.get("latency")) + "; achieved " + Report.fmt(rate.get("achievedPerSecond"))
									+ "/s, errors " + rate.get("errors"));
				}
			}
			else {
				row(out, "fixed rates", "-", "failed: " + rates.get("error"));
			}
		}
		if (results.get("endToEnd") instanceof Map<?, ?> e2e) {
			if (e2e.get("rates") instanceof List<?> list) {
				for (Object item : list) {
					Map<String, Object> rate = (Map<String, Object>) item;
					row(out, "send -> other member's socket", Report.fmt(rate.get("offeredPerSecond")) + "/s",
							latency(rate.get("sendToSocket")) + "; missing frames " + rate.get("framesMissing"));
				}
			}
			else {
				row(out, "end to end", "-", "failed: " + e2e.get("error"));
			}
		}
		if (results.get("idleSockets") instanceof Map<?, ?> sockets) {
			if (sockets.containsKey("held")) {
				row(out, "idle authenticated sockets on one chats-api",
						Report.fmt(sockets.get("requested")) + " opened",
						Report.fmt(sockets.get("held")) + " held, " + Report.fmt(sockets.get("refused1013"))
								+ " refused (1013); heap per socket " + Report.fmt(sockets.get("heapPerSocketBytes"))
								+ " bytes");
			}
			else {
				row(out, "idle sockets", "-", "failed: " + sockets.get("error"));
			}
		}
		if (results.get("reads") instanceof Map<?, ?> reads) {
			if (reads.containsKey("historyRandomDepth")) {
				String at = Report.fmt(reads.get("messages")) + " messages";
				row(out, "history page, random depth (limit 50)", at, latency(reads.get("historyRandomDepth")));
				row(out, "history, newest page", at, latency(reads.get("historyNewest")));
				row(out, "chat list, all unread", at, latency(reads.get("chatListWithAllUnread")));
				row(out, "search, most common word \"" + reads.get("commonWord") + "\"", at,
						latency(reads.get("searchCommonWord")));
				row(out, "search, rare word \"" + reads.get("rareWord") + "\"", at,
						latency(reads.get("searchRareWord")));
			}
			else {
				row(out, "reads", "-", "failed: " + reads.get("error"));
			}
		}
		if (results.get("postgresBaseline") instanceof Map<?, ?> pg) {
			if (pg.containsKey("singleRowTransactionsPerSecond")) {
				row(out, "baseline: PostgreSQL single-row insert transactions", "8 clients, fsync " + pg.get("fsync"),
						Report.fmt(pg.get("singleRowTransactionsPerSecond")) + " tx/s");
				row(out, "baseline: PostgreSQL rows in 10-row transactions", "8 clients",
						Report.fmt(pg.get("tenRowTransactionRowsPerSecond")) + " rows/s");
			}
			else {
				row(out, "baseline: PostgreSQL", "-", "failed: " + pg.get("error"));
			}
		}
		if (results.get("kafkaBaseline") instanceof Map<?, ?> kafka) {
			if (kafka.containsKey("recordsPerSecond")) {
				row(out, "baseline: Kafka ProducerPerformance", "acks=all, 200 B, 12 partitions",
						Report.fmt(kafka.get("recordsPerSecond")) + " records/s; p50 " + kafka.get("p50Ms") + " / p99 "
								+ kafka.get("p99Ms") + " / max " + kafka.get("maxLatencyMs") + " ms");
			}
			else {
				row(out, "baseline: Kafka", "-", "failed: " + kafka.get("error"));
			}
		}
		if (results.get("ratios") instanceof Map<?, ?> ratios) {
			if (ratios.get("sendPeakToPostgresSingleRowTx") != null) {
				row(out, "peak sends / PostgreSQL single-row tx", "", ratios.get("sendPeakToPostgresSingleRowTx") + "");
			}
			if (ratios.get("sendPeakToPostgresRowsIn10RowTx") != null) {
				row(out, "peak sends / PostgreSQL rows in 10-row tx", "",
						ratios.get("sendPeakToPostgresRowsIn10RowTx") + "");
			}
			if (ratios.get("sendPeakToKafkaRecords") != null) {
				row(out, "peak sends / Kafka records", "", ratios.get("sendPeakToKafkaRecords") + "");
			}
		}
		if (results.get("apphost") instanceof Map<?, ?> apphost && apphost.get("readyInMs") != null) {
			row(out, "AppHost start to healthy", "profile " + apphost.get("profile"), apphost.get("readyInMs") + " ms");
		}
		if (results.get("apphostRss") instanceof Map<?, ?> rss) {
			if (rss.containsKey("totalRssMiB")) {
				row(out, "AppHost total RSS", rss.get("processes") + " processes, before the load",
						Report.fmt(rss.get("totalRssMiB")) + " MiB (PSS, shared pages counted once: "
								+ Report.fmt(rss.get("totalPssMiB")) + " MiB)");
			}
			else {
				row(out, "AppHost RSS", "-", "failed: " + rss.get("error"));
			}
		}
		if (results.get("soak") instanceof Map<?, ?> soak) {
			if (soak.containsKey("send")) {
				Map<String, Object> send = (Map<String, Object>) soak.get("send");
				row(out, "soak",
						Report.fmt(send.get("offeredPerSecond")) + "/s for " + soak.get("durationSeconds") + " s",
						"achieved " + Report.fmt(send.get("achievedPerSecond")) + "/s, " + latency(send.get("latency"))
								+ ", errors " + send.get("errors") + "; dashboard always answered "
								+ yesNo(soak.get("dashboardAlwaysAnswered")) + " (max " + soak.get("dashboardMaxMs")
								+ " ms), no thread died " + yesNo(soak.get("noThreadDied")) + ", RSS flat "
								+ yesNo(soak.get("rssFlat")));
			}
			else {
				row(out, "soak", "-", "failed: " + soak.get("error"));
			}
		}
		return out.toString();
	}

	private static String yesNo(Object value) {
		return Boolean.TRUE.equals(value) ? "yes" : "**no**";
	}

	private static String shortCommit(Object commit) {
		String text = String.valueOf(commit);
		return (text.length() > 10) ? text.substring(0, 10) : text;
	}

	@SuppressWarnings("unchecked")
	private static String latency(Object value) {
		if (!(value instanceof Map<?, ?>)) {
			return "-";
		}
		Map<String, Object> latency = (Map<String, Object>) value;
		if (latency.get("p50Ms") == null) {
			return "no samples";
		}
		return "p50 " + latency.get("p50Ms") + " / p95 " + latency.get("p95Ms") + " / p99 " + latency.get("p99Ms")
				+ " / max " + latency.get("maxMs") + " ms";
	}

	private static void row(StringBuilder out, String figure, String at, String value) {
		out.append("| ").append(figure).append(" | ").append(at).append(" | ").append(value).append(" |\n");
	}

}
