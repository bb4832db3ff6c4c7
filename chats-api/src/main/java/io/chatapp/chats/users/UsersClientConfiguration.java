package io.chatapp.chats.users;

import io.chatapp.users.v1.UsersServiceGrpc;

import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.ImportGrpcClients;

/**
 * The users-api gRPC stub, on the channel named {@code users}
 * ({@code spring.grpc.client.channel.users.target}).
 */
@Configuration(proxyBeanMethods = false)
@ImportGrpcClients(target = "users", types = UsersServiceGrpc.UsersServiceBlockingStub.class)
class UsersClientConfiguration {

}
