package io.chatapp.servicedefaults.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (by the servlet container or a filter) reach the error
 * page; this answers them as problem details too, without internals. It is not part of
 * any API, so it stays out of the OpenAPI documents.
 */
@Hidden
@RestController
@RequestMapping("${server.error.path:${error.path:/error}}")
class ProblemErrorController implements ErrorController {

	@RequestMapping
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		HttpStatus status = status(request);
		String detail = (status.is5xxServerError()) ? "The server could not complete the request"
				: status.getReasonPhrase();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		problem.setInstance((uri instanceof String path) ? Problems.instance(path) : null);
		Problems.complete(problem);
		request.setAttribute(FailedRequestLogFilter.PROBLEM_ATTRIBUTE, problem);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static HttpStatus status(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		if (code instanceof Integer value) {
			HttpStatus status = HttpStatus.resolve(value);
			if (status != null && status.isError()) {
				return status;
			}
		}
		return HttpStatus.INTERNAL_SERVER_ERROR;
	}

}
