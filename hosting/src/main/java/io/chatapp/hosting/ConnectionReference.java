package io.chatapp.hosting;

import java.util.Map;

/**
 * What a resource hands to the services that reference it: environment variables in the
 * names Spring Boot binds natively ({@code SPRING_DATASOURCE_URL},
 * {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}, ...), so a service needs no AppHost-specific
 * configuration.
 */
@FunctionalInterface
public interface ConnectionReference {

	/**
	 * The variables, computed when the referencing process starts.
	 * @return variable name to value
	 */
	Map<String, String> environment();

}
