package io.chatapp.users.user;

import java.net.URI;
import java.util.UUID;

import io.chatapp.servicedefaults.web.ProblemException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Registration, profiles, search and presence. */
@RestController
@RequestMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

	private final UserService service;

	UserController(UserService service) {
		this.service = service;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<UserResponse> register(@Valid @RequestBody UserRequests.Register request) {
		User user = this.service.register(request);
		return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(UserResponse.self(user));
	}

	@GetMapping("/me")
	UserResponse me(@AuthenticationPrincipal Jwt token) {
		return UserResponse.self(this.service.get(userId(token)));
	}

	@PatchMapping(path = "/me", consumes = MediaType.APPLICATION_JSON_VALUE)
	UserResponse updateProfile(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody UserRequests.UpdateProfile request) {
		return UserResponse.self(this.service.updateProfile(userId(token), request));
	}

	@PutMapping(path = "/me/presence", consumes = MediaType.APPLICATION_JSON_VALUE)
	UserResponse setPresence(@AuthenticationPrincipal Jwt token, @Valid @RequestBody UserRequests.SetPresence request) {
		return UserResponse.self(this.service.setPresence(userId(token), request.status()));
	}

	@GetMapping("/{id}")
	UserResponse get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
		User user = this.service.get(id);
		return id.equals(userId(token)) ? UserResponse.self(user) : UserResponse.publicView(user);
	}

	@GetMapping
	UserResponse.Page search(
			@RequestParam @NotBlank @Size(max = 64) @Pattern(regexp = UserRequests.NO_CONTROL_CHARACTERS,
					message = UserRequests.NO_CONTROL_CHARACTERS_MESSAGE) @Pattern(
							regexp = UserRequests.NO_UNPAIRED_SURROGATES,
							message = UserRequests.NO_UNPAIRED_SURROGATES_MESSAGE) String search,
			@RequestParam(defaultValue = "20") @Min(1) @Max(50) int limit) {
		return new UserResponse.Page(
				this.service.search(search, limit).stream().map(UserResponse::publicView).toList());
	}

	static UUID userId(Jwt token) {
		try {
			return UUID.fromString(token.getSubject());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw ProblemException.unauthorized("The access token does not name a user");
		}
	}

}
