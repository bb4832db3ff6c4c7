package io.chatapp.servicedefaults;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import net.ttddyy.observation.tracing.DataSourceBaseContext;
import net.ttddyy.observation.tracing.QueryContext;
import net.ttddyy.observation.tracing.QueryObservationConvention;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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
	 * Health probes are polled every few seconds by orchestrators and the AppHost; a
	 * trace for each would bury the real ones. Requests to the probe paths are not
	 * observed: the server request itself (from its context) and anything observed while
	 * serving it (security filters, for example; from the current request).
	 * @return the predicate
	 */
	@Bean
	@ConditionalOnClass({ ObservationPredicate.class, ServerRequestObservationContext.class,
			RequestContextHolder.class })
	@ConditionalOnMissingBean(name = "probeRequestsNotObserved")
	ObservationPredicate probeRequestsNotObserved() {
		return (name, context) -> {
			if (context instanceof ServerRequestObservationContext server) {
				return !isProbe(server.getCarrier().getRequestURI());
			}
			return !(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
					&& isProbe(attributes.getRequest().getRequestURI()));
		};
	}

	/**
	 * Database spans ({@code SELECT outbox}) for statements run on behalf of a request, a
	 * gRPC call or a consumed record; one statement each, no connection or result set
	 * spans (see {@link ServiceDefaultsEnvironmentPostProcessor}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ QueryContext.class, ObservationPredicate.class })
	static class DatabaseObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(QueryObservationConvention.class)
		DatabaseSpanNames databaseSpanNames() {
			return new DatabaseSpanNames();
		}

		/**
		 * Background pollers (the outbox relay, the event sequencer, presence reapers)
		 * run statements every few hundred milliseconds; as traces of their own they
		 * would bury the real ones. A statement is observed only inside other work.
		 * @return the predicate
		 */
		@Bean
		@ConditionalOnMissingBean(name = "databaseObservationsInsideWorkOnly")
		ObservationPredicate databaseObservationsInsideWorkOnly(ObjectProvider<ObservationRegistry> registry) {
			return (name, context) -> !(context instanceof DataSourceBaseContext)
					|| insideWork(context.getParentObservation())
					|| insideWork(registry.getObject().getCurrentObservation());
		}

		/**
		 * A statement's parent may be the no-op observation of its connection (connection
		 * spans are off), which is no work of its own.
		 */
		private static boolean insideWork(ObservationView observation) {
			return (observation instanceof Observation real) ? !real.isNoop() : observation != null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterFilter.class, org.apache.kafka.clients.consumer.Consumer.class })
	static class KafkaMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "kafkaTopicMetricsFilter")
		KafkaTopicMetricsFilter kafkaTopicMetricsFilter() {
			return new KafkaTopicMetricsFilter();
		}

	}

	/**
	 * Whether a path is one of the health probes (or another actuator endpoint), which
	 * orchestrators poll and which are neither traced nor logged as failed requests.
	 * @param path the request's path
	 * @return {@code true} for {@code /health}, {@code /alive} and {@code /actuator/**}
	 */
	public static boolean isProbe(String path) {
		return path != null && (path.equals("/health") || path.equals("/alive") || path.startsWith("/actuator"));
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
