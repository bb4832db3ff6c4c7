package io.chatapp.servicedefaults;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.ttddyy.observation.tracing.QueryContext;
import net.ttddyy.observation.tracing.QueryObservationConvention;

/**
 * Names a database span after what its statement does, as OpenTelemetry's database
 * conventions suggest ({@code SELECT outbox}, {@code INSERT messages},
 * {@code UPDATE chats}), instead of one name ({@code query}) for all of them. The
 * statement itself stays in the span's {@code jdbc.query[0]} tag, without parameter
 * values.
 */
class DatabaseSpanNames implements QueryObservationConvention {

	private static final Pattern TABLE_AFTER = Pattern
		.compile("(?is)^\\s*\\(?\\s*(select|delete|insert|update|merge)\\b.*?\\b(from|into|update)\\s+([\\w.\"]+)");

	private static final Pattern UPDATE_TABLE = Pattern.compile("(?is)^\\s*update\\s+(?:only\\s+)?([\\w.\"]+)");

	@Override
	public String getContextualName(QueryContext context) {
		List<String> queries = context.getQueries();
		if (queries == null || queries.isEmpty()) {
			return "query";
		}
		String name = name(queries.get(0));
		return (queries.size() > 1) ? name + " (batch)" : name;
	}

	/**
	 * The operation and the table it works on, or the operation alone.
	 * @param sql a statement
	 * @return e.g. {@code SELECT outbox}
	 */
	static String name(String sql) {
		String trimmed = sql.strip();
		if (trimmed.regionMatches(true, 0, "WITH", 0, 4)) {
			// Named after the statement the common table expressions lead to.
			String main = afterCommonTableExpressions(trimmed);
			return (main != null) ? name(main) : "WITH";
		}
		Matcher update = UPDATE_TABLE.matcher(trimmed);
		if (update.find()) {
			return "UPDATE " + table(update.group(1));
		}
		Matcher matcher = TABLE_AFTER.matcher(trimmed);
		if (matcher.find()) {
			return matcher.group(1).toUpperCase(Locale.ROOT) + " " + table(matcher.group(3));
		}
		String first = trimmed.replaceFirst("^\\(+", "").split("[\\s(;]", 2)[0];
		return first.isEmpty() ? "query" : first.toUpperCase(Locale.ROOT);
	}

	/**
	 * What follows {@code WITH a AS (...), b AS (...)}: the text after the first
	 * top-level closing parenthesis that is not followed by a comma.
	 */
	private static String afterCommonTableExpressions(String sql) {
		int depth = 0;
		boolean quoted = false;
		for (int i = 4; i < sql.length(); i++) {
			char c = sql.charAt(i);
			if (c == '\'') {
				quoted = !quoted;
			}
			else if (!quoted && c == '(') {
				depth++;
			}
			else if (!quoted && c == ')' && --depth == 0) {
				String rest = sql.substring(i + 1).stripLeading();
				if (!rest.startsWith(",")) {
					return rest.isEmpty() ? null : rest;
				}
			}
		}
		return null;
	}

	private static String table(String name) {
		return name.replace("\"", "");
	}

}
