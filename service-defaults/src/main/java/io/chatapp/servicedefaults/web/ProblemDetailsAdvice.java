package io.chatapp.servicedefaults.web;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error of a Spring MVC handler as {@code application/problem+json}: bad
 * input is a 4xx that names each bad field, a value the database refuses is a 400 (or a
 * 409 for a duplicate key), and an unexpected failure is a 500 without internals (it is
 * logged with its stack trace instead, by {@link FailedRequestLogFilter}).
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	// Named, not referenced: spring-tx is optional, and services without it still work.
	private static final String DATA_INTEGRITY_VIOLATION = "org.springframework.dao.DataIntegrityViolationException";

	private static final String DUPLICATE_KEY = "org.springframework.dao.DuplicateKeyException";

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.TransactionSystemException", ProblemDetailsAdvice.class.getClassLoader());

	private static final String INVALID_PARAMETER = "org.apache.tomcat.util.http.InvalidParameterException";

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = new ArrayList<>();
		for (FieldError error : ex.getBindingResult().getFieldErrors()) {
			errors.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
		}
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach((error) -> errors.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
		return validationProblem(errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = new ArrayList<>();
		ex.getParameterValidationResults().forEach((result) -> {
			String name = result.getMethodParameter().getParameterName();
			for (MessageSourceResolvable error : result.getResolvableErrors()) {
				errors.add(new FieldProblem(name, error.getDefaultMessage()));
			}
		});
		return validationProblem(errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex.getPropertyName() != null) ? ex.getPropertyName() : "value";
		String expected = (ex.getRequiredType() != null) ? describe(ex.getRequiredType()) : "a valid value";
		return validationProblem(List.of(new FieldProblem(name, "must be " + expected)), request);
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return validationProblem(List.of(new FieldProblem(ex.getParameterName(), "is required")), request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (causedBy(ex, RequestSizeLimitFilter.RequestTooLargeException.class) != null) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
					causedBy(ex, RequestSizeLimitFilter.RequestTooLargeException.class).getMessage());
			problem.setType(Problems.TOO_LARGE);
			return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.CONTENT_TOO_LARGE, request);
		}
		JacksonException json = causedBy(ex, JacksonException.class);
		if (json != null && !json.getPath().isEmpty()) {
			return validationProblem(List.of(new FieldProblem(jsonPath(json), jsonMessage(json))), request);
		}
		String detail = (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null)
				? "Request body must be " + jsonType(mismatch.getTargetType())
				: (json != null) ? "Request body is not valid JSON" : "Request body is missing or unreadable";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * What is wrong with a JSON value, from what Jackson expected: never Jackson's own
	 * message, which names Java types.
	 */
	private static String jsonMessage(JacksonException ex) {
		if (ex instanceof StrictJsonInput.InvalidUnicodeException) {
			return "must be valid Unicode text (it contains an unpaired surrogate)";
		}
		if (ex instanceof StreamReadException && !(ex instanceof InputCoercionException)) {
			// Malformed JSON (or, in a property name, an unpaired surrogate) within
			// the field.
			return "is not valid JSON";
		}
		if (ex instanceof InvalidNullException) {
			return "must not be null";
		}
		Class<?> target = (ex instanceof MismatchedInputException mismatch) ? mismatch.getTargetType()
				: (ex instanceof InputCoercionException coercion) ? coercion.getTargetType() : null;
		if (ex instanceof InputCoercionException && target != null) {
			return "must be " + jsonType(target) + " in range";
		}
		return (target != null) ? "must be " + jsonType(target) : "has an invalid value";
	}

	private static String jsonType(Class<?> type) {
		if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class) {
			return "a string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == Long.class || type == long.class || type == Integer.class || type == int.class
				|| type == Short.class || type == short.class || type == Byte.class || type == byte.class
				|| type == java.math.BigInteger.class) {
			return "a whole number";
		}
		if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
			return "a number";
		}
		if (type == java.util.UUID.class) {
			return "a UUID string";
		}
		if (type.isEnum()) {
			return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
		}
		if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
			return "an ISO-8601 date-time string";
		}
		if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
			return "an array";
		}
		if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "an object";
		}
		return "a valid value";
	}

	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
		List<FieldProblem> errors = ex.getConstraintViolations()
			.stream()
			.map((violation) -> new FieldProblem(lastNode(violation.getPropertyPath().toString()),
					violation.getMessage()))
			.toList();
		return validationProblem(errors, request);
	}

	/**
	 * A multipart body that cannot be parsed (no boundary, truncated): Spring parses any
	 * multipart request before choosing its handler, so this can reach any endpoint. Too
	 * large a multipart body is still a 413, from the superclass.
	 */
	@ExceptionHandler(MultipartException.class)
	ResponseEntity<Object> handleMultipart(MultipartException ex, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Request body is not valid multipart data");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) throws Exception {
		if (ex.getClass().getName().startsWith("org.springframework.security.")) {
			// Let Spring Security's exception translation answer 401/403.
			throw ex;
		}
		if (causeNamed(ex, INVALID_PARAMETER) != null) {
			// Parameters in a form body that are not percent-encoded UTF-8 (the query
			// string is checked before, by QueryStringFilter).
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"Request parameters are not percent-encoded UTF-8");
			return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
		}
		Throwable dataIntegrity = causeNamed(ex, DATA_INTEGRITY_VIOLATION);
		if (dataIntegrity != null) {
			return dataIntegrityProblem(ex, dataIntegrity, request);
		}
		if (databaseUnavailable(ex)) {
			// Not the request's fault and not a bug: the client may retry (sends are
			// idempotent), so say when.
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
					"The service's database is unavailable; retry shortly");
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, "2");
			return handleExceptionInternal(ex, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
		}
		// Logged with its stack trace by FailedRequestLogFilter, in the request's span.
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The server could not complete the request");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	/**
	 * A value the database refused: 409 for a duplicate key, 400 for anything else (such
	 * as a NUL character or a value breaking a CHECK constraint). It is the caller's
	 * input, not a server fault: the request's record names only the exception type and
	 * SQLSTATE, because database messages quote the rejected row.
	 */
	private ResponseEntity<Object> dataIntegrityProblem(Exception ex, Throwable violation, WebRequest request) {
		SQLException sql = causedBy(violation, SQLException.class);
		request.setAttribute(FailedRequestLogFilter.REASON_ATTRIBUTE,
				violation.getClass().getSimpleName() + ", SQLSTATE " + ((sql != null) ? sql.getSQLState() : "unknown"),
				RequestAttributes.SCOPE_REQUEST);
		ProblemDetail problem;
		if (causeNamed(violation, DUPLICATE_KEY) != null) {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Request conflicts with existing data");
			problem.setType(Problems.CONFLICT);
		}
		else {
			problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"Request contains a value that cannot be stored");
		}
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatusCode.valueOf(problem.getStatus()),
				request);
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		// The superclass fills in a missing body from an ErrorResponse (405, 415, 404,
		// ProblemException), so the problem is completed once it is there.
		ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (response != null && response.getBody() instanceof ProblemDetail problem) {
			Problems.complete(problem);
			request.setAttribute(FailedRequestLogFilter.PROBLEM_ATTRIBUTE, problem, RequestAttributes.SCOPE_REQUEST);
			if (ex != null) {
				request.setAttribute(FailedRequestLogFilter.EXCEPTION_ATTRIBUTE, ex, RequestAttributes.SCOPE_REQUEST);
			}
			if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
				problem.setInstance(Problems.instance(servlet.getRequest().getRequestURI()));
			}
			String traceId = MDC.get("traceId");
			if (traceId != null) {
				problem.setProperty("traceId", traceId);
			}
			// A problem is always problem+json, whatever the request's Accept header
			// asks for: otherwise an error for a client accepting only text/html
			// would leave as an empty body.
			HttpHeaders problemHeaders = new HttpHeaders();
			problemHeaders.putAll(response.getHeaders());
			problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			return new ResponseEntity<>(problem, problemHeaders, response.getStatusCode());
		}
		return response;
	}

	private ResponseEntity<Object> validationProblem(List<FieldProblem> errors, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, Problems.VALIDATION_DETAIL);
		problem.setType(Problems.VALIDATION);
		problem.setProperty("errors", errors);
		return handleExceptionInternal(null, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	private static String jsonPath(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

	private static String describe(Class<?> type) {
		if (type == java.util.UUID.class) {
			return "a valid UUID";
		}
		if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
			return "a whole number";
		}
		if (type.isEnum()) {
			return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
		}
		return "a valid " + type.getSimpleName();
	}

	private static String lastNode(String propertyPath) {
		int dot = propertyPath.lastIndexOf('.');
		return (dot >= 0) ? propertyPath.substring(dot + 1) : propertyPath;
	}

	/**
	 * The first throwable in the cause chain that is an instance of the named class,
	 * compared by name so that the class need not be on the classpath.
	 */
	/**
	 * Whether the database could not be reached or went away mid-request: no connection
	 * within the pool's timeout, a connection refused or broken (SQLSTATE class 08), or
	 * the server shutting down or starting (57P01-57P03), or out of connections (53300).
	 */
	private static boolean databaseUnavailable(Throwable ex) {
		Throwable rolledBackFor = applicationException(ex);
		if (rolledBackFor != null && databaseUnavailable(rolledBackFor)) {
			// The rollback (or commit) failed after the statement had: once a connection
			// breaks, the pool closes it, and rolling back on it fails with no SQLSTATE.
			return true;
		}
		if (causeNamed(ex, "org.springframework.dao.DataAccessResourceFailureException") != null
				|| causeNamed(ex, "org.springframework.transaction.CannotCreateTransactionException") != null
				|| causeNamed(ex, "org.springframework.dao.TransientDataAccessResourceException") != null) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The exception that made a transaction roll back, when the rollback itself failed
	 * (Spring keeps it beside the rollback's own failure, not as its cause).
	 */
	private static Throwable applicationException(Throwable ex) {
		return TRANSACTIONS_PRESENT ? Transactions.applicationException(ex) : null;
	}

	private static Throwable causeNamed(Throwable ex, String className) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
				if (type.getName().equals(className)) {
					return cause;
				}
			}
		}
		return null;
	}

	private static <T extends Throwable> T causedBy(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/**
	 * Kept apart so that the advice loads without spring-tx.
	 */
	private static final class Transactions {

		static Throwable applicationException(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
				if (cause instanceof TransactionSystemException failed && failed.getApplicationException() != null) {
					return failed.getApplicationException();
				}
			}
			return null;
		}

	}

}
