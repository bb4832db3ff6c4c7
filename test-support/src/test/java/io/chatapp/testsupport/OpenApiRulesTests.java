package io.chatapp.testsupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiRulesTests {

	private static final String PROBLEM = """
			"Problem": {"type": "object", "properties": {"type": {}, "title": {}, "status": {}, "detail": {},
			  "errors": {}}}""";

	private static final String ERROR = """
			{"description": "Not found", "content": {"application/problem+json":
			  {"schema": {"$ref": "#/components/schemas/Problem"}}}}""";

	@Test
	void aDocumentFollowingTheRulesPasses() {
		JsonNode document = json(
				"""
						{"openapi": "3.1.0", "info": {"title": "t", "version": "v1"},
						 "servers": [{"url": "http://127.0.0.1:5002"}],
						 "security": [{"bearer": []}],
						 "tags": [{"name": "Users", "description": "Users"}],
						 "paths": {
						   "/api/users/{id}": {"get": {"tags": ["Users"], "summary": "Get a user", "operationId": "getUser",
						     "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
						     "responses": {"200": {"description": "OK", "headers": {"Location": {"schema": {"type": "string"}}}},
						       "404": %s}}},
						   "/api/users/me": {"get": {"tags": ["Users"], "summary": "Me", "operationId": "me", "security": [],
						     "responses": {"200": {"description": "OK"}, "404": %s}}}},
						 "components": {"schemas": {%s},
						   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}
						"""
					.formatted(ERROR, ERROR, PROBLEM));
		assertThat(OpenApiRules.violations(document)).isEmpty();
	}

	@Test
	void eachBrokenRuleIsNamed() {
		JsonNode document = json("""
				{"openapi": "3.1.0", "info": {"title": "t", "version": "v1"},
				 "servers": [{"url": "https://example.com/"}],
				 "tags": [{"name": "Users"}, {"name": "Users", "description": "again"}],
				 "paths": {
				   "/api/users/{id}": {"get": {"tags": ["user-controller"], "operationId": "get user",
				     "parameters": [{"name": "userId", "in": "path"}, {"name": "q", "in": "query"},
				       {"name": "q", "in": "query"}],
				     "responses": {"200": {"description": "OK", "headers": {"Location": {"description": "x"}}},
				       "404": {"description": "Not found", "content": {"application/json": {}}},
				       "429": %s}}},
				   "/api/{kind}/me": {"get": {"operationId": "get user", "security": [{"oauth": []}],
				     "responses": {"default": {"$ref": "#/components/responses/Missing"}}}},
				   "/api/items/": {"post": {"summary": "s", "operationId": "post",
				     "responses": {"201": {"description": "Created"}}}}},
				 "components": {"schemas": {"Unused": {"type": "object"}}}}
				""".formatted(ERROR));
		assertThat(OpenApiRules.violations(document)).extracting((violation) -> violation.split(":")[0])
			.containsOnly("no-server-example.com", "no-server-trailing-slash", "no-duplicated-tag-names",
					"tag-description", "operation-tag-defined", "no-path-trailing-slash", "no-ambiguous-paths",
					"operation-summary", "operation-operationId-unique", "operation-operationId-url-safe",
					"operation-2xx-response", "operation-4xx-response", "security-defined", "struct", "problem-details",
					"operation-parameters-unique", "path-parameters-defined", "no-unresolved-refs",
					"no-unused-components")
			.contains("no-server-example.com", "no-server-trailing-slash", "no-duplicated-tag-names", "tag-description",
					"operation-tag-defined", "no-path-trailing-slash", "no-ambiguous-paths", "operation-summary",
					"operation-operationId-unique", "operation-operationId-url-safe", "operation-2xx-response",
					"operation-4xx-response", "security-defined", "struct", "problem-details",
					"operation-parameters-unique", "path-parameters-defined", "no-unresolved-refs",
					"no-unused-components");
	}

	@Test
	void aDocumentWithoutServersOrOperationIdsFails() {
		JsonNode document = json("""
				{"openapi": "3.1.0", "info": {"title": "t", "version": "v1"}, "security": [],
				 "paths": {"/a": {"get": {"summary": "s", "responses": {"200": {"description": "OK"},
				   "400": %s}}}},
				 "components": {"schemas": {%s}}}
				""".formatted(ERROR, PROBLEM));
		assertThat(OpenApiRules.violations(document)).containsExactlyInAnyOrder(
				"no-empty-servers: servers: the document names no server",
				"operation-operationId: GET /a has no operationId");
	}

	@Test
	void redoclyRunsOnTheNodeVersionsItsPackageSupports() {
		assertThat(RedoclyLint.supported("v20.20.2")).isTrue();
		assertThat(RedoclyLint.supported("v22.12.0")).isTrue();
		assertThat(RedoclyLint.supported("v24.1.0")).isTrue();
		assertThat(RedoclyLint.supported("v18.20.4")).isFalse();
		assertThat(RedoclyLint.supported("v20.18.0")).isFalse();
		assertThat(RedoclyLint.supported("v22.11.0")).isFalse();
		assertThat(RedoclyLint.supported("not node")).isFalse();
	}

	private static JsonNode json(String text) {
		return JsonMapper.builder().build().readTree(text);
	}

}
