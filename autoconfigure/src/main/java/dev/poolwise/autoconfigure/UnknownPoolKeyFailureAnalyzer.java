package dev.poolwise.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Names each {@code db.pool} key that nothing declares, with the declared key nearest to it, instead of
 * Spring Boot's binder text: a typo such as {@code db.pool.sise} should be fixed in one read. It runs before
 * Spring Boot's analyzer of unbound properties and leaves to it any failure with keys outside
 * {@code db.pool}.
 */
class UnknownPoolKeyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
		implements Ordered {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("db.pool");

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
		List<ConfigurationProperty> unknown = cause.getUnboundProperties()
			.stream()
			.sorted((a, b) -> a.getName().compareTo(b.getName()))
			.toList();
		if (unknown.isEmpty() || !unknown.stream().allMatch((property) -> PREFIX.isAncestorOf(property.getName()))) {
			return null;
		}
		String description = unknown.stream()
			.map((property) -> "\n    - " + PoolKeys.written(property.getName()) + "=" + property.getValue()
					+ ((property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : ""))
			.collect(Collectors.joining("", "Poolwise has no such key:\n", ""));
		String action = unknown.stream()
			.map((property) -> "    - " + fix(property.getName()))
			.collect(Collectors.joining("\n", "Correct the key in your application's configuration:\n\n", ""));
		return new FailureAnalysis(description, action, cause);
	}

	private static String fix(ConfigurationPropertyName name) {
		List<String> nearest = PoolKeys.nearest(name);
		String written = PoolKeys.written(name);
		return !nearest.isEmpty() ? written + ": did you mean " + String.join(" or ", nearest) + "?"
				: written + ": no db.pool key is near it; remove it, or write one of the keys the README lists.";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
