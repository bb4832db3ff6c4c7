package io.chatapp.servicedefaults;

import io.micrometer.observation.ObservationPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeObservationTests {

	final ObservationPredicate predicate = new ServiceDefaultsAutoConfiguration().probeRequestsNotObserved();

	@AfterEach
	void clear() {
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void probeRequestsAreNotObservedButApiRequestsAre() {
		assertThat(this.predicate.test("http.server.requests", server("/health"))).isFalse();
		assertThat(this.predicate.test("http.server.requests", server("/alive"))).isFalse();
		assertThat(this.predicate.test("http.server.requests", server("/actuator/metrics"))).isFalse();
		assertThat(this.predicate.test("http.server.requests", server("/api/chats"))).isTrue();
		assertThat(this.predicate.test("http.server.requests", server("/healthy-snacks"))).isTrue();
	}

	@Test
	void observationsWhileServingAProbeAreNotRecorded() {
		RequestContextHolder
			.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest("GET", "/health")));
		assertThat(this.predicate.test("spring.security.filterchains",
				new io.micrometer.observation.Observation.Context()))
			.isFalse();
		RequestContextHolder
			.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest("GET", "/api/x")));
		assertThat(this.predicate.test("spring.security.filterchains",
				new io.micrometer.observation.Observation.Context()))
			.isTrue();
		RequestContextHolder.resetRequestAttributes();
		assertThat(this.predicate.test("kafka.listener", new io.micrometer.observation.Observation.Context())).isTrue();
	}

	private static ServerRequestObservationContext server(String path) {
		return new ServerRequestObservationContext(new MockHttpServletRequest("GET", path),
				new MockHttpServletResponse());
	}

}
