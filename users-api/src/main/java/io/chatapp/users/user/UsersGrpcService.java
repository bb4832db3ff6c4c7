package io.chatapp.users.user;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.BatchGetUsersResponse;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import org.springframework.grpc.server.service.GrpcService;

/** {@code chatapp.users.v1.UsersService}: the users service for other services. */
@GrpcService
class UsersGrpcService implements UsersServiceGrpc.AsyncService, BindableService {

	/** Upper bound of ids in one batch, so one call cannot ask for the whole table. */
	static final int MAX_BATCH = 500;

	private static final int UUID_LENGTH = 36;

	private final UserService service;

	UsersGrpcService(UserService service) {
		this.service = service;
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
		if (request.getUserIdsCount() > MAX_BATCH) {
			response.onError(invalid("at most " + MAX_BATCH + " user_ids per call, got " + request.getUserIdsCount()));
			return;
		}
		Set<UUID> ids = new LinkedHashSet<>();
		int firstBad = -1;
		int bad = 0;
		for (int i = 0; i < request.getUserIdsCount(); i++) {
			UUID id = parse(request.getUserIds(i));
			if (id != null) {
				ids.add(id);
			}
			else if (bad++ == 0) {
				firstBad = i;
			}
		}
		if (bad > 0) {
			response.onError(invalid("user_ids[" + firstBad + "] is not a valid UUID: "
					+ quote(request.getUserIds(firstBad)) + ((bad > 1) ? " (and " + (bad - 1) + " more)" : "")));
			return;
		}
		BatchGetUsersResponse.Builder result = BatchGetUsersResponse.newBuilder();
		this.service.getAll(List.copyOf(ids)).forEach((user) -> result.addUsers(UserProtoMapper.toProto(user)));
		response.onNext(result.build());
		response.onCompleted();
	}

	private static RuntimeException invalid(String description) {
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
