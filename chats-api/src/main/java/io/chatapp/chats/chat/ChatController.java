package io.chatapp.chats.chat;

import java.net.URI;
import java.util.UUID;

import io.chatapp.chats.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Chats", description = "Direct and group chats, their members and the caller's read marker")
@RequestMapping(path = "/api/chats", produces = MediaType.APPLICATION_JSON_VALUE)
class ChatController {

	private final ChatService service;

	ChatController(ChatService service) {
		this.service = service;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createChat", summary = "Create a chat",
			description = "The caller becomes a member (owner of a group). Creating a direct chat again returns the existing one.")
	@ApiResponse(responseCode = "201", description = "Created; Location names the new chat",
			headers = @Header(name = "Location", description = "The chat's URL",
					schema = @Schema(type = "string", format = "uri-reference")))
	@ApiResponse(responseCode = "200", description = "The direct chat with this member already existed")
	@ApiResponse(responseCode = "429", description = "Too many chats created: try again after Retry-After seconds")
	@ApiResponse(responseCode = "503", description = "The users service, which checks member ids, is unavailable")
	ResponseEntity<ChatResponses.ChatResponse> create(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody ChatRequests.Create request) {
		ChatService.Created created = this.service.create(CurrentUser.id(token), request);
		if (!created.created()) {
			return ResponseEntity.ok(created.chat());
		}
		return ResponseEntity.created(URI.create("/api/chats/" + created.chat().id())).body(created.chat());
	}

	@GetMapping
	@Operation(operationId = "listChats", summary = "List the caller's chats",
			description = "Most recent activity first, each with unreadCount and lastMessage; page with nextCursor.")
	@ApiResponse(responseCode = "200", description = "A page of chats")
	ChatResponses.Page list(@AuthenticationPrincipal Jwt token, @RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return this.service.list(CurrentUser.id(token), cursor, limit);
	}

	@GetMapping("/{chatId}")
	@Operation(operationId = "getChat", summary = "Get a chat")
	@ApiResponse(responseCode = "200", description = "The chat")
	@ApiResponse(responseCode = "404", description = "No such chat, or the caller is not a member")
	ChatResponses.ChatResponse get(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId) {
		return this.service.get(chatId, CurrentUser.id(token));
	}

	@PostMapping(path = "/{chatId}/members", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "addChatMembers", summary = "Add members to a group", description = "Group admins only.")
	@ApiResponse(responseCode = "200", description = "The chat with its new members")
	@ApiResponse(responseCode = "403", description = "The caller is not an admin of the group")
	@ApiResponse(responseCode = "404", description = "No such chat, or the caller is not a member")
	@ApiResponse(responseCode = "503", description = "The users service, which checks member ids, is unavailable")
	ChatResponses.ChatResponse addMembers(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@Valid @RequestBody ChatRequests.AddMembers request) {
		return this.service.addMembers(chatId, CurrentUser.id(token), request.userIds());
	}

	@DeleteMapping("/{chatId}/members/{userId}")
	@Operation(operationId = "removeChatMember", summary = "Remove a member, or leave",
			description = "An admin removes others; anyone may remove themselves.")
	@ApiResponse(responseCode = "204", description = "Removed")
	@ApiResponse(responseCode = "403", description = "Only an admin removes others, and nobody the owner")
	@ApiResponse(responseCode = "404", description = "No such chat or member, or the caller is not a member")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void removeMember(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId, @PathVariable UUID userId) {
		this.service.removeMember(chatId, CurrentUser.id(token), userId);
	}

	@PostMapping(path = "/{chatId}/read", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "markChatRead", summary = "Move the caller's read marker",
			description = "Never backwards: an older seq leaves the marker where it is.")
	@ApiResponse(responseCode = "200", description = "The caller's read state")
	@ApiResponse(responseCode = "404", description = "No such chat, or the caller is not a member")
	ChatRequests.ReadState markRead(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@Valid @RequestBody ChatRequests.Read request) {
		return this.service.markRead(chatId, CurrentUser.id(token), request.seq());
	}

}
