package dev.poolwise.pool;

import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for text that leaves the process about a pool (health details, endpoint fields, log lines):
 * the pool's URL only in its masked form and its password never, neither the configured one nor the
 * one its credentials provider hands out now. Driver messages can quote both.
 */
public final class Redaction {

	private static final String MASK = "******";

	/** What the server quotes in its messages: {@code user "app"}, {@code Key (email)=(a@example.com)}. */
	private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|=\\([^)]*\\)");

	private Redaction() {
	}

	/**
	 * An exception's class and message, safe to show.
	 * @param ex the failure
	 * @param pool the pool it concerns
	 * @return e.g. {@code org.postgresql.util.PSQLException: Connection to localhost:5432 refused}
	 */
	public static String describe(Throwable ex, HikariDataSource pool) {
		return ex.getClass().getName() + ": " + message(ex.getMessage(), pool);
	}

	/**
	 * A message with the pool's URL masked and its password replaced.
	 * @param message the message, or null
	 * @param pool the pool it concerns
	 * @return the safe message
	 */
	public static String message(@Nullable String message, HikariDataSource pool) {
		String safe = String.valueOf(message);
		String url = pool.getJdbcUrl();
		if (url != null) {
			safe = safe.replace(url, JdbcUrls.mask(url));
		}
		safe = mask(safe, pool.getPassword());
		return (pool.getCredentialsProvider() != null) ? mask(safe, PoolCredentials.of(pool).getPassword()) : safe;
	}

	/**
	 * A message with what the server quotes in it hidden: role, database and host names in double quotes,
	 * and the values of a key in a constraint's detail. Where values may not be shown (Spring Boot's
	 * {@code show-values}), a server message such as {@code password authentication failed for user "app"}
	 * keeps its sense and loses the name.
	 * @param message the message, already {@link #message(String, HikariDataSource) redacted}
	 * @return e.g. {@code password authentication failed for user "******"}
	 */
	public static String quotedValues(String message) {
		return QUOTED.matcher(message)
			.replaceAll((match) -> match.group().startsWith("\"") ? "\"" + MASK + "\"" : "=(" + MASK + ")");
	}

	private static String mask(String message, @Nullable String password) {
		return (password != null && !password.isEmpty()) ? message.replace(password, MASK) : message;
	}

}
