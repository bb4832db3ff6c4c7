package io.chatapp.users.user;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.BatchGetUsersResponse;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.ReleaseConnectionsRequest;
import io.chatapp.users.v1.ReleaseConnectionsResponse;
import io.chatapp.users.v1.RenewConnectionsRequest;
import io.chatapp.users.v1.RenewConnectionsResponse;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import org.springframework.grpc.server.service.GrpcService;

/** {@code chatapp.users.v1.UsersService}: the users service for other services. */
@GrpcService
class UsersGrpcService implements UsersServiceGrpc.AsyncService, BindableService {

	/** Upper bound of ids in one batch, so one call cannot ask for the whole table. */
	static final int MAX_BATCH = 500;

	/** Upper bound of users in one connection report: the sockets of one instance. */
	static final int MAX_CONNECTIONS = 10_000;

	static final int MIN_LEASE_SECONDS = 5;

	static final int MAX_LEASE_SECONDS = 300;

	static final int MAX_INSTANCE_ID = 128;

	private static final int UUID_LENGTH = 36;

	private final UserService service;

	private final ConnectionPresence presence;

	UsersGrpcService(UserService service, ConnectionPresence presence) {
		this.service = service;
		this.presence = presence;
	}

	@Override
	public ServerServiceDefinition bindService() {
		return MalformedRequests.rejectedAsInvalid(UsersServiceGrpc.bindService(this));
	}

	@Override
	public void getUser(GetUserRequest request, StreamObserver<io.chatapp.users.v1.User> response) {
		UUID id = parse(request.getUserId());
		if (id == null) {
			response.onError(invalid("user_id is not a valid UUID: " + quote(request.getUserId())));
			return;
		}
		this.service.find(id).ifPresentOrElse((user) -> {
			response.onNext(UserProtoMapper.toProto(user));
			response.onCompleted();
		}, () -> response.onError(Status.NOT_FOUND.withDescription("No user with id " + id).asRuntimeException()));
	}

	@Override
	public void batchGetUsers(BatchGetUsersRequest request, StreamObserver<BatchGetUsersResponse> response) {
		answer(response, () -> {
			Set<UUID> ids = userIds(request.getUserIdsList(), MAX_BATCH);
			BatchGetUsersResponse.Builder result = BatchGetUsersResponse.newBuilder();
			this.service.getAll(List.copyOf(ids)).forEach((user) -> result.addUsers(UserProtoMapper.toProto(user)));
			return result.build();
		});
	}

	@Override
	public void renewConnections(RenewConnectionsRequest request, StreamObserver<RenewConnectionsResponse> response) {
		answer(response, () -> {
			String instanceId = instanceId(request.getInstanceId());
			int lease = request.getLeaseSeconds();
			if (lease < MIN_LEASE_SECONDS || lease > MAX_LEASE_SECONDS) {
				throw invalid(
						"lease_seconds must be " + MIN_LEASE_SECONDS + "-" + MAX_LEASE_SECONDS + ", got " + lease);
			}
			Set<UUID> ids = userIds(request.getUserIdsList(), MAX_CONNECTIONS);
			this.presence.renew(instanceId, ids, Duration.ofSeconds(lease));
			return RenewConnectionsResponse.getDefaultInstance();
		});
	}

	@Override
	public void releaseConnections(ReleaseConnectionsRequest request,
			StreamObserver<ReleaseConnectionsResponse> response) {
		answer(response, () -> {
			String instanceId = instanceId(request.getInstanceId());
			this.presence.release(instanceId, userIds(request.getUserIdsList(), MAX_CONNECTIONS));
			return ReleaseConnectionsResponse.getDefaultInstance();
		});
	}

	/** Answers with the call's result, or with the {@code INVALID_ARGUMENT} it threw. */
	private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
		T result;
		try {
			result = call.get();
		}
		catch (StatusRuntimeException ex) {
			response.onError(ex);
			return;
		}
		response.onNext(result);
		response.onCompleted();
	}

	/**
	 * Parses user ids, without duplicates, in the order given.
	 * @param values the ids as sent
	 * @param max the most a call may send
	 * @return the ids
	 * @throws StatusRuntimeException {@code INVALID_ARGUMENT} naming the first bad id
	 */
	private static Set<UUID> userIds(List<String> values, int max) {
		if (values.size() > max) {
			throw invalid("at most " + max + " user_ids per call, got " + values.size());
		}
		Set<UUID> ids = new LinkedHashSet<>();
		int firstBad = -1;
		int bad = 0;
		for (int i = 0; i < values.size(); i++) {
			UUID id = parse(values.get(i));
			if (id != null) {
				ids.add(id);
			}
			else if (bad++ == 0) {
				firstBad = i;
			}
		}
		if (bad > 0) {
			throw invalid("user_ids[" + firstBad + "] is not a valid UUID: " + quote(values.get(firstBad))
					+ ((bad > 1) ? " (and " + (bad - 1) + " more)" : ""));
		}
		return ids;
	}

	/**
	 * Checks an instance id: 1-128 characters, none of them a control character, which
	 * would make logs and the database hard to read. Never echoed.
	 */
	private static String instanceId(String value) {
		boolean valid = !value.isEmpty() && value.length() <= 2 * MAX_INSTANCE_ID
				&& value.codePointCount(0, value.length()) <= MAX_INSTANCE_ID
				&& value.codePoints().noneMatch(Character::isISOControl);
		if (!valid) {
			throw invalid("instance_id must be 1-" + MAX_INSTANCE_ID + " characters without control characters");
		}
		return value;
	}

	private static StatusRuntimeException invalid(String description) {
		return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
	}

	private static UUID parse(String value) {
		// The length first: nothing else is done with a value that cannot be a UUID.
		if (value.length() != UUID_LENGTH) {
			return null;
		}
		try {
			return UUID.fromString(value);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A bad value as an error message may show it: a short prefix, anything but letters,
	 * digits and '-' replaced. The whole value would travel back in the
	 * {@code grpc-message} trailer, which clients cap at a few KiB (8 KiB in grpc-java),
	 * so an echo of a long value turns the answer into a protocol error, or into no
	 * answer at all.
	 */
	static String quote(String value) {
		StringBuilder quoted = new StringBuilder("'");
		value.codePoints()
			.limit(UUID_LENGTH)
			.forEach((c) -> quoted.appendCodePoint((c < 128 && (Character.isLetterOrDigit(c) || c == '-')) ? c : '?'));
		quoted.append('\'');
		if (value.length() > UUID_LENGTH) {
			quoted.append("... (").append(value.length()).append(" characters)");
		}
		return quoted.toString();
	}

}
