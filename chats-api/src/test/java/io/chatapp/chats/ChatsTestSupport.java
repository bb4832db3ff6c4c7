package io.chatapp.chats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.chatapp.migration.DatabaseMigrator;
import io.chatapp.migration.MigrationProperties.ServiceSchema;
import io.chatapp.testsupport.EmbeddedPostgresServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What chats-api tests run against: the JVM's real embedded PostgreSQL migrated by the
 * db-migration job's code and reached as {@code chats_app}, and tokens signed by a test
 * key the way users-api signs them.
 */
public final class ChatsTestSupport {

	private static final RSAKey KEY;

	static {
		try {
			KEY = new RSAKeyGenerator(2048).keyID("test").generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean migrated;

	private ChatsTestSupport() {
	}

	public static synchronized EmbeddedPostgresServer database() {
		EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
		if (!migrated) {
			DriverManagerDataSource admin = new DriverManagerDataSource(server.jdbcUrl(), server.superuser(), "");
			new DatabaseMigrator(admin, List.of(new ServiceSchema("chats", "chats_app", "chats_app_test"))).migrate();
			migrated = true;
		}
		return server;
	}

	/** The database, and no outbox relay: most tests run without a broker. */
	public static void register(DynamicPropertyRegistry registry) {
		registerWithRelay(registry);
		registry.add("chatapp.outbox.enabled", () -> "false");
		registry.add("management.health.kafka.enabled", () -> "false");
		registry.add("chatapp.chats.live.signals", () -> "false");
	}

	/**
	 * The database, with the outbox relay publishing to
	 * {@code spring.kafka.bootstrap-servers}.
	 */
	public static void registerWithRelay(DynamicPropertyRegistry registry) {
		EmbeddedPostgresServer server = database();
		registry.add("spring.datasource.url", server::jdbcUrl);
		registry.add("spring.datasource.username", () -> "chats_app");
		registry.add("spring.datasource.password", () -> "chats_app_test");
	}

	/**
	 * Starts another chats-api instance on the same database, on a free port, as a second
	 * replica next to the test's own.
	 * @param arguments further settings, as {@code --name=value}
	 * @return the running instance; close it when done
	 */
	public static ConfigurableApplicationContext startInstance(String... arguments) {
		EmbeddedPostgresServer server = database();
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.datasource.url=" + server.jdbcUrl(), "--spring.datasource.username=chats_app",
				"--spring.datasource.password=chats_app_test", "--spring.main.banner-mode=off"));
		all.addAll(List.of(arguments));
		return new SpringApplicationBuilder(ChatsApiApplication.class, TestTokens.class)
			.run(all.toArray(String[]::new));
	}

	/** The HTTP port of an instance from {@link #startInstance}. */
	public static int port(ConfigurableApplicationContext instance) {
		return ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	/** The WebSocket settings' defaults, as configuration binding gives them. */
	public static ChatsProperties.Live liveDefaults() {
		return Binder.get(new StandardEnvironment()).bindOrCreate("chatapp.chats.live", ChatsProperties.Live.class);
	}

	/** A token for the user, as users-api would issue it. */
	public static String token(UUID userId) {
		return token(userId, Duration.ofHours(1));
	}

	/** A token for the user that expires after the given time (negative: expired). */
	public static String token(UUID userId, Duration ttl) {
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(KEY)));
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer("chatapp-users")
			.audience(List.of("chatapp"))
			.subject(userId.toString())
			.issuedAt(now.minus(Duration.ofMinutes(5)))
			.expiresAt(now.plus(ttl))
			.build();
		return encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("test").build(), claims))
			.getTokenValue();
	}

	/** Verifies test tokens in place of users-api's JWKS. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class TestTokens {

		@Bean
		JwtDecoder jwtDecoder() throws Exception {
			return NimbusJwtDecoder.withPublicKey(KEY.toRSAPublicKey()).build();
		}

	}

}
