package io.chatapp.chats.message;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

/**
 * The message endpoints' web layer alone: binding, validation and error mapping happen
 * before any service is called.
 */
@WebMvcTest(MessageController.class)
@Import(MessageControllerTests.Config.class)
class MessageControllerTests {

	static final UUID USER = UUID.randomUUID();

	static final UUID CHAT = UUID.randomUUID();

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	MessageService messages;

	@MockitoBean
	JwtDecoder jwtDecoder;

	@Test
	void sendReturns201WithLocationAnd200ForARetry() {
		MessageResponse message = new MessageResponse(UUID.randomUUID(), CHAT, 7, USER, "hi", "c1", null, Instant.now(),
				null, false, Map.of());
		given(this.messages.send(eq(CHAT), eq(USER), any())).willReturn(new MessageService.Sent(message, true),
				new MessageService.Sent(message, false));
		assertThat(this.mvc.post()
			.uri("/api/chats/" + CHAT + "/messages")
			.with(jwt().jwt((token) -> token.subject(USER.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"content\":\"hi\",\"clientMessageId\":\"c1\"}")).hasStatus(HttpStatus.CREATED)
			.hasHeader("Location", "/api/chats/" + CHAT + "/messages/7");
		assertThat(this.mvc.post()
			.uri("/api/chats/" + CHAT + "/messages")
			.with(jwt().jwt((token) -> token.subject(USER.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"content\":\"hi\",\"clientMessageId\":\"c1\"}")).hasStatus(HttpStatus.OK);
	}

	@Test
	void sendValidatesEveryField() {
		assertThat(this.mvc.post()
			.uri("/api/chats/" + CHAT + "/messages")
			.with(jwt())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"content\":\"\",\"clientMessageId\":\"\",\"replyToSeq\":0}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.contains("content", "clientMessageId", "replyToSeq");
		then(this.messages).should(never()).send(any(), any(), any(MessageRequests.Send.class));
	}

	@Test
	void badPathValuesAre400() {
		assertThat(this.mvc.get().uri("/api/chats/nope/messages").with(jwt())).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("chatId");
		assertThat(this.mvc.delete().uri("/api/chats/" + CHAT + "/messages/x").with(jwt()))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("seq");
		assertThat(this.mvc.put().uri("/api/chats/" + CHAT + "/messages/-1/reactions/x").with(jwt()))
			.hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.put().uri("/api/chats/" + CHAT + "/messages/1/reactions/" + "y".repeat(33)).with(jwt()))
			.hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void historyValidatesItsParameters() {
		assertThat(this.mvc.get().uri("/api/chats/" + CHAT + "/messages?limit=0").with(jwt()))
			.hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.get().uri("/api/chats/" + CHAT + "/messages?before=abc").with(jwt()))
			.hasStatus(HttpStatus.BAD_REQUEST);
		then(this.messages).should(never()).history(any(), any(), any(), any(), anyInt());
	}

	@Test
	void serviceProblemsPassThrough() {
		given(this.messages.edit(eq(CHAT), anyLong(), any(), any()))
			.willThrow(ProblemException.forbidden("Only the sender can edit a message"));
		assertThat(this.mvc.patch()
			.uri("/api/chats/" + CHAT + "/messages/1")
			.with(jwt().jwt((token) -> token.subject(USER.toString())))
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"content\":\"x\"}")).hasStatus(HttpStatus.FORBIDDEN)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void aTokenWhoseSubjectIsNotAUserIs401() {
		assertThat(this.mvc.get().uri("/api/chats/" + CHAT + "/messages").with(jwt()))
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void everyEndpointNeedsAToken() {
		assertThat(this.mvc.get().uri("/api/chats/" + CHAT + "/messages")).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(this.mvc.get().uri("/api/messages/search?q=x")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ChatsProperties.class)
	static class Config {

	}

}
