package io.chatapp.servicedefaults.web;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A service's {@code @WebMvcTest} slice gets the same problem details and security as the
 * running service, so its controller tests can check error responses.
 */
@WebMvcTest
class WebApiDefaultsSliceTests {

	@Autowired
	MockMvc mvc;

	@MockitoBean
	JwtDecoder jwtDecoder;

	@Test
	void invalidFieldsAreAValidationProblem() throws Exception {
		this.mvc
			.perform(post("/items").with(jwt())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"name\":\" \",\"owner\":\"\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value(Problems.VALIDATION.toString()))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("name", "owner")));
	}

	@Test
	void anInvalidUuidIsAValidationProblemNamingTheVariable() throws Exception {
		this.mvc.perform(get("/items/nope").with(jwt()))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("itemId"));
	}

	@Test
	void noTokenIsA401Problem() throws Exception {
		this.mvc.perform(get("/items/" + UUID.randomUUID()))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", "Bearer"))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(401));
	}

	@Test
	void anAuthenticatedValidRequestSucceeds() throws Exception {
		UUID id = UUID.randomUUID();
		this.mvc.perform(get("/items/" + id).with(jwt()))
			.andExpect(status().isOk())
			.andExpect(content().string(id.toString()));
	}

	@SpringBootConfiguration
	@Import(ItemController.class)
	static class SliceApplication {

	}

	@RestController
	static class ItemController {

		record Item(@NotBlank String name, @NotBlank String owner) {
		}

		@PostMapping("/items")
		Item create(@Valid @RequestBody Item item) {
			return item;
		}

		@GetMapping("/items/{itemId}")
		String get(@PathVariable UUID itemId) {
			return itemId.toString();
		}

	}

}
