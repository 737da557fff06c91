package dev.poolwise.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects violations so all of them are reported at once.
 */
public final class Violations {

	private final List<Violation> found = new ArrayList<>();

	public void add(String property, Object value, String rule, String fix) {
		this.found.add(new Violation(property, value, rule, fix));
	}

	public void add(Violation violation) {
		this.found.add(violation);
	}

	public void addAll(List<Violation> violations) {
		this.found.addAll(violations);
	}

	public boolean isEmpty() {
		return this.found.isEmpty();
	}

	public List<Violation> list() {
		return List.copyOf(this.found);
	}

	/**
	 * Throws if anything was found.
	 * @throws PoolConfigurationException listing every violation
	 */
	public void throwIfAny() {
		if (!this.found.isEmpty()) {
			throw new PoolConfigurationException(this.found);
		}
	}

}
