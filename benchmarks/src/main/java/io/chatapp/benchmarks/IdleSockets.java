package io.chatapp.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.management.UnixOperatingSystemMXBean;

/**
 * Idle authenticated sockets on one chats-api instance and the heap they take: the
 * instance's heap after a full GC before and after opening them.
 */
final class IdleSockets {

	private IdleSockets() {
	}

	/** This JVM's limit on open files, -1 where unknown. */
	static long openFilesLimit() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return -1;
	}

	static Map<String, Object> run(String wsUrl, List<Api.User> users, int count, Long chatsApiPid) throws Exception {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("requested", count);
		long ownLimit = openFilesLimit();
		section.put("benchmarkOpenFilesLimit", ownLimit);
		if (chatsApiPid != null) {
			section.put("chatsApiOpenFilesLimit", SystemProbe.openFilesLimit(chatsApiPid));
		}
		if (ownLimit > 0 && count > ownLimit - 256) {
			// Past the limit every further connect fails: open what fits and say so.
			Benchmarks.progress("sockets: the open-files limit is %d, so %d sockets instead of %d"
					+ " (raise the hard limit, ulimit -Hn, to open more)", ownLimit, ownLimit - 256, count);
			count = (int) (ownLimit - 256);
		}
		section.put("opened", count);
		section.put("usersSharingThem", users.size());
		section.put("chatsApiPid", chatsApiPid);
		Long before = null;
		if (chatsApiPid != null) {
			before = SystemProbe.heapUsedAfterGc(chatsApiPid);
			section.put("heapUsedBeforeBytes", before);
		}
		long opened = System.nanoTime();
		try (WebSockets sockets = new WebSockets(wsUrl, 256, (socket, text, received) -> {
		})) {
			long lastReport = System.nanoTime();
			for (int i = 0; i < count; i++) {
				sockets.open(users.get(i % users.size()).token(), null);
				if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
					lastReport = System.nanoTime();
					Benchmarks.progress("sockets: %d opened, %d ready, %d refused (1013), %d closed", i + 1,
							sockets.ready(), sockets.refused(), sockets.closed());
				}
			}
			sockets.awaitOpened(60, TimeUnit.SECONDS);
			double openSeconds = (System.nanoTime() - opened) / 1e9;
			// Let the instance settle (presence leases, session bookkeeping) before
			// weighing it.
			Thread.sleep(5000);
			int held = sockets.ready();
			section.put("held", held);
			section.put("refused1013", sockets.refused());
			section.put("closedOtherwise", sockets.closed() - sockets.refused());
			section.put("openSeconds", Stats.round(openSeconds, 1));
			section.put("opensPerSecond", Stats.round(count / openSeconds, 1));
			if (chatsApiPid != null) {
				section.put("chatsApiOpenFiles", SystemProbe.openFiles(chatsApiPid));
			}
			if (chatsApiPid != null) {
				long after = SystemProbe.heapUsedAfterGc(chatsApiPid);
				section.put("heapUsedAfterBytes", after);
				section.put("heapPerSocketBytes", (held > 0) ? (after - before) / held : null);
				section.put("chatsApiRssKb", SystemProbe.status(chatsApiPid, "VmRSS"));
				section.put("chatsApiThreads", SystemProbe.status(chatsApiPid, "Threads"));
			}
			section.put("stillHeldAfterWeighing", sockets.ready());
			Benchmarks.progress("sockets: %d held, %d refused (1013), heap per socket %s bytes", held,
					sockets.refused(), section.get("heapPerSocketBytes"));
		}
		return section;
	}

}
