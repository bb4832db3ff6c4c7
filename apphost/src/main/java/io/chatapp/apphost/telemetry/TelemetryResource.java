package io.chatapp.apphost.telemetry;

import java.util.Map;

import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Who sent telemetry, from its OTLP resource attributes.
 *
 * <p>
 * The name matches the AppHost's resource names: the AppHost sets {@code service.name} to
 * the service (e.g. {@code chats-api}) and {@code service.instance.id} to the replica
 * (e.g. {@code chats-api} or {@code chats-api-2}). Other senders get
 * {@code <service.name>-<service.instance.id>}, or just the service name without an
 * instance id.
 *
 * @param name the resource name, e.g. {@code chats-api-2}
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
	 * Whether a filter names this resource: its resource name or its service name (which
	 * covers all replicas).
	 * @param filter a name
	 * @return whether it matches
	 */
	boolean matches(String filter) {
		return this.name.equals(filter) || this.serviceName.equals(filter);
	}

}
