package io.chatapp.users.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.chatapp.servicedefaults.web.FieldProblem;
import io.chatapp.servicedefaults.web.ProblemException;
import io.chatapp.users.outbox.Outbox;
import io.chatapp.users.outbox.UserEvent;
import org.postgresql.util.PSQLException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The users application service, shared by REST and gRPC: owns the transactions, and
 * records each change's event in the same transaction.
 */
@Service
public class UserService {

	private final UserRepository users;

	private final Outbox outbox;

	private final PasswordEncoder passwordEncoder;

	private final Clock clock;

	private final TransactionTemplate transactions;

	private final String unknownUserHash;

	UserService(UserRepository users, Outbox outbox, PasswordEncoder passwordEncoder, Clock clock,
			TransactionTemplate transactions) {
		this.users = users;
		this.outbox = outbox;
		this.passwordEncoder = passwordEncoder;
		this.clock = clock;
		this.transactions = transactions;
		this.unknownUserHash = passwordEncoder.encode(UUID.randomUUID().toString());
	}

	User register(UserRequests.Register request) {
		// Hashed before the transaction: no connection is held while waiting for a turn
		// to
		// hash or while hashing.
		String passwordHash = this.passwordEncoder.encode(request.password());
		return this.transactions.execute((status) -> insert(request, passwordHash));
	}

	private User insert(UserRequests.Register request, String passwordHash) {
		String username = request.username().trim().toLowerCase(Locale.ROOT);
		String displayName = (request.displayName() != null) ? request.displayName().strip() : username;
		User user = new User(UUID.randomUUID(), username, displayName, request.email().trim().toLowerCase(Locale.ROOT),
				passwordHash, null, null, PresenceStatus.OFFLINE, null, now());
		try {
			this.users.insert(user);
		}
		catch (DuplicateKeyException ex) {
			throw duplicate(ex);
		}
		this.outbox.record(UserEvent.of("user.registered", user.id(), user.createdAt(), publicData(user)));
		return user;
	}

	/**
	 * Finds the user a login names, for a password check.
	 * @param login username or email, any case
	 * @return the user, if any
	 */
	public Optional<User> findByLogin(String login) {
		// One query and no transaction, so the connection is back in the pool before the
		// hash.
		return this.users.findByLogin(login);
	}

	/**
	 * Checks a password. An unknown user costs one hash too, so response times do not
	 * reveal which logins exist.
	 * @param user the user the login named, if any
	 * @param password the password
	 * @return whether the user exists and the password is theirs
	 */
	public boolean passwordMatches(Optional<User> user, String password) {
		String hash = user.map(User::passwordHash).orElse(this.unknownUserHash);
		return this.passwordEncoder.matches(password, hash) && user.isPresent();
	}

	@Transactional(readOnly = true)
	public Optional<User> find(UUID id) {
		return this.users.findById(id);
	}

	@Transactional(readOnly = true)
	public User get(UUID id) {
		return find(id).orElseThrow(() -> ProblemException.notFound("No user with id " + id));
	}

	@Transactional(readOnly = true)
	public List<User> getAll(List<UUID> ids) {
		return this.users.findAllById(ids);
	}

	@Transactional(readOnly = true)
	List<User> search(String prefix, int limit) {
		return this.users.searchByPrefix(prefix.trim(), limit);
	}

	@Transactional
	User updateProfile(UUID id, UserRequests.UpdateProfile request) {
		User current = lock(id);
		String displayName = (request.displayName() != null) ? request.displayName().strip() : current.displayName();
		String avatarUrl = changed(request.avatarUrl(), current.avatarUrl());
		String statusMessage = changed(request.statusMessage(), current.statusMessage());
		this.users.updateProfile(id, displayName, avatarUrl, statusMessage);
		User updated = new User(id, current.username(), displayName, current.email(), current.passwordHash(), avatarUrl,
				statusMessage, current.presence(), current.lastSeenAt(), current.createdAt());
		if (!updated.equals(current)) {
			this.outbox.record(UserEvent.of("user.updated", id, now(), publicData(updated)));
		}
		return updated;
	}

	@Transactional
	User setPresence(UUID id, PresenceStatus status) {
		User current = lock(id);
		Instant now = now();
		this.users.updatePresence(id, status, now);
		if (current.presence() != status) {
			this.outbox.record(presenceChanged(id, status, current.presence(), now));
		}
		return new User(id, current.username(), current.displayName(), current.email(), current.passwordHash(),
				current.avatarUrl(), current.statusMessage(), status, now, current.createdAt());
	}

	/**
	 * The event of a presence change, whatever made it.
	 * @param id the user
	 * @param status the new status
	 * @param previous the status before
	 * @param at when it changed, also the user's new {@code lastSeenAt}
	 * @return the {@code user.presence_changed} event
	 */
	static UserEvent presenceChanged(UUID id, PresenceStatus status, PresenceStatus previous, Instant at) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("status", status.value());
		data.put("previousStatus", previous.value());
		data.put("lastSeenAt", at);
		return UserEvent.of("user.presence_changed", id, at, data);
	}

	private User lock(UUID id) {
		return this.users.lockById(id).orElseThrow(() -> ProblemException.notFound("No user with id " + id));
	}

	private Instant now() {
		// PostgreSQL keeps microseconds: what is returned now equals what is read back
		// later.
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** Absent (null) keeps the current value; an empty string clears it. */
	private static String changed(String requested, String current) {
		if (requested == null) {
			return current;
		}
		String stripped = requested.strip();
		return stripped.isEmpty() ? null : stripped;
	}

	private static Map<String, Object> publicData(User user) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("username", user.username());
		data.put("displayName", user.displayName());
		data.put("avatarUrl", user.avatarUrl());
		data.put("statusMessage", user.statusMessage());
		data.put("createdAt", user.createdAt());
		return data;
	}

	private static ProblemException duplicate(DuplicateKeyException ex) {
		String constraint = (ex.getMostSpecificCause() instanceof PSQLException psql
				&& psql.getServerErrorMessage() != null) ? psql.getServerErrorMessage().getConstraint() : null;
		if ("users_email_key".equals(constraint)) {
			return ProblemException.conflict("Email is already registered",
					List.of(new FieldProblem("email", "is already registered")));
		}
		return ProblemException.conflict("Username is already taken",
				List.of(new FieldProblem("username", "is already taken")));
	}

}
