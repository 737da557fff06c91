package dev.poolwise.pool;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * JDBC URL helpers. {@link #mask} is the only form of a URL that may reach a log line, an exception
 * message or an endpoint.
 */
public final class JdbcUrls {

	private static final Pattern SECRET_PARAMETER = Pattern
		.compile("(?i)([?&;](?:[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|sslkey)[a-z0-9_.-]*)=)[^&;]*");

	private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?]*@");

	private JdbcUrls() {
	}

	/**
	 * The URL with user info and the values of password-like parameters replaced by {@code ******}.
	 * @param url a JDBC URL, or null
	 * @return the masked URL, or {@code null} as text
	 */
	public static String mask(@Nullable String url) {
		if (url == null) {
			return String.valueOf(url);
		}
		String masked = SECRET_PARAMETER.matcher(url).replaceAll("$1******");
		return USER_INFO.matcher(masked).replaceAll("$1******@");
	}

	/**
	 * Whether the URL is one pgjdbc accepts.
	 * @param url a JDBC URL, or null
	 * @return true for {@code jdbc:postgresql:} URLs
	 */
	public static boolean isPostgreSql(String url) {
		return url != null && url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
	}

	/**
	 * Names of the URL's query parameters.
	 * @param url a JDBC URL, or null
	 * @return parameter names as written
	 */
	public static Set<String> parameterNames(String url) {
		Set<String> names = new LinkedHashSet<>();
		int query = (url != null) ? url.indexOf('?') : -1;
		if (query < 0) {
			return names;
		}
		Matcher matcher = Pattern.compile("([^&=]+)(=[^&]*)?").matcher(url.substring(query + 1));
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

}
