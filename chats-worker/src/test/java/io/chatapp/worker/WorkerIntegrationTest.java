package io.chatapp.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole worker on a real Kafka broker (embedded, KRaft) and a real PostgreSQL. Every
 * test class uses the same configuration, so they share one application context and one
 * broker; tests keep apart by using fresh ids.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "chatapp.worker.retry.attempts=3", "chatapp.worker.retry.delay=200ms",
				"chatapp.worker.retry.multiplier=2", "chatapp.worker.retry.max-delay=1s",
				"management.opentelemetry.logging.export.schedule-delay=50ms",
				"management.opentelemetry.tracing.export.schedule-delay=50ms" })
@EmbeddedKafka(partitions = 1, topics = { Event.CHAT_EVENTS, Event.USER_EVENTS },
		bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@ContextConfiguration(initializers = ChatsTestDatabase.class)
@Import({ TestEvents.class, TestTelemetry.class })
@interface WorkerIntegrationTest {

}
