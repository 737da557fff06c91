package dev.poolwise.health;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.poolwise.budget.BudgetPolicy;
import dev.poolwise.budget.BudgetRule;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warning thresholds at their boundaries, with a 100-slot server (3 reserved for superusers, 7 in use:
 * 90 available) so the budget numbers are easy to follow.
 */
class PoolWarningsTests {

	private static final ConnectionBudget BUDGET = new ConnectionBudget(100, 3, 0, 7);

	private static final PoolSettings.Health HEALTH = new PoolSettings.Health(0.7, 0.9, Duration.ofSeconds(1),
			Duration.ofSeconds(1), "UP", List.of(), true);

	private int instances = 1;

	@Test
	void noWarningBelowWarnUtilization() {
		assertThat(warnings(BUDGET, 13, 20, 0)).isEmpty();
	}

	@Test
	void warnUtilizationIsReachedAtExactlyTheThreshold() {
		assertThat(warnings(BUDGET, 14, 20, 0))
			.containsExactly("14 of 20 connections in use (utilization 0.70 >= warn-utilization 0.7)");
	}

	@Test
	void criticalUtilizationReplacesTheWarning() {
		assertThat(warnings(BUDGET, 18, 20, 0))
			.containsExactly("critical: 18 of 20 connections in use (utilization 0.90 >= critical-utilization 0.9)");
	}

	@Test
	void waitingThreadsAreAWarningAtAnyUtilization() {
		assertThat(warnings(BUDGET, 1, 20, 3))
			.containsExactly("3 thread(s) waiting for a connection, each failing after 30s");
	}

	@Test
	void saturatedAtCriticalUtilizationOrWithThreadsWaiting() {
		assertThat(PoolWarnings.isSaturated(usage(17, 20, 0), 0.9)).isFalse();
		assertThat(PoolWarnings.isSaturated(usage(18, 20, 0), 0.9)).isTrue();
		assertThat(PoolWarnings.isSaturated(usage(1, 20, 1), 0.9)).isTrue();
	}

	@Test
	void budgetAtNinetyPercentIsNoWarning() {
		this.instances = 3;
		assertThat(warnings(BUDGET, 0, 27, 0)).isEmpty();
	}

	@Test
	void budgetAboveNinetyPercentIsNearlySpent() {
		this.instances = 4;
		assertThat(warnings(BUDGET, 0, 21, 0)).containsExactly(
				"connection budget nearly spent: 4 instance(s) x 21 connections = 84, but the server had "
						+ "max_connections=100 - 3 superuser_reserved - 0 reserved - 7 in use = 90 at startup");
	}

	@Test
	void budgetAboveWhatIsAvailableIsExceeded() {
		this.instances = 5;
		assertThat(warnings(BUDGET, 0, 20, 0)).singleElement()
			.asString()
			.startsWith("connection budget exceeded: 5 instance(s) x 20 connections = 100, but");
	}

	@Test
	void anUnknownBudgetGivesNoBudgetWarning() {
		this.instances = 50;
		assertThat(warnings(null, 0, 20, 0)).isEmpty();
	}

	private List<String> warnings(@Nullable ConnectionBudget budget, int active, int max, int pending) {
		BudgetRule.Verdict verdict = (budget != null) ? new BudgetRule("dataSource", budget,
				new BudgetPolicy(this.instances, false, "db.pool.instances", "db.pool.budget.enforce"))
			.judge(List.of(), 0, new BudgetRule.Sizes("db.pool.size", "db.pool.overflow", 1, max)) : null;
		return PoolWarnings.of(usage(active, max, pending), Duration.ofSeconds(30), HEALTH, verdict);
	}

	private static PoolStatistics usage(int active, int max, int pending) {
		return new PoolStatistics(active, max - active, max, pending, max, 1);
	}

}
