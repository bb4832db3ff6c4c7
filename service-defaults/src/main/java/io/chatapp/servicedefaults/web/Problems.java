package io.chatapp.servicedefaults.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Problem types of ChatApp's HTTP APIs, and writing a problem outside Spring MVC (servlet
 * filters, security entry points). Plain HTTP errors keep the RFC's {@code about:blank}.
 *
 * <p>
 * Each kind of error has one {@code type} and one {@code title}, whichever part of the
 * service reports it: a title follows from the type alone ({@link #complete}), and
 * {@code about:blank} takes the status's reason phrase, as RFC 9457 asks. A 400 naming
 * bad fields is {@link #VALIDATION}; a 400 for a request that cannot be read at all (not
 * JSON, a malformed request line) is {@code about:blank}.
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

	/** The title of every {@link #VALIDATION} problem. */
	static final String VALIDATION_TITLE = "Invalid request";

	/** The detail of a {@link #VALIDATION} problem; its {@code errors} say more. */
	static final String VALIDATION_DETAIL = "Request has invalid fields";

	private Problems() {
	}

	static ProblemDetail forStatus(HttpStatus status, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(ABOUT_BLANK);
		problem.setInstance(instance(request.getRequestURI()));
		request.setAttribute(FailedRequestLogFilter.PROBLEM_ATTRIBUTE, problem);
		return complete(problem);
	}

	static ProblemDetail invalid(List<FieldProblem> errors, HttpServletRequest request) {
		ProblemDetail problem = forStatus(HttpStatus.BAD_REQUEST, VALIDATION_DETAIL, request);
		problem.setType(VALIDATION);
		problem.setProperty("errors", List.copyOf(errors));
		return complete(problem);
	}

	/**
	 * Sets the problem's title from its type ({@code about:blank} when it has none), so
	 * that the same kind of error reads the same wherever it was raised.
	 * @param problem the problem to complete
	 * @return the problem
	 */
	static ProblemDetail complete(ProblemDetail problem) {
		if (problem.getType() == null) {
			problem.setType(ABOUT_BLANK);
		}
		problem.setTitle(title(problem.getType(), problem.getStatus()));
		return problem;
	}

	static String title(URI type, int status) {
		if (VALIDATION.equals(type)) {
			return VALIDATION_TITLE;
		}
		if (CONFLICT.equals(type)) {
			return "Conflict";
		}
		if (RATE_LIMITED.equals(type)) {
			return "Too many requests";
		}
		if (TOO_LARGE.equals(type)) {
			return "Request too large";
		}
		HttpStatus known = HttpStatus.resolve(status);
		return (known != null) ? known.getReasonPhrase() : "Error";
	}

	static URI instance(String requestUri) {
		try {
			return (requestUri != null) ? URI.create(requestUri) : null;
		}
		catch (IllegalArgumentException ex) {
			// Leave out an instance that is not a valid URI.
			return null;
		}
	}

	static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper jsonMapper) throws IOException {
		complete(problem);
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		jsonMapper.writeValue(response.getOutputStream(), problem);
	}

}
