package io.chatapp.servicedefaults.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chatapp.servicedefaults.ServiceDefaultsAutoConfiguration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;

/**
 * One log record for every request that failed: {@code GET /api/chats/{chatId} -> 404 Not
 * Found}. A server error (5xx) is logged at ERROR with its exception, a client error
 * (4xx) at INFO; neither ever shows the request's headers (its token) or its body. It
 * runs inside the request's observation, so the record carries the request's trace and
 * span.
 * <p>
 * Health probes are left out. The logger is this class's name: set its level to WARN to
 * keep the server errors only.
 */
class FailedRequestLogFilter extends OncePerRequestFilter {

	/**
	 * Request attribute holding the {@link ProblemDetail} that answered the request, so
	 * the record can name it by its title.
	 */
	static final String PROBLEM_ATTRIBUTE = FailedRequestLogFilter.class.getName() + ".problem";

	/**
	 * Request attribute holding the exception behind the answer, when one was handled.
	 */
	static final String EXCEPTION_ATTRIBUTE = FailedRequestLogFilter.class.getName() + ".exception";

	/**
	 * Request attribute holding a short reason to add to a client error's record, such as
	 * the SQLSTATE of a value the database refused; never a message that quotes input.
	 */
	static final String REASON_ATTRIBUTE = FailedRequestLogFilter.class.getName() + ".reason";

	private static final Logger log = LoggerFactory.getLogger(FailedRequestLogFilter.class);

	private static final int MAX_PATH = 200;

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		// A probe answering 503 while the service starts or a dependency is down is its
		// answer, not a failure; the probes are not traced either.
		return ServiceDefaultsAutoConfiguration.isProbe(request.getRequestURI());
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		// A long poll ends on an async dispatch; that is when its status is known.
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			// Escaped every handler: the container answers 500.
			if (!request.isAsyncStarted()) {
				log(request, HttpStatus.INTERNAL_SERVER_ERROR.value(), ex);
			}
			throw ex;
		}
		if (!request.isAsyncStarted() && response.getStatus() >= 400) {
			log(request, response.getStatus(), null);
		}
	}

	private static void log(HttpServletRequest request, int status, Throwable thrown) {
		if (status >= 500) {
			if (log.isErrorEnabled()) {
				log.error("{} {} -> {} {}", request.getMethod(), path(request), status, title(request, status),
						(thrown != null) ? thrown : exception(request));
			}
		}
		else if (log.isInfoEnabled()) {
			Object reason = request.getAttribute(REASON_ATTRIBUTE);
			log.info("{} {} -> {} {}{}", request.getMethod(), path(request), status, title(request, status),
					(reason != null) ? " (" + reason + ")" : "");
		}
	}

	/** The route the request matched ({@code /api/chats/{chatId}}), else its path. */
	static String path(HttpServletRequest request) {
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		String path = (pattern instanceof String route && !route.equals("/**")) ? route : request.getRequestURI();
		return sanitize(path);
	}

	private static String title(HttpServletRequest request, int status) {
		if (request.getAttribute(PROBLEM_ATTRIBUTE) instanceof ProblemDetail problem && problem.getStatus() == status
				&& problem.getTitle() != null) {
			return problem.getTitle();
		}
		return Problems.title(Problems.ABOUT_BLANK, status);
	}

	private static Throwable exception(HttpServletRequest request) {
		if (request.getAttribute(EXCEPTION_ATTRIBUTE) instanceof Throwable handled) {
			return handled;
		}
		return (request.getAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE) instanceof Throwable resolved) ? resolved
				: null;
	}

	/** A path as sent may be long or hold control characters: neither reaches a log. */
	private static String sanitize(String path) {
		if (path == null) {
			return "";
		}
		StringBuilder clean = new StringBuilder(Math.min(path.length(), MAX_PATH + 1));
		for (int i = 0; i < path.length() && clean.length() < MAX_PATH; i++) {
			char c = path.charAt(i);
			clean.append(Character.isISOControl(c) ? '?' : c);
		}
		if (path.length() > MAX_PATH) {
			clean.append('\u2026');
		}
		return clean.toString();
	}

}
