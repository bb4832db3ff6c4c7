package io.chatapp.servicedefaults.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDefaultsTests {

	@Test
	void publicOperationsNeedNoTokenAndOthersDocument401() {
		OpenAPI api = customised(properties(null, "POST /api/users", "/.well-known/**"), new MockEnvironment());
		assertThat(operation(api, "/api/users").getPost().getSecurity()).isEmpty();
		assertThat(operation(api, "/api/users").getPost().getResponses()).doesNotContainKey("401");
		assertThat(operation(api, "/.well-known/jwks.json").getGet().getSecurity()).isEmpty();
		assertThat(operation(api, "/api/users/{id}").getGet().getSecurity()).isNull();
		assertThat(operation(api, "/api/users/{id}").getGet().getResponses()).containsKey("401");
	}

	@Test
	void inputErrorsAreDocumentedWhereAnOperationTakesInput() {
		OpenAPI api = customised(properties(null), new MockEnvironment());
		assertThat(operation(api, "/api/users").getPost().getResponses()).containsOnlyKeys("201", "400", "401", "409",
				"413", "415", "429");
		assertThat(operation(api, "/api/users/{id}").getGet().getResponses()).containsOnlyKeys("200", "400", "401",
				"404");
		assertThat(operation(api, "/.well-known/jwks.json").getGet().getResponses()).containsOnlyKeys("200", "401");
	}

	@Test
	void errorsAreProblemDetailsAndSuccessesAreLeftAlone() {
		OpenAPI api = customised(properties(null), new MockEnvironment());
		ApiResponses responses = operation(api, "/api/users").getPost().getResponses();
		assertThat(responses.get("201").getContent()).isNull();
		assertThat(responses.get("409").getDescription()).isEqualTo("Taken");
		assertThat(responses.get("413").getDescription()).isNotBlank();
		for (String code : List.of("400", "401", "409", "413", "415", "429")) {
			assertThat(responses.get(code).getContent()).containsOnlyKeys("application/problem+json");
			assertThat(responses.get(code).getContent().get("application/problem+json").getSchema().get$ref())
				.isEqualTo("#/components/schemas/Problem");
		}
		assertThat(responses.get("429").getHeaders()).containsKey("Retry-After");
		assertThat(api.getComponents().getSchemas().get("Problem").getProperties()).containsKeys("type", "title",
				"status", "detail", "errors");
	}

	@Test
	void serverIsTheRunningServersAddressUnlessConfigured() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.address", "0.0.0.0")
			.withProperty("server.port", "0")
			.withProperty("local.server.port", "5002")
			.withProperty("spring.application.name", "users-api");
		assertThat(customised(properties(null), environment).getServers()).singleElement()
			.satisfies((server) -> assertThat(server.getUrl()).isEqualTo("http://127.0.0.1:5002"))
			.satisfies((server) -> assertThat(server.getDescription()).isEqualTo("users-api"));
		assertThat(customised(properties(URI.create("https://chat.example.org")), environment).getServers())
			.singleElement()
			.satisfies((server) -> assertThat(server.getUrl()).isEqualTo("https://chat.example.org"));
	}

	private static OpenAPI customised(WebApiProperties properties, MockEnvironment environment) {
		OpenAPI api = new OpenAPI().components(new Components())
			.security(List.of(new SecurityRequirement().addList("bearer")))
			.paths(new Paths()
				.addPathItem("/api/users", new PathItem().post(new Operation().requestBody(new RequestBody())
					.responses(new ApiResponses().addApiResponse("201", new ApiResponse().description("Created"))
						.addApiResponse("409", new ApiResponse().description("Taken"))
						.addApiResponse("429", new ApiResponse()))))
				.addPathItem("/api/users/{id}",
						new PathItem().get(new Operation().addParametersItem(new PathParameter().name("id"))
							.responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("OK"))
								.addApiResponse("404", new ApiResponse()))))
				.addPathItem("/.well-known/jwks.json", new PathItem().get(new Operation()
					.responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("OK"))))));
		new OpenApiDefaults(properties, environment).customise(api);
		return api;
	}

	private static PathItem operation(OpenAPI api, String path) {
		return api.getPaths().get(path);
	}

	private static WebApiProperties properties(URI serverUrl, String... publicPaths) {
		return new WebApiProperties(DataSize.ofKilobytes(64), List.of(publicPaths), 0, Duration.ZERO, serverUrl);
	}

}
