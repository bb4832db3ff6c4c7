package io.chatapp.testsupport;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Every kind of bad credential an API must refuse with a plain 401, for auth matrix
 * tests, and the check of the answer. Tokens are forged with the service's real key where
 * only one thing about them is wrong.
 */
public final class BadCredentials {

	private static final Pattern TELLS_WHY = Pattern
		.compile("(?s).*(Exception|nimbus|Nimbus|signature|Signed JWT|claim|Jwt expired|alg|kid|name a user).*");

	private BadCredentials() {
	}

	/**
	 * {@code Authorization} header values by what is wrong with them ({@code null}: no
	 * header at all).
	 * @param key the key the service trusts
	 * @param user a user the service knows
	 * @param issuer the issuer the service expects
	 * @param audience the audience the service expects
	 * @return the headers
	 */
	public static Map<String, String> authorizations(RSAKey key, UUID user, String issuer, String audience) {
		Instant now = Instant.now();
		RSAKey impostor = generate(key.getKeyID());
		Map<String, String> credentials = new LinkedHashMap<>();
		credentials.put("no token", null);
		credentials.put("garbage", "Bearer garbage");
		credentials.put("empty bearer", "Bearer ");
		credentials.put("basic scheme", "Basic YWxpY2U6c2VjcmV0");
		credentials.put("alg none", "Bearer " + unsigned(claims(user, issuer, audience).build()));
		credentials.put("another key with the same key id",
				"Bearer " + sign(impostor, claims(user, issuer, audience).build()));
		credentials.put("expired",
				"Bearer " + sign(key,
						claims(user, issuer, audience).issueTime(Date.from(now.minusSeconds(7200)))
							.expirationTime(Date.from(now.minusSeconds(3600)))
							.build()));
		credentials.put("wrong issuer", "Bearer " + sign(key, claims(user, issuer, audience).issuer("other").build()));
		credentials.put("wrong audience",
				"Bearer " + sign(key, claims(user, issuer, audience).audience("other-app").build()));
		credentials.put("subject not a user id",
				"Bearer " + sign(key, claims(user, issuer, audience).subject("admin").build()));
		credentials.put("no subject", "Bearer " + sign(key, claims(user, issuer, audience).subject(null).build()));
		credentials.put("tampered payload",
				"Bearer " + tamper(sign(key, claims(user, issuer, audience).build()), UUID.randomUUID()));
		return credentials;
	}

	/**
	 * Sends every credential to every endpoint and lists the answers that are not a plain
	 * 401 problem.
	 * @param endpoints method, path and body (or null) of each endpoint
	 * @param credentials {@code Authorization} values by name, as from
	 * {@link #authorizations}
	 * @param client sends one request
	 * @return what was wrong, one line per request; empty when all is well
	 * @throws Exception if a request cannot be sent
	 */
	public static List<String> failures(List<String[]> endpoints, Map<String, String> credentials, Client client)
			throws Exception {
		List<String> failures = new ArrayList<>();
		for (String[] endpoint : endpoints) {
			for (Map.Entry<String, String> credential : credentials.entrySet()) {
				HttpResponse<String> response = client.send(endpoint[0], endpoint[1], credential.getValue(),
						endpoint[2]);
				String problem = problemWith(response.statusCode(),
						response.headers().firstValue("Content-Type").orElse(""),
						response.headers().firstValue("WWW-Authenticate").orElse(null), response.body());
				if (problem != null) {
					failures.add(endpoint[0] + " " + endpoint[1] + " with " + credential.getKey() + ": " + problem);
				}
			}
		}
		return failures;
	}

	/**
	 * What is wrong with the answer to a bad credential, if anything.
	 * @param status the status
	 * @param contentType the content type, or empty
	 * @param wwwAuthenticate the {@code WWW-Authenticate} header, or null
	 * @param body the body
	 * @return null when it is a 401 problem asking for a bearer token and not saying why
	 */
	public static String problemWith(int status, String contentType, String wwwAuthenticate, String body) {
		if (status != 401) {
			return "status " + status;
		}
		if (!contentType.startsWith("application/problem+json") || wwwAuthenticate == null) {
			return "not a problem with WWW-Authenticate";
		}
		if (TELLS_WHY.matcher(body).matches()) {
			return "tells why: " + body;
		}
		return null;
	}

	/**
	 * Claims of a valid token for the user, valid for ten minutes.
	 * @param user the subject
	 * @param issuer the issuer
	 * @param audience the audience
	 * @return claims to adjust and build
	 */
	public static JWTClaimsSet.Builder claims(UUID user, String issuer, String audience) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer)
			.audience(audience)
			.subject(user.toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)));
	}

	/**
	 * An RS256 token signed with the key.
	 * @param key the key
	 * @param claims the claims
	 * @return the compact token
	 */
	public static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A fresh 2048-bit RSA key.
	 * @param keyId its key id
	 * @return the key
	 */
	public static RSAKey generate(String keyId) {
		try {
			return new RSAKeyGenerator(2048).keyID(keyId).generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Sends one request with the given {@code Authorization} header (null: none). */
	@FunctionalInterface
	public interface Client {

		HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception;

	}

	private static String unsigned(JWTClaimsSet claims) {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
	}

	/** A valid token whose payload now names someone else, signature unchanged. */
	private static String tamper(String token, UUID subject) {
		try {
			String[] parts = token.split("\\.");
			JWTClaimsSet forged = new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet())
				.subject(subject.toString())
				.build();
			return parts[0] + "."
					+ Base64.getUrlEncoder()
						.withoutPadding()
						.encodeToString(forged.toString().getBytes(StandardCharsets.UTF_8))
					+ "." + parts[2];
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
