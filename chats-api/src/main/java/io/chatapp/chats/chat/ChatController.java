package io.chatapp.chats.chat;

import java.net.URI;
import java.util.UUID;

import io.chatapp.chats.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Chats, their members and the caller's read marker. */
@RestController
@RequestMapping(path = "/api/chats", produces = MediaType.APPLICATION_JSON_VALUE)
class ChatController {

	private final ChatService service;

	ChatController(ChatService service) {
		this.service = service;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ChatResponses.ChatResponse> create(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody ChatRequests.Create request) {
		ChatService.Created created = this.service.create(CurrentUser.id(token), request);
		if (!created.created()) {
			return ResponseEntity.ok(created.chat());
		}
		return ResponseEntity.created(URI.create("/api/chats/" + created.chat().id())).body(created.chat());
	}

	@GetMapping
	ChatResponses.Page list(@AuthenticationPrincipal Jwt token, @RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return this.service.list(CurrentUser.id(token), cursor, limit);
	}

	@GetMapping("/{chatId}")
	ChatResponses.ChatResponse get(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId) {
		return this.service.get(chatId, CurrentUser.id(token));
	}

	@PostMapping(path = "/{chatId}/members", consumes = MediaType.APPLICATION_JSON_VALUE)
	ChatResponses.ChatResponse addMembers(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@Valid @RequestBody ChatRequests.AddMembers request) {
		return this.service.addMembers(chatId, CurrentUser.id(token), request.userIds());
	}

	@DeleteMapping("/{chatId}/members/{userId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void removeMember(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId, @PathVariable UUID userId) {
		this.service.removeMember(chatId, CurrentUser.id(token), userId);
	}

	@PostMapping(path = "/{chatId}/read", consumes = MediaType.APPLICATION_JSON_VALUE)
	ChatRequests.ReadState markRead(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@Valid @RequestBody ChatRequests.Read request) {
		return this.service.markRead(chatId, CurrentUser.id(token), request.seq());
	}

}
