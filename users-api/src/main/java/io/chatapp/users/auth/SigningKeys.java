package io.chatapp.users.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.chatapp.users.UsersProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys tokens are signed with. A configured PEM key wins; otherwise the keys live
 * in the database so that every instance signs and verifies with the same ones: the first
 * instance to start generates one (under an advisory lock, so concurrent first starts
 * agree). The newest key signs; all are published in the JWKS so tokens outlive a
 * rotation.
 */
final class SigningKeys {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	private final List<RSAKey> keys;

	SigningKeys(List<RSAKey> keys) {
		this.keys = List.copyOf(keys);
	}

	/** A fresh key that is kept nowhere, for tests. */
	static SigningKeys generated() {
		return new SigningKeys(List.of(generate()));
	}

	static SigningKeys load(UsersProperties properties, JdbcClient jdbc, TransactionTemplate transactions) {
		if (properties.signingKey() != null) {
			return new SigningKeys(List.of(fromPem(properties.signingKey())));
		}
		return new SigningKeys(transactions.execute((status) -> loadOrGenerate(jdbc)));
	}

	/** The key that signs new tokens. */
	RSAKey current() {
		return this.keys.get(0);
	}

	/** Every key's public half, for verifiers. */
	JWKSet publicKeys() {
		return new JWKSet(this.keys.stream().map((key) -> (com.nimbusds.jose.jwk.JWK) key.toPublicJWK()).toList());
	}

	private static List<RSAKey> loadOrGenerate(JdbcClient jdbc) {
		jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('users.signing_keys'))").query().singleRow();
		List<RSAKey> stored = jdbc.sql(
				"SELECT kid, private_key, public_key FROM signing_keys WHERE algorithm = 'RS256' ORDER BY created_at DESC")
			.query((rs, row) -> toKey(rs.getString("kid"), rs.getBytes("private_key"), rs.getBytes("public_key")))
			.list();
		if (!stored.isEmpty()) {
			return stored;
		}
		RSAKey generated = generate();
		try {
			jdbc.sql(
					"INSERT INTO signing_keys (kid, algorithm, private_key, public_key) VALUES (:kid, 'RS256', :priv, :pub)")
				.param("kid", generated.getKeyID())
				.param("priv", generated.toPrivateKey().getEncoded())
				.param("pub", generated.toPublicKey().getEncoded())
				.update();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not encode the generated signing key", ex);
		}
		log.info("Generated token signing key {}", generated.getKeyID());
		return List.of(generated);
	}

	private static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString())
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not generate a signing key", ex);
		}
	}

	private static RSAKey toKey(String kid, byte[] privateKey, byte[] publicKey) {
		try {
			KeyFactory factory = KeyFactory.getInstance("RSA");
			return new RSAKey.Builder((RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(publicKey)))
				.privateKey(factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey)))
				.keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Stored signing key " + kid + " is unreadable", ex);
		}
	}

	private static RSAKey fromPem(Resource resource) {
		try (InputStream in = resource.getInputStream()) {
			String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			KeyFactory factory = KeyFactory.getInstance("RSA");
			RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) factory
				.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
			RSAPublicKey publicKey = (RSAPublicKey) factory
				.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
			RSAKey key = new RSAKey.Builder(publicKey).privateKey(privateKey)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
			return new RSAKey.Builder(key).keyID(key.computeThumbprint().toString()).build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the signing key " + resource, ex);
		}
		catch (GeneralSecurityException | JOSEException | IllegalArgumentException | ClassCastException ex) {
			throw new IllegalStateException(
					"The signing key " + resource + " is not an RSA private key in PKCS#8 PEM form", ex);
		}
	}

}
