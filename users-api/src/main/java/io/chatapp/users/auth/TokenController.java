package io.chatapp.users.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.jwk.JWKSet;
import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.UsersProperties;
import io.chatapp.users.user.User;
import io.chatapp.users.user.UserService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Issues access tokens, refusing logins that failed too often ({@link LoginAttempts}),
 * and publishes the keys that verify them.
 */
@RestController
@Tag(name = "Authentication", description = "Access tokens, and the public keys that verify them")
class TokenController {

	/**
	 * No unpaired UTF-16 surrogate: UTF-8 cannot encode one, so no password with one can
	 * be hashed, and no login with one exists.
	 */
	static final String NO_UNPAIRED_SURROGATES = "^[^\\p{Cs}]*$";

	static final String NO_UNPAIRED_SURROGATES_MESSAGE = "must be valid Unicode text (no unpaired surrogates)";

	private final UserService users;

	private final JwtEncoder encoder;

	private final SigningKeys keys;

	private final UsersProperties properties;

	private final Clock clock;

	private final LoginAttempts loginAttempts;

	TokenController(UserService users, JwtEncoder encoder, SigningKeys keys, UsersProperties properties, Clock clock,
			LoginAttempts loginAttempts) {
		this.users = users;
		this.encoder = encoder;
		this.keys = keys;
		this.properties = properties;
		this.clock = clock;
		this.loginAttempts = loginAttempts;
	}

	@PostMapping(path = "/api/auth/token", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createToken", summary = "Log in: get an access token",
			description = "Public: exchanges a username (or email) and password for a signed JWT.")
	@ApiResponse(responseCode = "200", description = "The access token")
	@ApiResponse(responseCode = "401", description = "Invalid username or password")
	@ApiResponse(responseCode = "429",
			description = "Too many failed logins, or the server is busy checking passwords: try again after Retry-After seconds")
	ResponseEntity<TokenResponse> token(@Valid @RequestBody TokenRequest request) {
		Optional<User> candidate = this.users.findByLogin(request.username());
		LoginAttempts.Reservation attempt = this.loginAttempts.reserve(candidate.map(User::id), request.username());
		boolean matches;
		try {
			matches = this.users.passwordMatches(candidate, request.password());
		}
		catch (RuntimeException ex) {
			// No verdict (the server was too busy to hash, say): not a failed guess.
			attempt.release();
			throw ex;
		}
		if (!matches) {
			// The reservation stays: it is this failure's count.
			throw ProblemException.unauthorized("Invalid username or password");
		}
		attempt.release();
		User user = candidate.get();
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(this.properties.issuer())
			.audience(List.of(this.properties.audience()))
			.subject(user.id().toString())
			.claim("preferred_username", user.username())
			.issuedAt(now)
			.expiresAt(now.plus(this.properties.tokenTtl()))
			.id(java.util.UUID.randomUUID().toString())
			.build();
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(this.keys.current().getKeyID()).build();
		String token = this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(new TokenResponse(token, "Bearer", this.properties.tokenTtl().toSeconds()));
	}

	@GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "getJwks", summary = "Get the token signing keys",
			description = "Public: the JSON Web Key Set that verifies access tokens.")
	@ApiResponse(responseCode = "200", description = "The public keys (RFC 7517)")
	@ApiResponse(responseCode = "406", description = "The client does not accept application/json")
	ResponseEntity<Map<String, Object>> jwks() {
		JWKSet publicKeys = this.keys.publicKeys();
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
			.body(publicKeys.toJSONObject());
	}

	/**
	 * {@code POST /api/auth/token}.
	 *
	 * @param username username or email
	 * @param password the password, as registered: any characters, blank ones too
	 */
	record TokenRequest(
			@NotBlank @Size(max = 254) @Pattern(regexp = "^[^\\p{Cc}]*$",
					message = "must not contain control characters") @Pattern(regexp = NO_UNPAIRED_SURROGATES,
							message = NO_UNPAIRED_SURROGATES_MESSAGE) String username,
			@NotEmpty @CodePointLength(max = 128) @Pattern(regexp = NO_UNPAIRED_SURROGATES,
					message = NO_UNPAIRED_SURROGATES_MESSAGE) String password) {
	}

	/**
	 * An access token for {@code Authorization: Bearer}.
	 *
	 * @param accessToken the signed JWT
	 * @param tokenType always {@code Bearer}
	 * @param expiresIn lifetime in seconds
	 */
	record TokenResponse(String accessToken, String tokenType, long expiresIn) {
	}

}
