package io.chatapp.users;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published OpenAPI document lists exactly the API's endpoints: adding, removing or
 * changing a mapping without the document following fails here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.grpc.server.port=0", "server.address=127.0.0.1" })
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
	@SuppressWarnings("unchecked")
	void documentListsExactlyTheControllersEndpoints() {
		Map<String, Object> document = RestClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/v3/api-docs")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(document.get("openapi").toString()).startsWith("3.1");
		Set<String> documented = new TreeSet<>();
		((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, operations) -> operations.keySet()
			.forEach((method) -> documented.add(method.toUpperCase() + " " + path)));

		Set<String> implemented = new TreeSet<>();
		this.mappings.getHandlerMethods().forEach((info, method) -> {
			if (method.getBeanType().getPackageName().startsWith("io.chatapp.users")) {
				info.getPathPatternsCondition()
					.getPatternValues()
					.forEach((path) -> info.getMethodsCondition()
						.getMethods()
						.forEach((httpMethod) -> implemented.add(httpMethod.name() + " " + path)));
			}
		});
		assertThat(implemented).isNotEmpty();
		assertThat(documented).isEqualTo(implemented);
		assertThat(document.get("components").toString()).contains("bearer");
	}

}
