package io.chatapp.servicedefaults.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.util.StringUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What every ChatApp OpenAPI document states the same way, so that controllers only
 * annotate what is their own (summary, operation id, tag, success status, and the errors
 * of their own rules, such as 404 or 409):
 * <ul>
 * <li>the server is the service's real address ({@code chatapp.web.server-url}, by
 * default {@code http://<server.address>:<port>});</li>
 * <li>errors are {@code application/problem+json} with one shared {@code Problem} schema
 * (RFC 9457, with the contract's {@code errors} array), filled in for every 4xx and 5xx
 * response a controller declares, and a 429 names its {@code Retry-After} header;</li>
 * <li>the errors the service defaults raise for any operation are declared for it: 400
 * when it takes parameters or a body, 413 and 415 when it takes a body, 401 when it needs
 * a token;</li>
 * <li>operations on {@code chatapp.web.public-paths} need no token
 * ({@code security: []}).</li>
 * </ul>
 */
class OpenApiDefaults implements OpenApiCustomizer {

	static final String PROBLEM = "Problem";

	static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	private static final Map<String, String> DEFAULT_DESCRIPTIONS = Map.of("400",
			"The request is malformed or has invalid fields (errors names them)", "401",
			"The access token is missing, invalid or expired", "403", "The caller may not do this", "404",
			"Not found, or not visible to the caller", "409", "The request conflicts with the current state", "413",
			"The request body is larger than the limit", "415", "The request body is not application/json", "429",
			"Too many requests: try again after Retry-After seconds", "503",
			"A service this one depends on is unavailable: try again shortly");

	private final WebApiProperties properties;

	private final Environment environment;

	OpenApiDefaults(WebApiProperties properties, Environment environment) {
		this.properties = properties;
		this.environment = environment;
	}

	@Override
	public void customise(OpenAPI openApi) {
		openApi.setServers(List.of(new Server().url(serverUrl())
			.description(this.environment.getProperty("spring.application.name", "this service"))));
		openApi.getComponents().addSchemas(PROBLEM, problemSchema());
		if (openApi.getPaths() == null) {
			return;
		}
		openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
			boolean publicOperation = isPublic(method, path);
			if (publicOperation) {
				operation.setSecurity(new ArrayList<>());
			}
			ApiResponses responses = operation.getResponses();
			boolean body = operation.getRequestBody() != null;
			if (body || (operation.getParameters() != null && !operation.getParameters().isEmpty())) {
				responses.computeIfAbsent("400", (code) -> new ApiResponse());
			}
			if (!publicOperation) {
				responses.computeIfAbsent("401", (code) -> new ApiResponse());
			}
			if (body) {
				responses.computeIfAbsent("413", (code) -> new ApiResponse());
				responses.computeIfAbsent("415", (code) -> new ApiResponse());
			}
			Map<String, ApiResponse> sorted = new LinkedHashMap<>();
			responses.keySet().stream().sorted().forEach((code) -> sorted.put(code, responses.get(code)));
			responses.clear();
			sorted.forEach((code, response) -> responses.addApiResponse(code, problemResponse(code, response)));
		}));
	}

	/** An error response as problem details, with a default description. */
	private static ApiResponse problemResponse(String code, ApiResponse response) {
		if (!code.startsWith("4") && !code.startsWith("5")) {
			return response;
		}
		if (!StringUtils.hasText(response.getDescription())) {
			response.setDescription(DEFAULT_DESCRIPTIONS.getOrDefault(code, "The request failed"));
		}
		if (code.equals("429")) {
			response.addHeaderObject(HttpHeaders.RETRY_AFTER,
					new Header().description("Seconds to wait before trying again").schema(new IntegerSchema()));
		}
		response.setContent(new Content().addMediaType(PROBLEM_JSON,
				new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
		return response;
	}

	private boolean isPublic(PathItem.HttpMethod method, String path) {
		for (String publicPath : this.properties.publicPaths()) {
			String[] parts = publicPath.trim().split("\\s+", 2);
			String pattern = (parts.length == 2) ? parts[1] : parts[0];
			if (parts.length == 2 && !HttpMethod.valueOf(parts[0]).name().equals(method.name())) {
				continue;
			}
			PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
			if (parsed.matches(PathContainer.parsePath(path))) {
				return true;
			}
		}
		return false;
	}

	private String serverUrl() {
		if (this.properties.serverUrl() != null) {
			return this.properties.serverUrl().toString();
		}
		String address = this.environment.getProperty("server.address", "127.0.0.1");
		if (address.equals("0.0.0.0") || address.equals("::") || address.isBlank()) {
			address = "127.0.0.1";
		}
		String port = this.environment.getProperty("local.server.port",
				this.environment.getProperty("server.port", "8080"));
		return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static Schema<?> problemSchema() {
		Schema field = new ObjectSchema().description("One bad field of the request")
			.addProperty("field", new StringSchema().description("The field as the client sent it"))
			.addProperty("message", new StringSchema().description("What is wrong with it"))
			.required(List.of("field", "message"));
		return new ObjectSchema().description("An error, as RFC 9457 problem details (application/problem+json)")
			.addProperty("type", new StringSchema().format("uri-reference")
				.description("The kind of error: about:blank for a plain HTTP error, else a ChatApp problem type"))
			.addProperty("title", new StringSchema().description("Short summary of the kind of error"))
			.addProperty("status", new IntegerSchema().description("The HTTP status code"))
			.addProperty("detail", new StringSchema().description("What went wrong with this request"))
			.addProperty("instance", new StringSchema().format("uri-reference").description("The request's path"))
			.addProperty("errors", new ArraySchema().items(field).description("For validation errors: each bad field"))
			.addProperty("traceId", new StringSchema().description("The request's trace, to find it in the logs"))
			.required(List.of("type", "title", "status"));
	}

}
