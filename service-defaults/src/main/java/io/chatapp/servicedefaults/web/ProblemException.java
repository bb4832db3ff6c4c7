package io.chatapp.servicedefaults.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An error a request handler reports to its caller as {@code application/problem+json}
 * (RFC 9457). Throw one of the factories; the service defaults render it.
 */
public class ProblemException extends ErrorResponseException {

	private ProblemException(HttpStatus status, ProblemDetail body, HttpHeaders headers) {
		super(status, body, null);
		getHeaders().putAll(headers);
	}

	/**
	 * 400 naming each bad field.
	 * @param detail what was wrong, for a person
	 * @param errors the bad fields
	 * @return the exception to throw
	 */
	public static ProblemException invalid(String detail, List<FieldProblem> errors) {
		ProblemDetail body = problem(HttpStatus.BAD_REQUEST, detail, Problems.VALIDATION);
		body.setProperty("errors", List.copyOf(errors));
		return new ProblemException(HttpStatus.BAD_REQUEST, body, HttpHeaders.EMPTY);
	}

	public static ProblemException invalid(String field, String message) {
		return invalid("Request has invalid fields", List.of(new FieldProblem(field, message)));
	}

	public static ProblemException unauthorized(String detail) {
		return of(HttpStatus.UNAUTHORIZED, detail);
	}

	public static ProblemException forbidden(String detail) {
		return of(HttpStatus.FORBIDDEN, detail);
	}

	public static ProblemException notFound(String detail) {
		return of(HttpStatus.NOT_FOUND, detail);
	}

	/**
	 * 409, optionally naming the fields whose values conflict.
	 * @param detail what conflicts, for a person
	 * @param errors the conflicting fields (may be empty)
	 * @return the exception to throw
	 */
	public static ProblemException conflict(String detail, List<FieldProblem> errors) {
		ProblemDetail body = problem(HttpStatus.CONFLICT, detail, Problems.CONFLICT);
		if (!errors.isEmpty()) {
			body.setProperty("errors", List.copyOf(errors));
		}
		return new ProblemException(HttpStatus.CONFLICT, body, HttpHeaders.EMPTY);
	}

	/**
	 * 429 with a {@code Retry-After} header in whole seconds (at least one).
	 * @param detail what limit was hit
	 * @param retryAfter when the caller may try again
	 * @return the exception to throw
	 */
	public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
		HttpHeaders headers = new HttpHeaders();
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		return new ProblemException(HttpStatus.TOO_MANY_REQUESTS,
				problem(HttpStatus.TOO_MANY_REQUESTS, detail, Problems.RATE_LIMITED), headers);
	}

	public static ProblemException serviceUnavailable(String detail) {
		return of(HttpStatus.SERVICE_UNAVAILABLE, detail);
	}

	private static ProblemException of(HttpStatus status, String detail) {
		return new ProblemException(status, problem(status, detail, null), HttpHeaders.EMPTY);
	}

	private static ProblemDetail problem(HttpStatus status, String detail, URI type) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
		if (type != null) {
			body.setType(type);
		}
		return Problems.complete(body);
	}

}
