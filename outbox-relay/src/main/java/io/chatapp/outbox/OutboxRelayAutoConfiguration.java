package io.chatapp.outbox;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.FunctionCounter;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.StringUtils;

/**
 * The outbox relay of a service and its topics, for every service with a DataSource and
 * Kafka. Turned off with {@code chatapp.outbox.enabled=false}; every bean gives way to
 * one the service defines. The Kafka health check comes from the service defaults.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class },
		afterName = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({ KafkaTemplate.class, DataSource.class })
@ConditionalOnBooleanProperty(name = "chatapp.outbox.enabled", matchIfMissing = true)
@ConditionalOnBean({ DataSource.class, KafkaConnectionDetails.class })
@EnableConfigurationProperties(OutboxRelayProperties.class)
public class OutboxRelayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay outboxRelay(DataSource dataSource, KafkaProperties kafkaProperties,
			KafkaConnectionDetails connectionDetails, OutboxRelayProperties properties, Environment environment,
			ObjectProvider<OpenTelemetry> openTelemetry) {
		Map<String, Object> producer = kafkaProperties.buildProducerProperties();
		applyConnectionDetails(producer, connectionDetails.getProducer());
		String source = StringUtils.hasText(properties.source()) ? properties.source()
				: "/" + environment.getProperty("spring.application.name", "application");
		return new OutboxRelay(dataSource, producerFactory(producer), properties, source,
				openTelemetry.getIfAvailable(OpenTelemetry::noop));
	}

	/** Boot's {@link KafkaAdmin} creates these at startup when they do not exist yet. */
	@Bean
	@ConditionalOnMissingBean(name = "outboxTopics")
	KafkaAdmin.NewTopics outboxTopics(OutboxRelayProperties properties) {
		return new KafkaAdmin.NewTopics(properties.topicsToCreate()
			.entrySet()
			.stream()
			.map((topic) -> topic.getValue().newTopic(topic.getKey()))
			.toArray(NewTopic[]::new));
	}

	/**
	 * The relay's own producer: idempotent with {@code acks=all} whatever the
	 * application's producer settings say, so a retried send neither duplicates nor
	 * reorders within a partition and an acknowledged event survives the loss of a
	 * broker. Timeouts are shortened (unless configured) so an unreachable cluster fails
	 * a batch in seconds, not minutes.
	 * @param properties connection and client settings
	 * @return a producer factory of string keys and values
	 */
	static DefaultKafkaProducerFactory<String, String> producerFactory(Map<String, Object> properties) {
		Map<String, Object> config = new HashMap<>(properties);
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
		if (!config.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
				&& !config.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
			config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
			config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
		}
		return new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new StringSerializer());
	}

	/**
	 * What Boot's own Kafka auto-configuration applies on top of {@link KafkaProperties}.
	 */
	static void applyConnectionDetails(Map<String, Object> properties,
			KafkaConnectionDetails.Configuration connection) {
		properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
		if (StringUtils.hasLength(connection.getSecurityProtocol())) {
			properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, connection.getSecurityProtocol());
		}
		if (connection.getSslBundle() != null) {
			properties.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
			properties.put(SslBundle.class.getName(), connection.getSslBundle());
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class OutboxMetricsConfiguration {

		/**
		 * {@code chatapp.outbox.published} (events this instance published) and
		 * {@code chatapp.outbox.pending} (rows waiting, counted on every scrape).
		 */
		@Bean
		@ConditionalOnMissingBean(name = "outboxRelayMetrics")
		MeterBinder outboxRelayMetrics(OutboxRelay relay) {
			return (registry) -> {
				FunctionCounter.builder("chatapp.outbox.published", relay, OutboxRelay::publishedCount)
					.description("Outbox events published to Kafka by this instance")
					.register(registry);
				Gauge.builder("chatapp.outbox.pending", relay, OutboxRelayAutoConfiguration::pendingOrNaN)
					.description("Outbox events not yet published")
					.register(registry);
				Gauge.builder("chatapp.outbox.leader", relay, (it) -> it.isLeader() ? 1 : 0)
					.description("1 while this instance is the one publishing the outbox")
					.register(registry);
			};
		}

	}

	private static double pendingOrNaN(OutboxRelay relay) {
		try {
			return relay.pendingCount();
		}
		catch (Exception ex) {
			return Double.NaN;
		}
	}

}
