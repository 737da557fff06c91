package dev.poolwise.health;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.budget.ConnectionBudget;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warning thresholds at their boundaries, with a 100-slot server (3 reserved for superusers, 7 in use:
 * 90 available) so the budget numbers are easy to follow.
 */
class PoolUsageTests {

	private static final ConnectionBudget BUDGET = new ConnectionBudget(100, 3, 0, 7);

	private final PoolwiseProperties properties = new PoolwiseProperties();

	@Test
	void noWarningBelowWarnUtilization() {
		assertThat(usage(13, 20, 0).warnings(this.properties, BUDGET)).isEmpty();
	}

	@Test
	void warnUtilizationIsReachedAtExactlyTheThreshold() {
		assertThat(usage(14, 20, 0).warnings(this.properties, BUDGET))
			.containsExactly("14 of 20 connections in use (utilization 0.70 >= warn-utilization 0.7)");
	}

	@Test
	void criticalUtilizationReplacesTheWarning() {
		assertThat(usage(18, 20, 0).warnings(this.properties, BUDGET))
			.containsExactly("critical: 18 of 20 connections in use (utilization 0.90 >= critical-utilization 0.9)");
	}

	@Test
	void waitingThreadsAreAWarningAtAnyUtilization() {
		assertThat(usage(1, 20, 3).warnings(this.properties, BUDGET))
			.containsExactly("3 thread(s) waiting for a connection, each failing after 30s");
	}

	@Test
	void saturatedAtCriticalUtilizationOrWithThreadsWaiting() {
		assertThat(usage(17, 20, 0).isSaturated(0.9)).isFalse();
		assertThat(usage(18, 20, 0).isSaturated(0.9)).isTrue();
		assertThat(usage(1, 20, 1).isSaturated(0.9)).isTrue();
	}

	@Test
	void budgetAtNinetyPercentIsNoWarning() {
		this.properties.setInstances(3);
		assertThat(usage(0, 27, 0).warnings(this.properties, BUDGET)).isEmpty();
	}

	@Test
	void budgetAboveNinetyPercentIsNearlySpent() {
		this.properties.setInstances(4);
		assertThat(usage(0, 21, 0).warnings(this.properties, BUDGET)).containsExactly(
				"connection budget nearly spent: 4 instance(s) x 21 connections = 84, but the server had "
						+ "max_connections=100 - 3 superuser_reserved - 0 reserved - 7 in use = 90 at startup");
	}

	@Test
	void budgetAboveWhatIsAvailableIsExceeded() {
		this.properties.setInstances(5);
		assertThat(usage(0, 20, 0).warnings(this.properties, BUDGET)).singleElement()
			.asString()
			.startsWith("connection budget exceeded: 5 instance(s) x 20 connections = 100, but");
	}

	@Test
	void anUnknownBudgetGivesNoBudgetWarning() {
		this.properties.setInstances(50);
		assertThat(usage(0, 20, 0).warnings(this.properties, null)).isEmpty();
	}

	private static PoolUsage usage(int active, int max, int pending) {
		return new PoolUsage(active, max - active, max, max, 1, pending, Duration.ofSeconds(30));
	}

}
