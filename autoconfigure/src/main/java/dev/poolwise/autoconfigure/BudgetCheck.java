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
 * Applies the {@link BudgetRule} at startup: a pool over the budget fails startup when
 * {@code db.pool.budget.enforce} is on, and is logged as a warning otherwise.
 */
final class BudgetCheck {

	private static final Log logger = LogFactory.getLog(BudgetCheck.class);

	private final BudgetRule rule;

	private final PoolwiseProperties properties;

	BudgetCheck(ConnectionBudget serverBudget, List<LivePool> others, PoolwiseProperties properties) {
		this.rule = new BudgetRule(serverBudget, others, properties.getInstances());
		this.properties = properties;
	}

	void check(LivePool pool, PoolTuning tuning, Violations violations) {
		Violation exceeded = this.rule.check(pool.name(), "db.pool.size", "db.pool.overflow", tuning.size().value(),
				tuning.maxPoolSize());
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

}
