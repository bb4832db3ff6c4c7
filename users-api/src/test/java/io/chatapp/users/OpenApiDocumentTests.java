package io.chatapp.users;

import io.chatapp.testsupport.OpenApiContract;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published OpenAPI document lists exactly the API's endpoints: adding, removing or
 * changing a mapping without the document following fails here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.grpc.server.port=0", "server.address=127.0.0.1", "chatapp.outbox.enabled=false",
				// No broker in these tests: readiness must not depend on one at
				// localhost:9092.
				"management.health.kafka.enabled=false" })
class OpenApiDocumentTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		UsersTestDatabase.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void documentListsExactlyTheControllersEndpoints() {
		assertThat(OpenApiContract.implemented(this.mappings, "io.chatapp.users")).isNotEmpty()
			.isEqualTo(OpenApiContract.documented("http://127.0.0.1:" + this.port));
	}

}
