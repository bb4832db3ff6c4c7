package io.chatapp.hosting;

/**
 * CPU and memory of one service instance where it is deployed, in Kubernetes quantities:
 * the requests the scheduler reserves and the limits the instance may not exceed. The
 * AppHost does not limit its own processes; publishers write these out.
 *
 * @param cpuRequest e.g. {@code 500m}
 * @param memoryRequest e.g. {@code 768Mi}
 * @param cpuLimit e.g. {@code 2}
 * @param memoryLimit e.g. {@code 1280Mi}
 */
public record ComputeResources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {

	/** For a service that declares nothing: a small Spring Boot service. */
	public static final ComputeResources DEFAULT = new ComputeResources("250m", "512Mi", "1", "768Mi");

}
