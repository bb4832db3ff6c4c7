package io.chatapp.servicedefaults;

import io.micrometer.registry.otlp.OtlpMeterRegistry;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared defaults: present in every application (registered in
 * {@code spring.factories}), and always overridable by the application's own
 * configuration.
 */
class ServiceDefaultsEnvironmentPostProcessorTests {

	@Test
	void metricsExportIsDisabledWhenNoOtlpUrlIsConfigured() {
		MockEnvironment environment = new MockEnvironment();

		new ServiceDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("false");
	}

	@Test
	void metricsExportIsEnabledWhenAnOtlpUrlIsConfigured() {
		MockEnvironment environment = new MockEnvironment().withProperty("management.otlp.metrics.export.url",
				"http://127.0.0.1:4318/v1/metrics");

		new ServiceDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("true");
	}

	@Test
	void applicationPropertiesOverrideTheDefaults() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("management.tracing.sampling.probability", "0.1")
			.withProperty("management.otlp.metrics.export.enabled", "false")
			.withProperty("management.otlp.metrics.export.url", "http://127.0.0.1:4318/v1/metrics");

		new ServiceDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("management.tracing.sampling.probability")).isEqualTo("0.1");
		assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("false");
		// Defaults the application left alone still apply.
		assertThat(environment.getProperty("server.error.include-stacktrace")).isEqualTo("never");
	}

	@Test
	void defaultsApplyToEveryApplicationAndYieldToItsArguments() {
		try (ConfigurableApplicationContext context = run("--management.endpoints.web.exposure.include=health")) {
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getPropertySources()
				.contains(ServiceDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isTrue();
			assertThat(environment.getProperty("management.endpoint.health.group.readiness.additional-path"))
				.isEqualTo("server:/health");
			assertThat(environment.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health");
		}
	}

	@Test
	void kafkaClientConfigurationDumpsAreQuietUnlessTheApplicationAsks() {
		try (ConfigurableApplicationContext context = run(
				"--logging.level.org.apache.kafka.clients.admin.AdminClientConfig=INFO")) {
			assertThat(LoggerFactory.getLogger(AbstractConfig.class).isInfoEnabled()).isFalse();
			assertThat(LoggerFactory.getLogger(AbstractConfig.class).isWarnEnabled()).isTrue();
			assertThat(LoggerFactory.getLogger(ProducerConfig.class).isInfoEnabled()).isFalse();
			assertThat(LoggerFactory.getLogger(ConsumerConfig.class).isInfoEnabled()).isFalse();
			assertThat(LoggerFactory.getLogger(ProducerConfig.class).isWarnEnabled()).isTrue();
			assertThat(LoggerFactory.getLogger(AdminClientConfig.class).isInfoEnabled()).isTrue();
		}
	}

	@Test
	void noOtlpMeterRegistryWithoutAnOtlpUrl() {
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.getBeansOfType(OtlpMeterRegistry.class)).isEmpty();
		}
	}

	@Test
	void anOtlpMeterRegistryWhenAnOtlpUrlIsConfigured() {
		// Port 9 (discard) on loopback: nothing is listening, and nothing is sent during
		// the test.
		try (ConfigurableApplicationContext context = run(
				"--management.otlp.metrics.export.url=http://127.0.0.1:9/v1/metrics",
				"--management.otlp.metrics.export.step=1h")) {
			assertThat(context.getBeansOfType(OtlpMeterRegistry.class)).hasSize(1);
		}
	}

	private static ConfigurableApplicationContext run(String... args) {
		return new SpringApplicationBuilder(EmptyApplication.class).web(WebApplicationType.NONE)
			.run(concat(args, "--spring.main.banner-mode=off"));
	}

	private static String[] concat(String[] args, String extra) {
		String[] all = java.util.Arrays.copyOf(args, args.length + 1);
		all[args.length] = extra;
		return all;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
