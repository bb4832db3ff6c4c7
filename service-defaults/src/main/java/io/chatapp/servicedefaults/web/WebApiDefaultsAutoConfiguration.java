package io.chatapp.servicedefaults.web;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The HTTP API flavour of the service defaults: problem details for every error, from MVC
 * handlers, filters, the error page and Tomcat itself alike, strict JSON input (no type
 * coercion, no unpaired surrogates), query strings that must be UTF-8, a request body
 * size limit, a log record for every failed request, and OpenAPI documents that describe
 * all of that ({@link OpenApiDefaults}).
 */
@AutoConfiguration(before = { WebMvcAutoConfiguration.class, ErrorMvcAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ResponseEntityExceptionHandler.class)
@EnableConfigurationProperties(WebApiProperties.class)
public class WebApiDefaultsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
	ProblemDetailsAdvice problemDetailsAdvice() {
		return new ProblemDetailsAdvice();
	}

	@Bean
	@ConditionalOnMissingBean(ErrorController.class)
	ProblemErrorController problemErrorController() {
		return new ProblemErrorController();
	}

	/**
	 * Spring Boot's {@code ServerHttpObservationFilter} runs at this order; every filter
	 * below runs inside it, so what it answers or logs belongs to the request's trace.
	 */
	static final int OBSERVATION_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	@Bean
	@ConditionalOnMissingBean(name = "failedRequestLogFilter")
	FilterRegistrationBean<FailedRequestLogFilter> failedRequestLogFilter() {
		FilterRegistrationBean<FailedRequestLogFilter> registration = new FilterRegistrationBean<>(
				new FailedRequestLogFilter());
		// Inside the observation, around everything else, so that a request refused by
		// any later filter is logged too.
		registration.setOrder(OBSERVATION_FILTER_ORDER + 1);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean(name = "requestSizeLimitFilter")
	FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(WebApiProperties properties,
			JsonMapper jsonMapper) {
		FilterRegistrationBean<RequestSizeLimitFilter> registration = new FilterRegistrationBean<>(
				new RequestSizeLimitFilter(properties.maxRequestSize(), jsonMapper));
		// Before security and everything else (but inside the observation): an oversized
		// body is refused unread.
		registration.setOrder(OBSERVATION_FILTER_ORDER + 2);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean(name = "queryStringFilter")
	FilterRegistrationBean<QueryStringFilter> queryStringFilter(JsonMapper jsonMapper) {
		FilterRegistrationBean<QueryStringFilter> registration = new FilterRegistrationBean<>(
				new QueryStringFilter(jsonMapper));
		// Before security and everything else that might read a parameter.
		registration.setOrder(OBSERVATION_FILTER_ORDER + 3);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapperBuilderCustomizer.class)
	static class StrictJsonInputConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StrictJsonInput strictJsonInput() {
			return new StrictJsonInput();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springdoc.core.customizers.OpenApiCustomizer")
	static class OpenApiDefaultsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "openApiDefaults")
		OpenApiDefaults openApiDefaults(WebApiProperties properties, Environment environment) {
			return new OpenApiDefaults(properties, environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ErrorReportValve.class, ConfigurableTomcatWebServerFactory.class })
	static class TomcatErrorReportConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "problemErrorReportValveCustomizer")
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReportValveCustomizer() {
			return new ProblemErrorReportValveCustomizer();
		}

	}

	/**
	 * Puts {@link ProblemErrorReportValve} on the Host in place of Tomcat's (or Spring
	 * Boot's) error report valve. Ordered last, so that it runs after Spring Boot's own
	 * Tomcat customizer, which adds a plain one.
	 */
	static class ProblemErrorReportValveCustomizer
			implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

		@Override
		public void customize(ConfigurableTomcatWebServerFactory factory) {
			factory.addContextCustomizers((context) -> {
				if (context.getParent() instanceof StandardHost host) {
					for (Valve valve : host.getPipeline().getValves()) {
						if (valve instanceof ErrorReportValve) {
							host.getPipeline().removeValve(valve);
						}
					}
					host.getPipeline().addValve(new ProblemErrorReportValve());
					host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
				}
			});
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
