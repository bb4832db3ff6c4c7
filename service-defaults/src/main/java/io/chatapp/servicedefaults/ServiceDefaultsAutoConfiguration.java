package io.chatapp.servicedefaults;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The basic flavour of the service defaults, for every service and job: log records are
 * bridged to OpenTelemetry, so they leave over OTLP with the traces and metrics whenever
 * an endpoint is configured. Health paths and telemetry defaults come from
 * {@link ServiceDefaultsEnvironmentPostProcessor}.
 */
@AutoConfiguration(after = OpenTelemetrySdkAutoConfiguration.class)
public class ServiceDefaultsAutoConfiguration {

	@Bean
	@ConditionalOnClass(OpenTelemetryAppender.class)
	@ConditionalOnBean(OpenTelemetry.class)
	@ConditionalOnMissingBean
	OpenTelemetryLogsBridge openTelemetryLogsBridge(OpenTelemetry openTelemetry) {
		return new OpenTelemetryLogsBridge(openTelemetry);
	}

	/**
	 * Attaches OpenTelemetry's Logback appender to the root logger. Spring Boot
	 * configures the exporter but leaves bridging the logging system to the application.
	 */
	public static class OpenTelemetryLogsBridge implements InitializingBean {

		private final OpenTelemetry openTelemetry;

		OpenTelemetryLogsBridge(OpenTelemetry openTelemetry) {
			this.openTelemetry = openTelemetry;
		}

		@Override
		public void afterPropertiesSet() {
			if (!(org.slf4j.LoggerFactory
				.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
				return;
			}
			ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
			if (root.getAppender("OTEL") == null) {
				OpenTelemetryAppender appender = new OpenTelemetryAppender();
				appender.setName("OTEL");
				appender.setContext(context);
				appender.setCaptureCodeAttributes(true);
				appender.setCaptureMdcAttributes("*");
				appender.start();
				root.addAppender(appender);
			}
			OpenTelemetryAppender.install(this.openTelemetry);
		}

	}

}
