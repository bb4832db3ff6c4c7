package io.chatapp.hosting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JVM flags for the child JVMs. The system is a dozen small JVMs on a developer machine,
 * so the flags trade peak throughput for start time and memory.
 */
final class JvmOptions {

	/**
	 * For the Spring Boot services and jobs in the development profile: C1 only (most of
	 * the start time is JIT compilation, and a dev system never needs C2's peak speed),
	 * the serial collector (no GC threads to spare on 2 cores), a modest heap and smaller
	 * thread stacks.
	 */
	static final List<String> SERVICE = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m",
			"-Xss512k", "-XX:ReservedCodeCacheSize=64m");

	/**
	 * For the services in the production profile: the default JIT (C2 compiles the hot
	 * paths, with intrinsics for cryptography and Base64), G1 with a heap that holds a
	 * busy instance's sockets and queues.
	 */
	static final List<String> SERVICE_PRODUCTION = List.of("-XX:+UseG1GC", "-Xms256m", "-Xmx1g");

	/**
	 * For the Kafka broker: its heap capped (a broker with a handful of topics needs
	 * little); see the broker's {@code log.cleaner.dedupe.buffer.size}, which must fit.
	 */
	static final List<String> KAFKA = List.of("-Xms64m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			"-Xss512k");

	/**
	 * For the Kafka broker in the production profile: Kafka's own defaults (a 1 GiB heap,
	 * G1 with a 20 ms pause goal) and the default JIT.
	 */
	static final List<String> KAFKA_PRODUCTION = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC",
			"-XX:MaxGCPauseMillis=20");

	static List<String> service(Profile profile) {
		return (profile == Profile.PRODUCTION) ? SERVICE_PRODUCTION : SERVICE;
	}

	static List<String> kafka(Profile profile) {
		return (profile == Profile.PRODUCTION) ? KAFKA_PRODUCTION : KAFKA;
	}

	private JvmOptions() {
	}

	/**
	 * Application class-data sharing: the classes a JVM loaded on its first run are
	 * archived and mapped straight into memory on later runs, which saves a good part of
	 * a Spring Boot start. On JDK 19+ the JVM maintains the archive itself; on JDK 17 the
	 * first run writes it when the process exits and later runs use it. The archive is
	 * dropped when the jar changes, because the JVM refuses a mismatched one.
	 * @param jar the jar the JVM runs
	 * @param directory where this jar's archive lives
	 * @return the flags, possibly none
	 */
	static List<String> classDataSharing(Path jar, Path directory) {
		try {
			Files.createDirectories(directory);
			Path archive = directory.resolve("classes.jsa");
			Path stamp = directory.resolve("jar.stamp");
			String jarStamp = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " "
					+ Runtime.version().feature();
			if (!Files.exists(stamp) || !Files.readString(stamp).equals(jarStamp)) {
				Files.deleteIfExists(archive);
				Files.writeString(stamp, jarStamp);
			}
			if (Runtime.version().feature() >= 19) {
				return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive);
			}
			if (Files.exists(archive)) {
				return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
			}
			return List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
		}
		catch (IOException ex) {
			return List.of();
		}
	}

}
