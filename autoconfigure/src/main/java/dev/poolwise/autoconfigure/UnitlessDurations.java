package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

/**
 * Durations of {@code db.pool} written without a unit ({@code timeout: 5}), which Spring Boot reads as
 * milliseconds; 0 needs no unit. Only the
 * raw text tells them from {@code 5ms}, so this reads it from the environment: a refused value says the
 * unit was missing, and an accepted one is logged once, since {@code 300} meant as seconds would otherwise
 * start as 300 ms without a word.
 */
final class UnitlessDurations {

	private static final Log logger = LogFactory.getLog(UnitlessDurations.class);

	private static final Pattern DIGITS = Pattern.compile("\\s*0*[1-9]\\d*\\s*");

	private final Environment environment;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	UnitlessDurations(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Adds the missing unit to every refused duration that was written without one.
	 * @param ex the refusal
	 * @return the same refusal, each unitless value named as written and as read
	 */
	PoolConfigurationException explain(PoolConfigurationException ex) {
		List<Violation> violations = ex.getViolations().stream().map(this::explain).toList();
		return violations.equals(ex.getViolations()) ? ex : new PoolConfigurationException(violations);
	}

	private Violation explain(Violation violation) {
		String raw = (violation.value() instanceof Duration && violation.property().startsWith("db.pool."))
				? unitless(violation.property()) : null;
		if (raw == null) {
			return violation;
		}
		return new Violation(violation.property(), raw + " (no unit, read as " + raw + "ms)", violation.rule(),
				raw + " has no unit and was read as " + raw + "ms; write " + raw + "s if seconds were meant. "
						+ violation.fix());
	}

	/**
	 * Logs one WARN for each duration key of {@code db.pool} and of the pools' own keys written without a
	 * unit, once per key.
	 * @param beanName the pool whose own keys are read as well
	 */
	void warnAccepted(String beanName) {
		warnAcceptedUnder("db.pool.", "db.pool.datasources." + beanName + ".");
	}

	/**
	 * As {@link #warnAccepted(String)}, for the pool keys under the given prefixes.
	 * @param prefixes each ending in a dot, e.g. {@code db.pool.replicas.}
	 */
	void warnAcceptedUnder(String... prefixes) {
		for (Map.Entry<String, Class<?>> key : PoolKeys.all().entrySet()) {
			if (key.getValue() == Duration.class) {
				for (String prefix : prefixes) {
					warnIfUnitless(prefix + key.getKey());
				}
			}
		}
	}

	private void warnIfUnitless(String property) {
		String raw = unitless(property);
		if (raw != null && this.warned.add(property)) {
			logger.warn(property + "=" + raw + " has no unit and was read as " + raw + "ms; write " + raw
					+ "ms to keep it, or " + raw + "s if seconds were meant");
		}
	}

	private @Nullable String unitless(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property, '.');
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				String raw = String.valueOf(found.getValue());
				return DIGITS.matcher(raw).matches() ? raw.trim() : null;
			}
		}
		return null;
	}

}
