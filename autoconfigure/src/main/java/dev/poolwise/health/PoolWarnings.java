package dev.poolwise.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetRule;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.validation.Durations;

/**
 * What an operator should look at in a pool's counters, in sentences with the numbers behind them.
 */
final class PoolWarnings {

	private PoolWarnings() {
	}

	/**
	 * Whether callers are, or are about to be, kept waiting.
	 * @param statistics the pool's counters
	 * @param criticalUtilization the critical utilization
	 * @return true at critical utilization or with threads waiting
	 */
	static boolean isSaturated(PoolStatistics statistics, double criticalUtilization) {
		return statistics.utilization() >= criticalUtilization || statistics.pending() > 0;
	}

	/**
	 * The warnings for the pool now.
	 * @param statistics the pool's counters
	 * @param timeout how long a waiting thread waits before it fails
	 * @param health the thresholds
	 * @param budget the pool's standing against the connection budget, or null when unknown
	 * @return the warnings, empty when there is nothing to say
	 */
	static List<String> of(PoolStatistics statistics, Duration timeout, PoolSettings.Health health,
			BudgetRule.@Nullable Verdict budget) {
		List<String> warnings = new ArrayList<>();
		double utilization = statistics.utilization();
		String inUse = statistics.active() + " of " + statistics.max() + " connections in use (utilization "
				+ String.format(Locale.ROOT, "%.2f", utilization);
		if (utilization >= health.criticalUtilization()) {
			warnings.add("critical: " + inUse + " >= critical-utilization " + health.criticalUtilization() + ")");
		}
		else if (utilization >= health.warnUtilization()) {
			warnings.add(inUse + " >= warn-utilization " + health.warnUtilization() + ")");
		}
		if (statistics.pending() > 0) {
			warnings.add(statistics.pending() + " thread(s) waiting for a connection, each failing after "
					+ Durations.format(timeout));
		}
		if (budget != null && budget.warning() != null) {
			warnings.add(budget.warning());
		}
		return warnings;
	}

}
