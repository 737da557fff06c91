package dev.poolwise.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.poolwise.budget.BudgetRule;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.registry.LivePool;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * Applies the {@link BudgetRule} to a new pool at startup: a warning, or with {@code db.pool.budget.enforce}
 * a startup failure, naming the keys that set this pool's numbers.
 */
final class BudgetCheck {

	private static final Log logger = LogFactory.getLog(BudgetCheck.class);

	private final BudgetRule rule;

	private final PoolwiseProperties properties;

	private final PropertyKeys keys;

	BudgetCheck(ConnectionBudget serverBudget, List<LivePool> others, PoolwiseProperties properties,
			PropertyKeys keys) {
		this.rule = new BudgetRule(serverBudget, others, properties.getInstances());
		this.properties = properties;
		this.keys = keys;
	}

	void check(LivePool pool, PoolTuning tuning, Violations violations) {
		Violation exceeded = this.rule.check(pool.name(), key(tuning.size(), "size"),
				key(tuning.overflow(), "overflow"), tuning.size().value(), tuning.maxPoolSize());
		if (exceeded == null) {
			return;
		}
		if (this.properties.getBudget().isEnforce()) {
			violations.add(exceeded);
		}
		else {
			logger.warn("Poolwise " + exceeded.rule() + ". " + exceeded.fix()
					+ " (db.pool.budget.enforce=true fails startup instead)");
		}
	}

	/**
	 * The property that set a number of this pool, so the message points at the key to change, or the key
	 * to add when the number was a default or derived from worker-count.
	 */
	private String key(Tuned<Integer> tuned, String key) {
		String source = tuned.source();
		return (source.equals(Tuned.DEFAULT) || source.equals(Tuned.WORKER_COUNT)) ? this.keys.suggested(key)
				: source;
	}

}
