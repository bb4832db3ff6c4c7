package io.chatapp.servicedefaults;

import org.apache.kafka.clients.admin.Admin;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * A Kafka health check, part of {@code /health}, for every service that uses Kafka,
 * whether or not it has an outbox. Turned off with
 * {@code management.health.kafka.enabled=false}; gives way to the service's own
 * {@code kafkaHealthIndicator}.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass({ Admin.class, KafkaAdmin.class, AbstractHealthIndicator.class })
@ConditionalOnBean(KafkaAdmin.class)
@ConditionalOnEnabledHealthIndicator("kafka")
public class KafkaHealthAutoConfiguration {

	/**
	 * Named {@code kafka} in the health endpoint. Connects with the settings of the
	 * application's {@link KafkaAdmin}, which Boot builds from {@code spring.kafka.*} and
	 * the {@code KafkaConnectionDetails} (bootstrap servers, security protocol, SSL
	 * bundle), so the check reaches the cluster the way the application does.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "kafkaHealthIndicator")
	KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
		return new KafkaHealthIndicator(kafkaAdmin.getConfigurationProperties());
	}

}
