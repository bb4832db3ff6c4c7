package io.chatapp.hosting;

/**
 * Where a resource is in its life, as the console and the dashboard show it.
 */
public enum ResourceState {

	/** Declared, not started (yet, or because the AppHost stopped before its turn). */
	NOT_STARTED("Not started"),

	/** Waiting for the resources it waits for; the detail names them. */
	WAITING("Waiting"),

	/** Its process runs, readiness not yet confirmed. */
	STARTING("Starting"),

	/** A job's process runs. */
	RUNNING("Running"),

	/**
	 * Ready: a service answers {@code /health} with 200, infrastructure accepts clients.
	 */
	HEALTHY("Healthy"),

	/** Was healthy, now its health check fails. */
	UNHEALTHY("Unhealthy"),

	/** Being stopped. */
	STOPPING("Stopping"),

	/** The process ended; see the exit code. */
	EXITED("Exited"),

	/**
	 * Could not be started: a busy port, a failed dependency, a process that died while
	 * starting.
	 */
	FAILED_TO_START("Failed to start"),

	/** Cannot be started here, for example a service whose jar has not been built. */
	UNAVAILABLE("Not available");

	private final String label;

	ResourceState(String label) {
		this.label = label;
	}

	public String label() {
		return this.label;
	}

}
