package dev.poolwise.budget;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.poolwise.registry.LivePool;
import dev.poolwise.validation.Violation;

/**
 * Whether a pool's numbers fit the server's connection budget, and what follows: an error with
 * {@code db.pool.budget.enforce}, a warning without. Startup, a runtime resize and the health indicator all
 * judge through it, with the other live pools of the JVM on the same server as they are at that moment, so
 * they always agree on whether the budget is exceeded.
 */
public final class BudgetPolicy {

	private final @Nullable ConnectionBudget budget;

	private final int instances;

	private final boolean enforce;

	/**
	 * @param budget the server's budget as measured at startup, or null when none was (lazy start without
	 * the server, PgBouncer)
	 * @param instances db.pool.instances
	 * @param enforce db.pool.budget.enforce
	 */
	public BudgetPolicy(@Nullable ConnectionBudget budget, int instances, boolean enforce) {
		this.budget = budget;
		this.instances = instances;
		this.enforce = enforce;
	}

	/**
	 * Judges a pool's numbers for as many instances as configured or counted on the server, whichever is more.
	 * @param pool the pool's bean name
	 * @param others the other live pools of this JVM on the same server
	 * @param counted instances of the application counted on the server, this one included, or 0
	 * @param sizeProperty the name size goes by, e.g. {@code db.pool.size}
	 * @param overflowProperty the name overflow goes by
	 * @param size permanent connections
	 * @param maxPoolSize size plus overflow
	 * @return the verdict
	 */
	public Verdict judge(String pool, List<LivePool> others, int counted, String sizeProperty,
			String overflowProperty, int size, int maxPoolSize) {
		if (this.budget == null) {
			return new Verdict(null, null, false);
		}
		BudgetRule rule = new BudgetRule(this.budget, others, new Instances(this.instances, counted));
		Violation exceeded = rule.check(pool, sizeProperty, overflowProperty, size, maxPoolSize);
		return new Verdict(exceeded, rule.warning(pool, maxPoolSize), this.enforce && exceeded != null);
	}

	/**
	 * A pool's standing against the budget.
	 *
	 * @param exceeded the violation when the pool does not fit, else null
	 * @param warning a sentence for an operator once less than a tenth of the budget is left, else null
	 * @param refused whether the violation is an error ({@code db.pool.budget.enforce}) rather than a warning
	 */
	public record Verdict(@Nullable Violation exceeded, @Nullable String warning, boolean refused) {

	}

}
