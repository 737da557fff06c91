package dev.poolwise.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.validation.Violation;

/**
 * Names a {@code db.pool} value that failed to bind because it is a placeholder nothing defined
 * ({@code db.pool.size: ${POOL_SIZE}} with the variable unset), instead of Spring Boot's conversion failure
 * with its {@code NumberFormatException}. It runs before Spring Boot's analyzer of bind failures and leaves
 * to it every other failure, a placeholder that resolved to a bad value and an unknown key included.
 */
class UnresolvedPlaceholderFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private final Environment environment;

	UnresolvedPlaceholderFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		if (property == null || findCause(rootFailure, UnboundConfigurationPropertiesException.class) != null) {
			return null;
		}
		String value = String.valueOf(property.getValue());
		Violation violation = UnresolvedPlaceholders.violation(property.getName(), value,
				this.environment.resolvePlaceholders(value));
		return (violation != null) ? PoolConfigurationFailureAnalyzer.analysis(List.of(violation), cause) : null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
