package dev.poolwise.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

/**
 * Reports every pool configuration problem with the property, the value, the rule and the fix.
 */
class PoolConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PoolConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PoolConfigurationException cause) {
		return analysis(cause.getViolations(), cause);
	}

	/**
	 * The report of some violations, in the one shape every configuration problem is reported in.
	 * @param violations the problems
	 * @param cause the failure they caused
	 * @return the analysis
	 */
	static FailureAnalysis analysis(List<Violation> violations, Throwable cause) {
		String description = "The PostgreSQL pool configuration cannot work as written:\n"
				+ violations.stream().map((violation) -> "\n    - " + violation.describe()).collect(Collectors.joining());
		String action = violations.stream()
			.map((violation) -> "    - " + violation.property() + ": " + violation.fix())
			.collect(Collectors.joining("\n", "Update your application's configuration:\n\n", ""));
		return new FailureAnalysis(description, action, cause);
	}

}
