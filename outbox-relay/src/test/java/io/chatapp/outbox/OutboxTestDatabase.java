package io.chatapp.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A real PostgreSQL with the users schema, migrated by the db-migration job's own code
 * and reached as {@code users_app}, whose search path makes the table just
 * {@code outbox}.
 */
final class OutboxTestDatabase {

	static final String ROLE = "users_app";

	static final String PASSWORD = "users_app_test";

	private static boolean migrated;

	private OutboxTestDatabase() {
	}

	static synchronized EmbeddedPostgresServer start() {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
		if (!migrated) {
			DriverManagerDataSource admin = new DriverManagerDataSource(server.jdbcUrl(), server.superuser(), "");
			new DatabaseMigrator(admin, List.of(new ServiceSchema("users", ROLE, PASSWORD))).migrate();
			migrated = true;
		}
		return server;
	}

	static DataSource dataSource() {
		return new DriverManagerDataSource(start().jdbcUrl(), ROLE, PASSWORD);
	}

	static JdbcClient jdbc() {
		return JdbcClient.create(dataSource());
	}

	/** Empties the outbox, which outlives test runs with the database files. */
	static void clear() {
		jdbc().sql("DELETE FROM outbox").update();
	}

	static long pending() {
		return jdbc().sql("SELECT count(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
	}

	/**
	 * Records events in one transaction, then commits or rolls it back.
	 * @param commit whether the transaction commits
	 * @param events the events to insert, in order
	 * @return the events
	 */
	static List<Event> record(boolean commit, List<Event> events) throws SQLException {
		try (Connection connection = dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("""
					INSERT INTO outbox (event_id, topic, event_key, event_type, payload, traceparent)
					VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?)
					""")) {
				for (Event event : events) {
					insert.setObject(1, event.id());
					insert.setString(2, event.topic());
					insert.setString(3, event.key());
					insert.setString(4, event.type());
					insert.setString(5, event.payload());
					insert.setString(6, event.traceparent());
					insert.executeUpdate();
				}
			}
			if (commit) {
				connection.commit();
			}
			else {
				connection.rollback();
			}
		}
		return events;
	}

	/**
	 * An outbox row as a service writes it.
	 *
	 * @param id the event id
	 * @param topic the topic
	 * @param key the chat id the event is about
	 * @param type the event type
	 * @param occurredAt the payload's {@code occurredAt} text, or {@code null} for none
	 * @param traceparent the W3C trace context, or {@code null}
	 */
	record Event(UUID id, String topic, String key, String type, String occurredAt, String traceparent) {

		static Event of(String topic, String key, String occurredAt, String traceparent) {
			return new Event(UUID.randomUUID(), topic, key, "message.created", occurredAt, traceparent);
		}

		static Event of(String topic, String key) {
			return of(topic, key, Instant.now().toString(), null);
		}

		String payload() {
			return "{\"id\": \"" + this.id + "\", \"type\": \"" + this.type + "\", \"chatId\": \"" + this.key + "\""
					+ ((this.occurredAt != null) ? ", \"occurredAt\": \"" + this.occurredAt + "\"" : "")
					+ ", \"data\": {}}";
		}

	}

}
