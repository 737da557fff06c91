package dev.poolwise.autoconfigure;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * {@code db.pool} values that still hold a {@code ${...}} placeholder once the environment has resolved what it
 * can: nothing defines the variable or property it names. Spring leaves such a placeholder in the value, so a
 * number fails to convert with a {@code NumberFormatException} and a text is sent to the server as written;
 * both are named here with the sentence an unresolved password gets, whichever key holds them.
 */
final class UnresolvedPlaceholders {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)[^}]*}");

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("db.pool");

	private UnresolvedPlaceholders() {
	}

	/**
	 * Records a violation for every key under a prefix whose value holds an unresolved placeholder.
	 * @param environment the application's environment
	 * @param prefix e.g. {@code db.pool}
	 * @param violations where each one is recorded
	 * @return the keys recorded, as the binder names them
	 */
	static Set<ConfigurationPropertyName> check(Environment environment, ConfigurationPropertyName prefix,
			Violations violations) {
		Set<ConfigurationPropertyName> found = new HashSet<>();
		PoolPropertySources.setUnder(environment, prefix).forEach((name, property) -> {
			String value = String.valueOf(property.getValue());
			Violation violation = violation(name, value, environment.resolvePlaceholders(value));
			if (violation != null) {
				violations.add(violation);
				found.add(name);
			}
		});
		return found;
	}

	/**
	 * Records a violation for every key under {@code db.pool} whose value holds an unresolved placeholder.
	 * @param environment the application's environment
	 * @param violations where each one is recorded
	 */
	static void check(Environment environment, Violations violations) {
		check(environment, PREFIX, violations);
	}

	/**
	 * The violation of one value that was resolved as far as the environment could.
	 * @param name the key
	 * @param written the value as written, shown in the message (a URL masked)
	 * @param resolved the value after resolution
	 * @return the violation, or null when the key is under no {@code db.pool} or nothing is left unresolved
	 */
	static @Nullable Violation violation(ConfigurationPropertyName name, String written, String resolved) {
		Matcher placeholder = PLACEHOLDER.matcher(resolved);
		if (!PREFIX.isAncestorOf(name) || !placeholder.find()) {
			return null;
		}
		String key = PoolKeys.written(name);
		String variable = placeholder.group(1);
		return new Violation(key, key.endsWith("url") ? JdbcUrls.mask(written) : written,
				"it holds the unresolved placeholder " + placeholder.group()
						+ ": nothing (no environment variable, no property) defined it",
				"Define " + variable + " (an environment variable or a property), give the placeholder a default ("
						+ "${" + variable + ":<value>}), or remove " + key + ".");
	}

}
