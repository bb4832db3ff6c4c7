package io.chatapp.servicedefaults;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka health check of every service that uses Kafka: against a real (embedded
 * KRaft) broker, and against an address where nothing answers.
 */
class KafkaHealthAutoConfigurationTests {

	private final ApplicationContextRunner service = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaHealthAutoConfiguration.class))
		// No broker to create topics on.
		.withPropertyValues("spring.kafka.admin.auto-create=false");

	@Test
	void registersNothingWithoutKafka() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KafkaHealthAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaHealthIndicator"));
	}

	@Test
	void registersNothingWithoutTheKafkaClientsOnTheClasspath() {
		this.service.withClassLoader(new FilteredClassLoader(KafkaAdmin.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaHealthIndicator"));
	}

	@Test
	void registersNothingWhenTheKafkaHealthCheckIsDisabled() {
		this.service.withPropertyValues("management.health.kafka.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kafkaHealthIndicator"));
	}

	@Test
	void givesWayToTheServicesOwnKafkaHealthIndicator() {
		HealthIndicator mine = () -> Health.up().build();
		this.service.withBean("kafkaHealthIndicator", HealthIndicator.class, () -> mine)
			.run((context) -> assertThat(context).getBean("kafkaHealthIndicator").isSameAs(mine));
	}

	@Test
	void reportsKafkaDownWithinSecondsWhenNoBrokerAnswers() {
		this.service.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1").run((context) -> {
			HealthIndicator kafka = context.getBean("kafkaHealthIndicator", HealthIndicator.class);
			long started = System.nanoTime();
			assertThat(kafka.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
		});
	}

	@Test
	void reportsKafkaUpWithTheClusterWhenTheBrokerAnswers() {
		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.afterPropertiesSet();
		try {
			this.service.withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString())
				.run((context) -> {
					Health health = context.getBean("kafkaHealthIndicator", HealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("nodes", 1).containsKey("clusterId");
				});
		}
		finally {
			kafka.destroy();
		}
	}

}
