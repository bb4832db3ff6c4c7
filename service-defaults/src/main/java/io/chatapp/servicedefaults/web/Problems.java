package io.chatapp.servicedefaults.web;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Problem types of ChatApp's HTTP APIs, and writing a problem outside Spring MVC (servlet
 * filters, security entry points). Plain HTTP errors keep the RFC's {@code about:blank}.
 */
public final class Problems {

	/**
	 * A plain HTTP error, fully described by its status. Written out explicitly: Spring
	 * leaves {@code type} out of the JSON unless it is set, and clients may rely on its
	 * presence.
	 */
	public static final URI ABOUT_BLANK = URI.create("about:blank");

	/** One or more fields of the request are invalid; {@code errors} names them. */
	public static final URI VALIDATION = URI.create("https://chatapp.io/problems/validation");

	/** The request conflicts with existing state, such as a taken username. */
	public static final URI CONFLICT = URI.create("https://chatapp.io/problems/conflict");

	/** The caller sent too many requests; {@code Retry-After} says when to try again. */
	public static final URI RATE_LIMITED = URI.create("https://chatapp.io/problems/rate-limited");

	/** The request body is larger than the limit. */
	public static final URI TOO_LARGE = URI.create("https://chatapp.io/problems/request-too-large");

	private Problems() {
	}

	static ProblemDetail forStatus(HttpStatus status, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(ABOUT_BLANK);
		try {
			problem.setInstance(URI.create(request.getRequestURI()));
		}
		catch (IllegalArgumentException ex) {
			// Leave out an instance that is not a valid URI.
		}
		return problem;
	}

	static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper jsonMapper) throws IOException {
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		jsonMapper.writeValue(response.getOutputStream(), problem);
	}

}
