package dev.poolwise.budget;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.poolwise.registry.LivePool;
import dev.poolwise.validation.Violation;

/**
 * A pool, together with every other live pool of this JVM on the same server, against the server's
 * connection budget, for all replicas of the application: as many as configured or counted on the server,
 * whichever is more. Connections those other pools hold are counted
 * through their maximum, not twice. The startup check and a runtime resize both apply it, so a pool too
 * big for the budget is described in the same words whichever way it got that big.
 */
public final class BudgetRule {

	private final ConnectionBudget budget;

	private final List<LivePool> others;

	private final Instances instances;

	/**
	 * @param serverBudget the budget as read from the server
	 * @param others the other live pools of this JVM on the same server
	 * @param instances db.pool.instances and the instances counted on the server
	 */
	public BudgetRule(ConnectionBudget serverBudget, List<LivePool> others, Instances instances) {
		this.others = others;
		this.instances = instances;
		this.budget = serverBudget.excluding(others.stream().mapToInt(LivePool::openConnections).sum());
	}

	/**
	 * Checks one pool's numbers.
	 * @param pool the pool's bean name
	 * @param sizeProperty the name size goes by, e.g. {@code db.pool.size}
	 * @param overflowProperty the name overflow goes by
	 * @param size permanent connections
	 * @param maxPoolSize size plus overflow
	 * @return the violation, naming {@code sizeProperty + overflowProperty} and the maximum, or null if the
	 * pool fits
	 */
	public @Nullable Violation check(String pool, String sizeProperty, String overflowProperty, int size,
			int maxPoolSize) {
		int othersMax = othersMax();
		if (this.budget.fits(this.instances.effective(), maxPoolSize + othersMax)) {
			return null;
		}
		int room = this.budget.maxPoolSizePerInstance(this.instances.effective()) - othersMax;
		String rule = "connection budget exceeded: " + planned(pool, maxPoolSize) + ", but the server has "
				+ this.budget.explain();
		String fix = (room < 1) ? "Run fewer instances or pools, or raise max_connections (or put PgBouncer in front)."
				: "Keep size + overflow of '" + pool + "' at or below " + room + " per instance, e.g. "
						+ example(sizeProperty, overflowProperty, size, room) + ", or raise max_connections.";
		return new Violation(sizeProperty + " + " + overflowProperty, maxPoolSize, rule, fix);
	}

	/**
	 * The pool's standing as one sentence for an operator, once it leaves less than a tenth of the budget
	 * free: exceeded exactly when {@link #check} finds a violation, nearly spent before that.
	 * @param pool the pool's bean name
	 * @param maxPoolSize size plus overflow
	 * @return the sentence, or null when the pool is well within the budget
	 */
	public @Nullable String warning(String pool, int maxPoolSize) {
		long planned = (long) this.instances.effective() * (maxPoolSize + othersMax());
		int available = this.budget.available();
		if (planned * 10 <= available * 9L) {
			return null;
		}
		return "connection budget " + ((planned > available) ? "exceeded" : "nearly spent") + ": "
				+ planned(pool, maxPoolSize) + ", but the server had " + this.budget.explain() + " at startup";
	}

	private int othersMax() {
		return this.others.stream().mapToInt(LivePool::maxPoolSize).sum();
	}

	/**
	 * The connections all replicas may open, with the other pools of this JVM named when there are any.
	 */
	private String planned(String pool, int maxPoolSize) {
		int othersMax = othersMax();
		int perInstance = maxPoolSize + othersMax;
		String pools = this.others.isEmpty() ? "" : " (pool '" + pool + "' with " + maxPoolSize + " plus "
				+ this.others.size() + " other live pool(s) of this JVM with " + othersMax + ")";
		return this.instances.describe() + " x " + perInstance + " connections" + pools + " = "
				+ ((long) this.instances.effective() * perInstance);
	}

	/**
	 * Values that fit, for whichever keys set the pool: Hikari's maximum-pool-size is the whole pool, where
	 * db.pool's overflow is the part above size.
	 */
	private static String example(String sizeProperty, String overflowProperty, int size, int room) {
		int fittingSize = Math.min(size, room);
		int fittingOverflow = overflowProperty.endsWith("maximum-pool-size") ? room : room - fittingSize;
		return sizeProperty + "=" + fittingSize + " and " + overflowProperty + "=" + fittingOverflow;
	}

}
