package dev.poolwise.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.validation.Durations;

/**
 * A pool's connections at one instant, read from Hikari's counters, which never wait on the pool.
 *
 * @param active connections lent out
 * @param idle connections ready to lend
 * @param total open connections
 * @param max the pool maximum
 * @param min permanent connections kept ready
 * @param pending threads waiting for a connection
 * @param timeout how long a waiting thread waits before it fails
 */
record PoolUsage(int active, int idle, int total, int max, int min, int pending, Duration timeout) {

	/**
	 * Reads the pool's counters; before the pool has started (Hikari starts it on the first borrow)
	 * nothing is open and only the configured sizes are known.
	 * @param dataSource the pool
	 * @return its usage
	 */
	static PoolUsage of(HikariDataSource dataSource) {
		HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
		int max = dataSource.getMaximumPoolSize();
		int min = dataSource.getMinimumIdle();
		Duration timeout = Duration.ofMillis(dataSource.getConnectionTimeout());
		if (pool == null) {
			return new PoolUsage(0, 0, 0, max, min, 0, timeout);
		}
		return new PoolUsage(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(), max,
				min, pool.getThreadsAwaitingConnection(), timeout);
	}

	/**
	 * Share of the pool maximum lent out.
	 * @return active / max, from 0 to 1
	 */
	double utilization() {
		return (double) this.active / this.max;
	}

	/**
	 * Whether callers are, or are about to be, kept waiting.
	 * @param criticalUtilization the critical utilization
	 * @return true at critical utilization or with threads waiting
	 */
	boolean isSaturated(double criticalUtilization) {
		return utilization() >= criticalUtilization || this.pending > 0;
	}

	/**
	 * Sentences for what an operator should look at, with the numbers behind them.
	 * @param properties the pool's properties
	 * @param budget the server's connection budget at startup, null when unknown (lazy start, PgBouncer)
	 * @return the warnings, empty when there is nothing to say
	 */
	List<String> warnings(PoolwiseProperties properties, ConnectionBudget budget) {
		PoolwiseProperties.Health health = properties.getHealth();
		List<String> warnings = new ArrayList<>();
		String inUse = this.active + " of " + this.max + " connections in use (utilization "
				+ String.format(Locale.ROOT, "%.2f", utilization());
		if (utilization() >= health.getCriticalUtilization()) {
			warnings.add("critical: " + inUse + " >= critical-utilization " + health.getCriticalUtilization() + ")");
		}
		else if (utilization() >= health.getWarnUtilization()) {
			warnings.add(inUse + " >= warn-utilization " + health.getWarnUtilization() + ")");
		}
		if (this.pending > 0) {
			warnings.add(this.pending + " thread(s) waiting for a connection, each failing after "
					+ Durations.format(this.timeout));
		}
		long planned = (long) properties.getInstances() * this.max;
		if (budget != null && planned * 10 > budget.available() * 9L) {
			warnings.add("connection budget " + ((planned > budget.available()) ? "exceeded" : "nearly spent") + ": "
					+ properties.getInstances() + " instance(s) x " + this.max + " connections = " + planned
					+ ", but the server had " + budget.explain() + " at startup");
		}
		return warnings;
	}

}
