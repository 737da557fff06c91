package dev.poolwise.autoconfigure;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.poolwise.validation.PoolConfigurationException;

/**
 * Reports every pool configuration problem with the property, the value, the rule and the fix.
 */
class PoolConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PoolConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PoolConfigurationException cause) {
		String description = "The PostgreSQL pool configuration cannot work as written:\n"
				+ cause.getViolations()
					.stream()
					.map((violation) -> "\n    - " + violation.describe())
					.collect(Collectors.joining());
		String action = cause.getViolations()
			.stream()
			.map((violation) -> "    - " + violation.property() + ": " + violation.fix())
			.collect(Collectors.joining("\n", "Update your application's configuration:\n\n", ""));
		return new FailureAnalysis(description, action, cause);
	}

}
