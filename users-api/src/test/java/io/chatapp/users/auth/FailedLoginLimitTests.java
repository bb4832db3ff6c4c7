package io.chatapp.users.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.chatapp.testsupport.EmbeddedPostgresServer;
import io.chatapp.users.UsersApiApplication;
import io.chatapp.users.UsersTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mockito.Mockito;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failed-login limit as clients meet it, on two real users-api instances sharing one
 * real PostgreSQL: it holds under parallel guesses, across instances, and for an account
 * whichever of its logins (username or email) is used.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { FailedLoginLimitTests.GRPC_PORT, FailedLoginLimitTests.NO_OUTBOX,
				FailedLoginLimitTests.NO_KAFKA_HEALTH, FailedLoginLimitTests.LIMIT })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedLoginLimitTests {

	static final String GRPC_PORT = "spring.grpc.server.port=0";

	static final String NO_OUTBOX = "chatapp.outbox.enabled=false";

	static final String NO_KAFKA_HEALTH = "management.health.kafka.enabled=false";

	static final String LIMIT = "chatapp.users.max-failed-logins=10";

	static final int MAX_FAILURES = 10;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@MockitoSpyBean
	PasswordEncoder passwordEncoder;

	ConfigurableApplicationContext secondInstance;

	RestClient first;

	RestClient second;

	@BeforeAll
	void startASecondInstanceOnTheSameDatabase() {
		EmbeddedPostgresServer postgres = UsersTestDatabase.start();
		// Command-line arguments, as default properties would lose to application.yml.
		this.secondInstance = new SpringApplicationBuilder(UsersApiApplication.class).run(Stream
			.of("server.port=0", "server.address=127.0.0.1", GRPC_PORT, NO_OUTBOX, NO_KAFKA_HEALTH, LIMIT,
					"spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=users_app",
					"spring.datasource.password=users_app_test")
			.map((property) -> "--" + property)
			.toArray(String[]::new));
		this.first = client(this.port);
		this.second = client(Integer.parseInt(this.secondInstance.getEnvironment().getProperty("local.server.port")));
	}

	@AfterAll
	void stopTheSecondInstance() {
		if (this.secondInstance != null) {
			this.secondInstance.close();
		}
	}

	@BeforeEach
	void forgetPasswordChecks() {
		Mockito.clearInvocations(this.passwordEncoder);
	}

	@Test
	void parallelGuessesNeverGetMoreThanTheLimitOfWrongPasswordsChecked() throws Exception {
		String name = register();
		List<String> passwords = new ArrayList<>(Collections.nCopies(39, "wrong password"));
		passwords.add("right password");
		Collections.shuffle(passwords, new Random(20261204L));

		List<ResponseEntity<String>> responses = parallel(passwords.stream().map((password) -> (Attempt) () -> {
			return login(this.first, name, password);
		}).toList());

		long unauthorized = count(responses, HttpStatus.UNAUTHORIZED);
		long ok = count(responses, HttpStatus.OK);
		long refused = count(responses, HttpStatus.TOO_MANY_REQUESTS);
		assertThat(unauthorized + ok + refused).as("only 401, 200 and 429 answers").isEqualTo(40);
		assertThat(unauthorized).as("wrong passwords checked").isLessThanOrEqualTo(MAX_FAILURES);
		assertThat(ok).isLessThanOrEqualTo(1);
		assertThat(passwordChecks()).as("password checks: at most the limit, plus the one that succeeded")
			.isLessThanOrEqualTo(MAX_FAILURES + ok);
		responses.stream()
			.filter((response) -> response.getStatusCode() == HttpStatus.TOO_MANY_REQUESTS)
			.forEach((response) -> assertThat(response.getHeaders().getFirst("Retry-After")).isNotBlank());
	}

	@Test
	void theLimitIsSharedByAllInstances() {
		String name = register();
		for (int i = 0; i < MAX_FAILURES / 2; i++) {
			assertThat(login(this.first, name, "wrong " + i).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(login(this.second, name, "wrong " + i).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}
		assertThat(login(this.second, name, "right password").getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(login(this.first, name, "right password").getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void parallelGuessesAgainstTwoInstancesShareOneLimit() throws Exception {
		String name = register();
		List<Attempt> attempts = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			RestClient instance = (i % 2 == 0) ? this.first : this.second;
			attempts.add(() -> login(instance, name, "wrong password"));
		}
		List<ResponseEntity<String>> responses = parallel(attempts);
		assertThat(count(responses, HttpStatus.UNAUTHORIZED)).isLessThanOrEqualTo(MAX_FAILURES);
		assertThat(count(responses, HttpStatus.TOO_MANY_REQUESTS))
			.isEqualTo(40 - count(responses, HttpStatus.UNAUTHORIZED));
	}

	@Test
	void usernameAndEmailAreCountedAsOneAccount() {
		String name = register();
		for (int i = 0; i < MAX_FAILURES / 2; i++) {
			assertThat(login(this.first, name, "wrong").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(login(this.first, name.toUpperCase() + "@Example.com", "wrong").getStatusCode())
				.isEqualTo(HttpStatus.UNAUTHORIZED);
		}
		assertThat(login(this.first, name, "right password").getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(login(this.first, name + "@example.com", "right password").getStatusCode())
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void unknownLoginsAreLimitedLikeKnownOnes() {
		String unknown = "nobody_" + UUID.randomUUID().toString().substring(0, 8);
		for (int i = 0; i < MAX_FAILURES; i++) {
			assertThat(login(this.first, unknown, "guess " + i).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}
		ResponseEntity<String> refused = login(this.second, unknown.toUpperCase(), "guess");
		assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getHeaders().getFirst("Retry-After")).isNotBlank();
	}

	@Test
	void aSuccessfulLoginDoesNotWipeOutEarlierFailures() {
		String name = register();
		for (int i = 0; i < MAX_FAILURES - 1; i++) {
			assertThat(login(this.first, name, "wrong").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}
		assertThat(login(this.first, name, "right password").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(login(this.first, name, "right password").getStatusCode()).as("successes are not failures")
			.isEqualTo(HttpStatus.OK);
		assertThat(login(this.first, name, "wrong").getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(login(this.first, name, "wrong").getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(login(this.first, name, "right password").getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
	}

	private long passwordChecks() {
		return Mockito.mockingDetails(this.passwordEncoder)
			.getInvocations()
			.stream()
			.filter((invocation) -> invocation.getMethod().getName().equals("matches"))
			.count();
	}

	private String register() {
		String name = "limit_" + UUID.randomUUID().toString().substring(0, 8);
		ResponseEntity<String> registered = this.first.post()
			.uri("/api/users")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", name, "email", name + "@example.com", "password", "right password"))
			.retrieve()
			.toEntity(String.class);
		assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		return name;
	}

	private static ResponseEntity<String> login(RestClient instance, String login, String password) {
		return instance.post()
			.uri("/api/auth/token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("username", login, "password", password))
			.retrieve()
			.toEntity(String.class);
	}

	private static List<ResponseEntity<String>> parallel(List<Attempt> attempts) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(attempts.size());
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ResponseEntity<String>>> futures = new ArrayList<>();
			for (Attempt attempt : attempts) {
				futures.add(executor.submit(() -> {
					start.await();
					return attempt.run();
				}));
			}
			start.countDown();
			List<ResponseEntity<String>> responses = new ArrayList<>();
			for (Future<ResponseEntity<String>> future : futures) {
				responses.add(future.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static long count(List<ResponseEntity<String>> responses, HttpStatus status) {
		return responses.stream().filter((response) -> response.getStatusCode() == status).count();
	}

	private static RestClient client(int port) {
		return RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	@FunctionalInterface
	interface Attempt {

		ResponseEntity<String> run();

	}

}
