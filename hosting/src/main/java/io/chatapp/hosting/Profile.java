package io.chatapp.hosting;

import java.util.Locale;

/**
 * How the AppHost runs the system ({@code --profile}). The development profile trades
 * throughput and durability for start time and memory; the production profile runs the
 * same processes as a production deployment would, for benchmarks and load tests.
 */
public enum Profile {

	/**
	 * The default: C1 only, the serial collector and small heaps, PostgreSQL without
	 * {@code fsync} (a power cut may lose recent commits), every trace sampled and
	 * telemetry exported every second.
	 */
	DEVELOPMENT,

	/**
	 * Production-like: PostgreSQL durable ({@code fsync} on; commits are never
	 * acknowledged before they reach the disk), every JVM on the default JIT and
	 * collector with a heap fit for load, one trace in ten sampled; the application's
	 * model may size its services for load too.
	 */
	PRODUCTION;

	static Profile parse(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "development", "dev" -> DEVELOPMENT;
			case "production", "prod" -> PRODUCTION;
			default -> throw new HostingException(
					"Unknown profile '" + value + "': use --profile=development (the default) or --profile=production");
		};
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
