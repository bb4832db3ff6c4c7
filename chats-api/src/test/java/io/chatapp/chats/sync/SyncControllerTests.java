package io.chatapp.chats.sync;

import java.util.List;

import io.chatapp.chats.ChatsProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

/**
 * The sync endpoint's web layer alone: tokens and timeouts are checked before the log is
 * read.
 */
@WebMvcTest(SyncController.class)
@Import(SyncControllerTests.Config.class)
class SyncControllerTests {

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	EventLog events;

	@MockitoBean
	EventFeed feed;

	@MockitoBean
	JwtDecoder jwtDecoder;

	@Test
	void syncNeedsAnAccessToken() {
		assertThat(this.mvc.get().uri("/api/sync")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void syncWithoutTokenReturnsAFreshOneAndValidatesTimeout() {
		given(this.events.now()).willReturn(new SyncToken(100));
		assertThat(this.mvc.get()
			.uri("/api/sync")
			.with(jwt().jwt((token) -> token.subject(java.util.UUID.randomUUID().toString())))).hasStatusOk()
			.bodyJson()
			.extractingPath("$.events")
			.asArray()
			.isEmpty();
		assertThat(this.mvc.get()
			.uri("/api/sync?since=abc&timeout=-1")
			.with(jwt().jwt((token) -> token.subject(java.util.UUID.randomUUID().toString()))))
			.hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.get()
			.uri("/api/sync?since=%%%")
			.with(jwt().jwt((token) -> token.subject(java.util.UUID.randomUUID().toString()))))
			.hasStatus(HttpStatus.BAD_REQUEST);
		given(this.events.read(any(), any(), anyInt())).willReturn(new EventLog.Batch(List.of(), new SyncToken(100)));
		String since = new SyncToken(5).encode();
		assertThat(this.mvc.get()
			.uri("/api/sync?since=" + since)
			.with(jwt().jwt((token) -> token.subject(java.util.UUID.randomUUID().toString())))).hasStatusOk();
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ChatsProperties.class)
	static class Config {

	}

}
