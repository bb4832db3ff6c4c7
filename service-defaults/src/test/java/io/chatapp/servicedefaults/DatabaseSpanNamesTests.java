package io.chatapp.servicedefaults;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import net.ttddyy.observation.tracing.QueryContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseSpanNamesTests {

	@Test
	void aStatementIsNamedByItsOperationAndTable() {
		assertThat(DatabaseSpanNames.name("""
				SELECT id, event_id, topic FROM outbox
				WHERE published_at IS NULL ORDER BY id LIMIT ?""")).isEqualTo("SELECT outbox");
		assertThat(DatabaseSpanNames.name("insert into messages (id, body) values (?, ?)"))
			.isEqualTo("INSERT messages");
		assertThat(DatabaseSpanNames.name("UPDATE outbox SET published_at = now() WHERE id = ANY (?)"))
			.isEqualTo("UPDATE outbox");
		assertThat(DatabaseSpanNames.name("DELETE FROM \"chats\".members WHERE chat_id = ?"))
			.isEqualTo("DELETE chats.members");
		assertThat(DatabaseSpanNames.name("SELECT pg_try_advisory_lock(hashtext('x'))")).isEqualTo("SELECT");
		assertThat(DatabaseSpanNames.name("  with recent as (select 1) select * from recent")).isEqualTo("WITH");
	}

	@Test
	void aBatchIsNamedAfterItsFirstStatement() {
		QueryContext context = new QueryContext();
		context.setQueries(List.of("INSERT INTO outbox VALUES (?)", "INSERT INTO outbox VALUES (?)"));

		assertThat(new DatabaseSpanNames().getContextualName(context)).isEqualTo("INSERT outbox (batch)");
	}

	@Test
	void statementsAreObservedOnlyInsideOtherWork() {
		ObservationPredicate predicate = new ServiceDefaultsAutoConfiguration.DatabaseObservationConfiguration()
			.databaseObservationsInsideWorkOnly();
		QueryContext alone = new QueryContext();
		QueryContext inRequest = new QueryContext();
		inRequest.setParentObservation(Observation.NOOP);

		assertThat(predicate.test("jdbc.query", alone)).isFalse();
		assertThat(predicate.test("jdbc.query", inRequest)).isTrue();
		assertThat(predicate.test("http.server.requests", new Observation.Context())).isTrue();
	}

}
