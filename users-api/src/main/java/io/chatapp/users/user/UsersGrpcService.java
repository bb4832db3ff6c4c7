package io.chatapp.users.user;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.chatapp.users.v1.BatchGetUsersRequest;
import io.chatapp.users.v1.BatchGetUsersResponse;
import io.chatapp.users.v1.GetUserRequest;
import io.chatapp.users.v1.UsersServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import org.springframework.grpc.server.service.GrpcService;

/** {@code chatapp.users.v1.UsersService}: the users service for other services. */
@GrpcService
class UsersGrpcService extends UsersServiceGrpc.UsersServiceImplBase {

	/** Upper bound of ids in one batch, so one call cannot ask for the whole table. */
	static final int MAX_BATCH = 500;

	private final UserService service;

	UsersGrpcService(UserService service) {
		this.service = service;
	}

	@Override
	public void getUser(GetUserRequest request, StreamObserver<io.chatapp.users.v1.User> response) {
		UUID id = parse(request.getUserId());
		if (id == null) {
			response.onError(invalid("user_id is not a valid UUID: '" + request.getUserId() + "'"));
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
			response.onError(invalid("at most " + MAX_BATCH + " user_ids per call"));
			return;
		}
		Set<UUID> ids = new LinkedHashSet<>();
		List<String> bad = new ArrayList<>();
		for (String value : request.getUserIdsList()) {
			UUID id = parse(value);
			if (id != null) {
				ids.add(id);
			}
			else {
				bad.add(value);
			}
		}
		if (!bad.isEmpty()) {
			response.onError(invalid("user_ids are not valid UUIDs: " + bad));
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
		try {
			return (value.length() == 36) ? UUID.fromString(value) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
