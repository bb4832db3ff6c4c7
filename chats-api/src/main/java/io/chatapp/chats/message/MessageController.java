package io.chatapp.chats.message;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.chatapp.chats.CurrentUser;
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
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Messages of a chat: send, history, edit, delete, reactions; and search. */
@RestController
@Tag(name = "Messages", description = "Sending, history, edits, deletes and reactions; full-text search")
class MessageController {

	/** One emoji or short reaction name: no spaces or slashes. */
	private static final String EMOJI = "^[^\\s/]{1,32}$";

	private final MessageService service;

	MessageController(MessageService service) {
		this.service = service;
	}

	@PostMapping(path = "/api/chats/{chatId}/messages", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "sendMessage", summary = "Send a message",
			description = "Idempotent with clientMessageId: a repeat returns the original message.")
	@ApiResponse(responseCode = "201", description = "Sent; Location names the message",
			headers = @Header(name = "Location", description = "The message's URL",
					schema = @Schema(type = "string", format = "uri-reference")))
	@ApiResponse(responseCode = "200", description = "A repeat of a send with the same clientMessageId")
	@ApiResponse(responseCode = "404", description = "No such chat, or the caller is not a member")
	@ApiResponse(responseCode = "409", description = "The clientMessageId was used for a message in another chat")
	@ApiResponse(responseCode = "429", description = "Too many messages: try again after Retry-After seconds")
	ResponseEntity<MessageResponse> send(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@Valid @RequestBody MessageRequests.Send request) {
		MessageService.Sent sent = this.service.send(chatId, CurrentUser.id(token), request);
		if (!sent.created()) {
			return ResponseEntity.ok(sent.message());
		}
		return ResponseEntity.created(URI.create("/api/chats/" + chatId + "/messages/" + sent.message().seq()))
			.body(sent.message());
	}

	@GetMapping(path = "/api/chats/{chatId}/messages", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listMessages", summary = "Read a chat's history",
			description = "Newest first (or before a seq); oldest first after a seq.")
	@ApiResponse(responseCode = "200", description = "A page of messages")
	@ApiResponse(responseCode = "404", description = "No such chat, or the caller is not a member")
	MessageRepository.MessagePage history(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@RequestParam(required = false) @Positive Long before,
			@RequestParam(required = false) @PositiveOrZero Long after,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		if (before != null && after != null) {
			throw ProblemException.invalid("before", "use either before or after, not both");
		}
		return this.service.history(chatId, CurrentUser.id(token), before, after, limit);
	}

	@PatchMapping(path = "/api/chats/{chatId}/messages/{seq}", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "editMessage", summary = "Edit a message", description = "The sender only.")
	@ApiResponse(responseCode = "200", description = "The edited message")
	@ApiResponse(responseCode = "403", description = "The caller did not send the message")
	@ApiResponse(responseCode = "404", description = "No such chat or message, or the caller is not a member")
	@ApiResponse(responseCode = "409", description = "The message was deleted")
	MessageResponse edit(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId,
			@PathVariable @Positive long seq, @Valid @RequestBody MessageRequests.Edit request) {
		return this.service.edit(chatId, seq, CurrentUser.id(token), request.content());
	}

	@DeleteMapping("/api/chats/{chatId}/messages/{seq}")
	@Operation(operationId = "deleteMessage", summary = "Delete a message",
			description = "The sender or a group admin; the content becomes empty and deleted true.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "403", description = "The caller is neither the sender nor an admin")
	@ApiResponse(responseCode = "404", description = "No such chat or message, or the caller is not a member")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId, @PathVariable @Positive long seq) {
		this.service.delete(chatId, seq, CurrentUser.id(token));
	}

	@PutMapping("/api/chats/{chatId}/messages/{seq}/reactions/{emoji}")
	@Operation(operationId = "addReaction", summary = "React to a message")
	@ApiResponse(responseCode = "204", description = "The caller's reaction is on the message")
	@ApiResponse(responseCode = "404", description = "No such chat or message, or the caller is not a member")
	@ApiResponse(responseCode = "409", description = "The message was deleted")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void react(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId, @PathVariable @Positive long seq,
			@PathVariable @Pattern(regexp = EMOJI, message = "must be 1-32 characters without spaces") String emoji) {
		this.service.react(chatId, seq, CurrentUser.id(token), emoji, true);
	}

	@DeleteMapping("/api/chats/{chatId}/messages/{seq}/reactions/{emoji}")
	@Operation(operationId = "removeReaction", summary = "Take back a reaction")
	@ApiResponse(responseCode = "204", description = "The caller's reaction is off the message")
	@ApiResponse(responseCode = "404", description = "No such chat or message, or the caller is not a member")
	@ApiResponse(responseCode = "409", description = "The message was deleted")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void unreact(@AuthenticationPrincipal Jwt token, @PathVariable UUID chatId, @PathVariable @Positive long seq,
			@PathVariable @Pattern(regexp = EMOJI, message = "must be 1-32 characters without spaces") String emoji) {
		this.service.react(chatId, seq, CurrentUser.id(token), emoji, false);
	}

	@GetMapping(path = "/api/messages/search", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "searchMessages", summary = "Search messages",
			description = "Full-text search over the caller's chats, best match first.")
	@ApiResponse(responseCode = "200", description = "The matching messages")
	SearchResults search(@AuthenticationPrincipal Jwt token, @RequestParam @NotBlank @Size(max = 200) String q,
			@RequestParam(required = false) UUID chatId,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return new SearchResults(this.service.search(CurrentUser.id(token), q, chatId, limit));
	}

	/**
	 * Search results, newest first.
	 *
	 * @param items the matching messages
	 */
	record SearchResults(List<MessageResponse> items) {
	}

}
