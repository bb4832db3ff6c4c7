package io.chatapp.chats.notification;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.chatapp.chats.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's notifications (mentions and direct messages while away), which
 * chats-worker produces from {@code chat.events}.
 */
@RestController
@Tag(name = "Notifications", description = "Mentions and direct messages received while away")
class NotificationController {

	private static final int LIMIT = 100;

	private final JdbcClient jdbc;

	NotificationController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping(path = "/api/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listNotifications", summary = "List the caller's notifications")
	@ApiResponse(responseCode = "200", description = "The newest notifications")
	Notifications list(@AuthenticationPrincipal Jwt token, @RequestParam(defaultValue = "false") boolean unreadOnly) {
		// A deleted message leaves no text behind; a chat the user left shows nothing.
		String filter = unreadOnly ? "AND NOT n.read" : "";
		List<Notification> items = this.jdbc.sql("""
				SELECT n.id, n.kind, n.chat_id, n.seq, n.from_user_id, n.created_at, n.read,
				       CASE WHEN msg.deleted THEN '' ELSE n.preview END AS preview
				FROM notifications n
				JOIN chat_members m ON m.chat_id = n.chat_id AND m.user_id = n.user_id
				LEFT JOIN messages msg ON msg.chat_id = n.chat_id AND msg.seq = n.seq
				WHERE n.user_id = :userId %s ORDER BY n.created_at DESC, n.id LIMIT :limit
				""".formatted(filter))
			.param("userId", CurrentUser.id(token))
			.param("limit", LIMIT)
			.query((rs, n) -> new Notification(rs.getObject("id", UUID.class), rs.getString("kind"),
					rs.getObject("chat_id", UUID.class), rs.getLong("seq"), rs.getObject("from_user_id", UUID.class),
					rs.getString("preview"), rs.getTimestamp("created_at").toInstant(), rs.getBoolean("read")))
			.list();
		return new Notifications(items);
	}

	@PostMapping(path = "/api/notifications/read", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "markNotificationsRead", summary = "Mark notifications read",
			description = "Ids that are not the caller's are ignored.")
	@ApiResponse(responseCode = "204", description = "Marked read")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void markRead(@AuthenticationPrincipal Jwt token, @Valid @RequestBody MarkRead request) {
		// Ids of other users' notifications match no row: they are ignored, not revealed.
		this.jdbc.sql("UPDATE notifications SET read = true WHERE user_id = :userId AND id = ANY(:ids)")
			.param("userId", CurrentUser.id(token))
			.param("ids", request.ids().toArray(UUID[]::new))
			.update();
	}

	/**
	 * A notification.
	 *
	 * @param id notification id
	 * @param kind mention or direct_message
	 * @param chatId the chat
	 * @param seq the message
	 * @param fromUserId its sender
	 * @param preview the start of the message
	 * @param createdAt when it was produced
	 * @param read whether the user marked it read
	 */
	record Notification(UUID id, String kind, UUID chatId, long seq, UUID fromUserId, String preview, Instant createdAt,
			boolean read) {
	}

	record Notifications(List<Notification> items) {
	}

	/**
	 * {@code POST /api/notifications/read}.
	 *
	 * @param ids notifications to mark read
	 */
	record MarkRead(@NotEmpty @Size(max = 500) List<@NotNull UUID> ids) {
	}

}
