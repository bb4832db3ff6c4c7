package io.chatapp.servicedefaults;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import net.ttddyy.observation.tracing.QueryContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

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
		assertThat(DatabaseSpanNames.name("  with recent as (select 1) select * from recent"))
			.isEqualTo("SELECT recent");
		assertThat(DatabaseSpanNames.name("""
				WITH chat AS (
				  UPDATE chats SET last_seq = :seq WHERE id = (SELECT ':)')
				), sender AS MATERIALIZED (
				  UPDATE chat_members SET read_seq = :seq
				)
				INSERT INTO messages (chat_id, seq) VALUES (?, ?)""")).isEqualTo("INSERT messages");
		assertThat(DatabaseSpanNames.name("WITH broken AS (")).isEqualTo("WITH");
	}

	@Test
	void aBatchIsNamedAfterItsFirstStatement() {
		QueryContext context = new QueryContext();
		context.setQueries(List.of("INSERT INTO outbox VALUES (?)", "INSERT INTO outbox VALUES (?)"));

		assertThat(new DatabaseSpanNames().getContextualName(context)).isEqualTo("INSERT outbox (batch)");
	}

	@Test
	void statementsAreObservedOnlyInsideOtherWork() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler((context) -> true);
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("registry", registry);
		ObservationPredicate predicate = new ServiceDefaultsAutoConfiguration.DatabaseObservationConfiguration()
			.databaseObservationsInsideWorkOnly(beans.getBeanProvider(ObservationRegistry.class));
		QueryContext alone = new QueryContext();
		// What a statement's context holds when connection observations are off.
		QueryContext underNoopConnection = new QueryContext();
		underNoopConnection.setParentObservation(Observation.NOOP);

		assertThat(predicate.test("jdbc.query", alone)).isFalse();
		assertThat(predicate.test("jdbc.query", underNoopConnection)).isFalse();
		assertThat(predicate.test("http.server.requests", new Observation.Context())).isTrue();
		Observation request = Observation.start("http.server.requests", registry);
		try (Observation.Scope scope = request.openScope()) {
			assertThat(predicate.test("jdbc.query", underNoopConnection)).isTrue();
		}
		finally {
			request.stop();
		}
		QueryContext inRequest = new QueryContext();
		inRequest.setParentObservation(request);
		assertThat(predicate.test("jdbc.query", inRequest)).isTrue();
	}

}
