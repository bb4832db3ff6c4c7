package io.chatapp.users.user;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.grpc.server.security.GrpcSecurity;

/**
 * The gRPC port serves other services, not end users: it listens on the internal address
 * only (127.0.0.1 by default) and asks for no user token, so chats-api can check member
 * ids outside any user's request. Without this bean Spring Boot would demand a user JWT
 * on every call, health checks included.
 */
@Configuration(proxyBeanMethods = false)
class GrpcSecurityConfiguration {

	@Bean
	AuthenticationProcessInterceptor grpcAuthentication(GrpcSecurity grpc) throws Exception {
		return grpc.authorizeRequests((requests) -> requests.allRequests().permitAll()).build();
	}

}
