package io.chatapp.servicedefaults.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400, naming the parameter, to a query string that is not percent-encoded UTF-8
 * ({@code ?q=%FF}, an overlong {@code %C0%AF}, a surrogate {@code %ED%A0%80}, a stray
 * {@code %}). Tomcat would otherwise fail while parsing the parameters, from deep inside
 * whatever first reads one, and the request would end as a 500.
 */
class QueryStringFilter extends OncePerRequestFilter {

	static final String MESSAGE = "must be percent-encoded UTF-8";

	private final JsonMapper jsonMapper;

	QueryStringFilter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String query = request.getQueryString();
		String invalid = (query != null) ? invalidParameter(query) : null;
		if (invalid != null) {
			Problems.write(response, Problems.invalid(List.of(new FieldProblem(invalid, MESSAGE)), request),
					this.jsonMapper);
			return;
		}
		chain.doFilter(request, response);
	}

	/**
	 * The name of the first parameter that does not decode, or {@code "query"} when its
	 * name itself does not; {@code null} when all decode.
	 */
	static String invalidParameter(String query) {
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String name = decode((equals >= 0) ? pair.substring(0, equals) : pair);
			if (name == null) {
				return "query";
			}
			if (equals >= 0 && decode(pair.substring(equals + 1)) == null) {
				return name;
			}
		}
		return null;
	}

	private static String decode(String encoded) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
		for (int i = 0; i < encoded.length(); i++) {
			char c = encoded.charAt(i);
			if (c == '%') {
				int high = (i + 2 < encoded.length()) ? Character.digit(encoded.charAt(i + 1), 16) : -1;
				int low = (high >= 0) ? Character.digit(encoded.charAt(i + 2), 16) : -1;
				if (low < 0) {
					return null;
				}
				bytes.write((high << 4) | low);
				i += 2;
			}
			else if (c < 0x80) {
				bytes.write(c);
			}
			else {
				bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
