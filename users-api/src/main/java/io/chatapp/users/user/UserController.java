package io.chatapp.users.user;

import java.net.URI;
import java.util.UUID;

import io.chatapp.servicedefaults.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Users", description = "Registration, profiles, user search and presence")
@RequestMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

	private final UserService service;

	UserController(UserService service) {
		this.service = service;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "registerUser", summary = "Register a user",
			description = "Public: creates an account; log in with POST /api/auth/token.")
	@ApiResponse(responseCode = "201", description = "Registered; Location names the new user",
			headers = @Header(name = "Location", description = "The user's URL",
					schema = @Schema(type = "string", format = "uri-reference")))
	@ApiResponse(responseCode = "409", description = "The username or email is already registered")
	@ApiResponse(responseCode = "429", description = "The server is busy checking passwords: try again shortly")
	ResponseEntity<UserResponse> register(@Valid @RequestBody UserRequests.Register request) {
		User user = this.service.register(request);
		return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(UserResponse.self(user));
	}

	@GetMapping("/me")
	@Operation(operationId = "getCurrentUser", summary = "Get the caller's profile")
	@ApiResponse(responseCode = "200", description = "The caller, with email")
	@ApiResponse(responseCode = "404", description = "The caller's account no longer exists")
	UserResponse me(@AuthenticationPrincipal Jwt token) {
		return UserResponse.self(this.service.get(userId(token)));
	}

	@PatchMapping(path = "/me", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "updateCurrentUser", summary = "Update the caller's profile",
			description = "Changes the fields given: displayName, avatarUrl, statusMessage.")
	@ApiResponse(responseCode = "200", description = "The updated profile")
	@ApiResponse(responseCode = "404", description = "The caller's account no longer exists")
	UserResponse updateProfile(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody UserRequests.UpdateProfile request) {
		return UserResponse.self(this.service.updateProfile(userId(token), request));
	}

	@PutMapping(path = "/me/presence", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "setPresence", summary = "Set the caller's presence")
	@ApiResponse(responseCode = "200", description = "The caller, with the new presence")
	@ApiResponse(responseCode = "404", description = "The caller's account no longer exists")
	UserResponse setPresence(@AuthenticationPrincipal Jwt token, @Valid @RequestBody UserRequests.SetPresence request) {
		return UserResponse.self(this.service.setPresence(userId(token), request.status()));
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getUser", summary = "Get a user",
			description = "Another user's public profile; the caller's own includes the email.")
	@ApiResponse(responseCode = "200", description = "The user")
	@ApiResponse(responseCode = "404", description = "No user with this id")
	UserResponse get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
		User user = this.service.get(id);
		return id.equals(userId(token)) ? UserResponse.self(user) : UserResponse.publicView(user);
	}

	@GetMapping
	@Operation(operationId = "searchUsers", summary = "Search users",
			description = "Users whose username or display name starts with the text.")
	@ApiResponse(responseCode = "200", description = "The matching users")
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
