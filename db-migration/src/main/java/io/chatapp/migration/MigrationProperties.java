package io.chatapp.migration;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the migration job prepares.
 *
 * @param schemas one entry per service: its schema, and the role the service logs in as
 */
@ConfigurationProperties("chatapp.migration")
public record MigrationProperties(List<ServiceSchema> schemas) {

	public MigrationProperties {
		schemas = (schemas != null) ? List.copyOf(schemas) : List.of();
	}

	/**
	 * A service's schema and its login role, which may use only that schema.
	 *
	 * @param name schema name; migrations are read from
	 * {@code classpath:db/migration/<name>}
	 * @param role login role of the service
	 * @param password the role's password
	 */
	public record ServiceSchema(String name, String role, String password) {
	}

}
