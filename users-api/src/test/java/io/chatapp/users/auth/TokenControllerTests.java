package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.JWKSet;
import io.chatapp.users.UsersProperties;
import io.chatapp.users.user.PresenceStatus;
import io.chatapp.users.user.User;
import io.chatapp.users.user.UserService;
import io.chatapp.servicedefaults.web.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

@WebMvcTest(TokenController.class)
class TokenControllerTests {

	static final SigningKeys KEYS = SigningKeys.generated();

	static final User BOB = new User(UUID.randomUUID(), "bob", "Bob", "bob@example.com", "hash", null, null,
			PresenceStatus.OFFLINE, null, Instant.now());

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JwtDecoder decoder;

	@MockitoBean
	UserService users;

	@MockitoBean
	LoginAttempts loginAttempts;

	LoginAttempts.Reservation reservation = mock(LoginAttempts.Reservation.class);

	@BeforeEach
	void reserveEveryAttempt() {
		given(this.loginAttempts.reserve(any(), any())).willReturn(this.reservation);
	}

	@Test
	void validCredentialsGetASignedTokenThatVerifies() throws Exception {
		given(this.users.findByLogin("bob")).willReturn(Optional.of(BOB));
		given(this.users.passwordMatches(Optional.of(BOB), "secret pass")).willReturn(true);
		MvcTestResult result = this.mvc.post()
			.uri("/api/auth/token")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"username":"bob","password":"secret pass"}""")
			.exchange();
		assertThat(result).hasStatusOk().hasHeader("Cache-Control", "no-store");
		assertThat(result).bodyJson().extractingPath("$.tokenType").isEqualTo("Bearer");
		assertThat(result).bodyJson().extractingPath("$.expiresIn").isEqualTo(3600);
		String token = com.jayway.jsonpath.JsonPath
			.read(result.getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8), "$.accessToken");
		Jwt jwt = this.decoder.decode(token);
		assertThat(jwt.getSubject()).isEqualTo(BOB.id().toString());
		assertThat(jwt.getHeaders()).containsEntry("kid", KEYS.current().getKeyID());
		assertThat(jwt.getExpiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
	}

	@Test
	void wrongCredentialsAre401Problem() {
		given(this.users.findByLogin("bob")).willReturn(Optional.of(BOB));
		assertThat(this.mvc.post().uri("/api/auth/token").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"bob","password":"wrong pass"}""")).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("Invalid username or password");
	}

	@Test
	void theAttemptIsReservedForTheUserBeforeThePasswordIsCheckedAndKeptWhenItIsWrong() {
		given(this.users.findByLogin("bob@example.com")).willReturn(Optional.of(BOB));
		assertThat(token("bob@example.com", "wrong pass")).hasStatus(HttpStatus.UNAUTHORIZED);
		InOrder order = inOrder(this.loginAttempts, this.users);
		order.verify(this.loginAttempts).reserve(Optional.of(BOB.id()), "bob@example.com");
		order.verify(this.users).passwordMatches(Optional.of(BOB), "wrong pass");
		then(this.reservation).should(never()).release();
	}

	@Test
	void aCorrectPasswordGivesItsReservationBack() {
		given(this.users.findByLogin("bob")).willReturn(Optional.of(BOB));
		given(this.users.passwordMatches(Optional.of(BOB), "secret pass")).willReturn(true);
		assertThat(token("bob", "secret pass")).hasStatusOk();
		then(this.reservation).should().release();
	}

	@Test
	void aCheckThatCouldNotBeMadeGivesItsReservationBack() {
		given(this.users.passwordMatches(any(), any()))
			.willThrow(ProblemException.tooManyRequests("busy", Duration.ofSeconds(1)));
		assertThat(token("bob", "secret pass")).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
		then(this.reservation).should().release();
	}

	@Test
	void whenTheLimitIsReachedTheAnswerIs429WithoutCheckingThePassword() {
		given(this.loginAttempts.reserve(any(), any()))
			.willThrow(ProblemException.tooManyRequests("Too many failed logins", Duration.ofMinutes(5)));
		MvcTestResult refused = token("carol", "correct horse");
		assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("Retry-After", "300");
		then(this.users).should(never()).passwordMatches(any(), any());
	}

	@Test
	void aControlCharacterInTheLoginIs400NamingIt() {
		assertThat(token("bob\\u0000", "secret pass")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("username");
		then(this.users).should(never()).findByLogin(any());
	}

	@Test
	void unpairedSurrogatesAre400NamingTheField() {
		assertThat(token("bob", "secret pass\\uD800")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactly("password");
		assertThat(token("b\\uDC00ob", "secret pass")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactly("username");
		then(this.users).should(never()).passwordMatches(any(), any());
	}

	@Test
	void aPasswordOfSpacesIsCheckedLikeAnyOther() {
		// Registration accepts any 8 characters, so logging in must too.
		given(this.users.findByLogin("bob")).willReturn(Optional.of(BOB));
		given(this.users.passwordMatches(Optional.of(BOB), "        ")).willReturn(true);
		assertThat(token("bob", "        ")).hasStatusOk();
	}

	@Test
	void missingFieldsAre400() {
		assertThat(this.mvc.post().uri("/api/auth/token").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.contains("username", "password");
	}

	@Test
	void malformedBodyIs400AndWrongTypeIs415() {
		assertThat(this.mvc.post().uri("/api/auth/token").contentType(MediaType.APPLICATION_JSON).content("not json"))
			.hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.post()
			.uri("/api/auth/token")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.content("username=bob&password=x")).hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void jwksPublishesOnlyPublicKeys() {
		MvcTestResult result = this.mvc.get().uri("/.well-known/jwks.json").exchange();
		assertThat(result).hasStatusOk()
			.bodyJson()
			.extractingPath("$.keys[0].kid")
			.isEqualTo(KEYS.current().getKeyID());
		assertThat(result).bodyJson().extractingPath("$.keys[0].kty").isEqualTo("RSA");
		assertThat(result).bodyJson().doesNotHavePath("$.keys[0].d");
	}

	/** {@code username} is inserted into JSON as is, so JSON escapes work. */
	private MvcTestResult token(String username, String password) {
		return this.mvc.post().uri("/api/auth/token").contentType(MediaType.APPLICATION_JSON).content("""
				{"username":"%s","password":"%s"}""".formatted(username, password)).exchange();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Keys {

		@Bean
		SigningKeys signingKeys() {
			return KEYS;
		}

		@Bean
		UsersProperties usersProperties() {
			return new UsersProperties("chatapp-users", "chatapp", Duration.ofHours(1), null, 2, 10,
					Duration.ofMinutes(5), Duration.ofSeconds(5));
		}

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

		@Bean
		JwtEncoder jwtEncoder() {
			return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(KEYS.current())));
		}

		@Bean
		JwtDecoder jwtDecoder(UsersProperties properties) {
			return new AuthConfiguration().jwtDecoder(KEYS, properties);
		}

	}

}
