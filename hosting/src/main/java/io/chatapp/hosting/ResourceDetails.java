package io.chatapp.hosting;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a resource was started and how its last health check went: what the dashboard's
 * details panel shows beside the {@link ResourceSnapshot}.
 *
 * @param service the service a replica belongs to (its name for everything else)
 * @param commandLine the command of its last start, empty when it runs in the AppHost or
 * elsewhere
 * @param environment the variables the AppHost gave that process (not the ones it
 * inherited)
 * @param workingDirectory the directory it ran in, or {@code null}
 * @param logFile where its output is appended, or {@code null}
 * @param health the last health check, or {@code null} before the first
 */
public record ResourceDetails(String service, List<String> commandLine, Map<String, String> environment,
		Path workingDirectory, Path logFile, HealthCheck health) {

	/**
	 * One health check.
	 *
	 * @param healthy whether it passed
	 * @param target what was checked, e.g. {@code http://127.0.0.1:5002/health}
	 * @param status the HTTP status, or {@code null} when there was no answer
	 * @param body the answer (e.g. Spring Boot's health JSON), cut at 4 KiB, or
	 * {@code null}
	 * @param error why there was no answer, or {@code null}
	 * @param time when it was checked
	 */
	public record HealthCheck(boolean healthy, String target, Integer status, String body, String error, Instant time) {

		/**
		 * One line for the state detail.
		 * @return e.g. {@code http://127.0.0.1:5002/health answered 503}
		 */
		public String summary() {
			return (this.status != null) ? this.target + " answered " + this.status : this.target + ": " + this.error;
		}

	}

}
