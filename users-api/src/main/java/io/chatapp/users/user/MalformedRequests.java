package io.chatapp.users.user;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

/**
 * Answers a request that cannot be parsed with {@code INVALID_ARGUMENT}. gRPC parses a
 * request before any interceptor or service method sees it, and a failure there (such as
 * a string field that is not UTF-8, which proto3 forbids) ends the call as
 * {@code UNKNOWN}, as if the server were at fault. So the service takes its requests as
 * raw bytes and this interceptor tries the parse first.
 */
final class MalformedRequests implements ServerInterceptor {

	private final ServerServiceDefinition service;

	private MalformedRequests(ServerServiceDefinition service) {
		this.service = service;
	}

	/**
	 * The service, answering unparsable requests with {@code INVALID_ARGUMENT}.
	 * @param service the service as bound
	 * @return the same methods, schema (for reflection) and behaviour otherwise
	 */
	static ServerServiceDefinition rejectedAsInvalid(ServerServiceDefinition service) {
		return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service),
				new MalformedRequests(service));
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		MethodDescriptor<?, ?> method = this.service.getMethod(call.getMethodDescriptor().getFullMethodName())
			.getMethodDescriptor();
		return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {

			private boolean rejected;

			@Override
			@SuppressWarnings("unchecked")
			public void onMessage(ReqT message) {
				// useInputStreamMessages makes every request an InputStream.
				byte[] bytes = readAll((InputStream) message);
				try {
					method.parseRequest(new ByteArrayInputStream(bytes));
				}
				catch (RuntimeException ex) {
					this.rejected = true;
					call.close(
							Status.INVALID_ARGUMENT.withDescription("The request is not a valid "
									+ method.getBareMethodName() + " request (is every string UTF-8?)"),
							new Metadata());
					return;
				}
				super.onMessage((ReqT) new ByteArrayInputStream(bytes));
			}

			@Override
			public void onHalfClose() {
				if (!this.rejected) {
					super.onHalfClose();
				}
			}

			@Override
			public void onReady() {
				if (!this.rejected) {
					super.onReady();
				}
			}

		};
	}

	private static byte[] readAll(InputStream message) {
		try (message) {
			return message.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
