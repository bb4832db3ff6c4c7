package io.chatapp.migration;

import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Applies the migrations of each service schema with its own Flyway history table, and
 * keeps the service's login role confined to that schema. Every step is idempotent, so a
 * second run changes nothing.
 */
public final class DatabaseMigrator {

	private static final Logger log = LoggerFactory.getLogger(DatabaseMigrator.class);

	private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private final DataSource dataSource;

	private final List<MigrationProperties.ServiceSchema> schemas;

	public DatabaseMigrator(DataSource dataSource, List<MigrationProperties.ServiceSchema> schemas) {
		this.dataSource = dataSource;
		this.schemas = List.copyOf(schemas);
		this.schemas.forEach(DatabaseMigrator::validate);
	}

	/**
	 * Migrates every schema in order.
	 * @return the number of migrations applied, over all schemas
	 */
	public int migrate() {
		int applied = 0;
		for (MigrationProperties.ServiceSchema schema : this.schemas) {
			applied += migrate(schema);
		}
		return applied;
	}

	private int migrate(MigrationProperties.ServiceSchema schema) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		ensureRole(jdbc, schema);
		MigrateResult result = Flyway.configure()
			.dataSource(this.dataSource)
			.schemas(schema.name())
			.createSchemas(true)
			.locations("classpath:db/migration/" + schema.name())
			.load()
			.migrate();
		grant(jdbc, schema);
		log.info("Schema '{}': {} migration(s) applied, now at version {}", schema.name(), result.migrationsExecuted,
				(result.targetSchemaVersion != null) ? result.targetSchemaVersion : result.initialSchemaVersion);
		return result.migrationsExecuted;
	}

	private static void ensureRole(JdbcTemplate jdbc, MigrationProperties.ServiceSchema schema) {
		String role = schema.role();
		Integer exists = jdbc.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = ?", Integer.class, role);
		if (exists == null || exists == 0) {
			jdbc.execute("CREATE ROLE " + role + " LOGIN");
		}
		jdbc.execute("ALTER ROLE " + role + " LOGIN PASSWORD " + literal(schema.password()));
		// The role sees its own schema first, so services need no schema in their URL.
		jdbc.execute("ALTER ROLE " + role + " SET search_path = " + schema.name());
	}

	private static void grant(JdbcTemplate jdbc, MigrationProperties.ServiceSchema schema) {
		String name = schema.name();
		String role = schema.role();
		jdbc.execute("GRANT USAGE ON SCHEMA " + name + " TO " + role);
		jdbc.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + name + " TO " + role);
		jdbc.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + name + " TO " + role);
		// The migration history belongs to this job alone.
		jdbc.execute("REVOKE ALL ON " + name + ".flyway_schema_history FROM " + role);
	}

	private static void validate(MigrationProperties.ServiceSchema schema) {
		requireIdentifier("schema name", schema.name());
		requireIdentifier("role", schema.role());
		if (schema.password() == null || schema.password().isEmpty()) {
			throw new IllegalArgumentException("No password configured for role '" + schema.role() + "'");
		}
	}

	private static void requireIdentifier(String what, String value) {
		if (value == null || !IDENTIFIER.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"Invalid " + what + " '" + value + "': use lower-case letters, digits and underscores");
		}
	}

	private static String literal(String value) {
		return "'" + value.replace("'", "''") + "'";
	}

}
