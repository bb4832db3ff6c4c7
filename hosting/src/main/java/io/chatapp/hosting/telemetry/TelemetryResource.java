package io.chatapp.hosting.telemetry;

import java.util.Map;

import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Who sent telemetry, from its OTLP resource attributes.
 *
 * <p>
 * The name matches the AppHost's resource names: the AppHost sets {@code service.name} to
 * the service (e.g. {@code orders-api}) and {@code service.instance.id} to the replica
 * (e.g. {@code orders-api} or {@code orders-api-2}). Other senders get
 * {@code <service.name>-<service.instance.id>}, or just the service name without an
 * instance id.
 *
 * @param name the resource name, e.g. {@code orders-api-2}
 * @param serviceName {@code service.name}
 * @param instanceId {@code service.instance.id}, or empty
 * @param attributes all resource attributes
 */
record TelemetryResource(String name, String serviceName, String instanceId, Map<String, Object> attributes) {

	static TelemetryResource of(Resource resource) {
		Map<String, Object> attributes = Otlp.attributes(resource.getAttributesList());
		Object service = attributes.get("service.name");
		String serviceName = (service != null && !service.toString().isBlank()) ? service.toString()
				: "unknown_service";
		Object instance = attributes.get("service.instance.id");
		String instanceId = (instance != null) ? instance.toString() : "";
		return new TelemetryResource(name(serviceName, instanceId), serviceName, instanceId, attributes);
	}

	static String name(String serviceName, String instanceId) {
		if (instanceId.isBlank() || instanceId.equals(serviceName)) {
			return serviceName;
		}
		return instanceId.startsWith(serviceName + "-") ? instanceId : serviceName + "-" + instanceId;
	}

	/**
	 * What stored spans, log records and metric points refer to: the names without the
	 * attributes, which only the latest resource keeps (so that a sender changing its
	 * attributes all the time cannot multiply them with every record).
	 * @return the resource without attributes
	 */
	TelemetryResource reference() {
		return this.attributes.isEmpty() ? this
				: new TelemetryResource(this.name, this.serviceName, this.instanceId, Map.of());
	}

	/**
	 * Roughly what this resource takes on the heap.
	 * @return bytes
	 */
	long estimatedSize() {
		return 40 + Otlp.size(this.name) + Otlp.size(this.serviceName) + Otlp.size(this.instanceId)
				+ (this.attributes.isEmpty() ? 0 : Otlp.size(this.attributes));
	}

	/**
	 * Whether a filter names this resource: its resource name or its service name (which
	 * covers all replicas).
	 * @param filter a name
	 * @return whether it matches
	 */
	boolean matches(String filter) {
		return this.name.equals(filter) || this.serviceName.equals(filter);
	}

}
