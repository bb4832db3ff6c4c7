package io.chatapp.servicedefaults.web;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Security for ChatApp's HTTP APIs: stateless, every request needs a valid bearer JWT
 * except health, API docs and the configured public paths; 401 and 403 are problem
 * details. The service supplies the {@code JwtDecoder} (users-api from its own keys,
 * others from users-api's JWKS via
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}).
 */
@AutoConfiguration(before = { ServletWebSecurityAutoConfiguration.class, ManagementWebSecurityAutoConfiguration.class },
		beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, BearerTokenAuthenticationFilter.class })
@EnableConfigurationProperties(WebApiProperties.class)
public class ApiSecurityAutoConfiguration {

	private static final String[] ALWAYS_PUBLIC = { "/health", "/alive", "/error", "/v3/api-docs", "/v3/api-docs/**",
			"/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**" };

	@Bean
	@ConditionalOnMissingBean
	ProblemSecurityHandlers problemSecurityHandlers(JsonMapper jsonMapper) {
		return new ProblemSecurityHandlers(jsonMapper);
	}

	/** Picked up by the token checks Spring Boot builds from the JWKS settings. */
	@Bean
	@ConditionalOnMissingBean
	UserIdSubject userIdSubject() {
		return new UserIdSubject();
	}

	/**
	 * Whichever {@code JwtDecoder} the service has (Spring Boot's from the JWKS, or its
	 * own) remembers the tokens it verified.
	 */
	@Bean
	static BeanPostProcessor verifiedTokenCache(ObjectProvider<WebApiProperties> properties) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof JwtDecoder decoder && !(bean instanceof VerifiedTokenCache)) {
					WebApiProperties settings = properties.getObject();
					if (settings.verifiedTokens() > 0) {
						return new VerifiedTokenCache(decoder, settings.verifiedTokens(),
								settings.verifiedTokenMaxAge(), Clock.systemUTC());
					}
				}
				return bean;
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean(SecurityFilterChain.class)
	SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, WebApiProperties properties,
			ProblemSecurityHandlers handlers) throws Exception {
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests((requests) -> {
				requests.requestMatchers(ALWAYS_PUBLIC).permitAll();
				properties.publicPaths().forEach((path) -> permit(requests, path));
				requests.anyRequest().authenticated();
			})
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> {
			})
				.bearerTokenResolver(ignoredOnPublicPaths(properties))
				.authenticationEntryPoint(handlers)
				.accessDeniedHandler(handlers))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(handlers).accessDeniedHandler(handlers));
		return http.build();
	}

	/**
	 * A public endpoint never looks at the token: a client still sending an expired one
	 * can register and log in again instead of getting 401 from the endpoints that would
	 * give it a new one.
	 */
	private static BearerTokenResolver ignoredOnPublicPaths(WebApiProperties properties) {
		List<RequestMatcher> publicPaths = new ArrayList<>();
		for (String path : ALWAYS_PUBLIC) {
			publicPaths.add(PathPatternRequestMatcher.withDefaults().matcher(path));
		}
		for (String path : properties.publicPaths()) {
			String[] parts = path.trim().split("\\s+", 2);
			publicPaths.add((parts.length == 2)
					? PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.valueOf(parts[0]), parts[1])
					: PathPatternRequestMatcher.withDefaults().matcher(parts[0]));
		}
		DefaultBearerTokenResolver tokens = new DefaultBearerTokenResolver();
		return (request) -> publicPaths.stream().anyMatch((matcher) -> matcher.matches(request)) ? null
				: tokens.resolve(request);
	}

	private static void permit(
			AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests,
			String path) {
		String[] parts = path.trim().split("\\s+", 2);
		if (parts.length == 2) {
			requests.requestMatchers(HttpMethod.valueOf(parts[0]), parts[1]).permitAll();
		}
		else {
			requests.requestMatchers(parts[0]).permitAll();
		}
	}

}
