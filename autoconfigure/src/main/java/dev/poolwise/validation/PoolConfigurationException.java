package dev.poolwise.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when the pool configuration cannot work as written. Every problem found is listed,
 * so one restart fixes them all.
 */
public class PoolConfigurationException extends RuntimeException {

	private final List<Violation> violations;

	public PoolConfigurationException(List<Violation> violations) {
		super(violations.stream().map(Violation::describe).collect(Collectors.joining(" ")));
		this.violations = List.copyOf(violations);
	}

	public List<Violation> getViolations() {
		return this.violations;
	}

}
