package dev.poolwise.tuned;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetPolicy;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tuning.PoolTuning;

/**
 * A pool Poolwise tuned, with what it resolved and measured at startup.
 *
 * @param beanName the DataSource bean
 * @param dataSource the pool
 * @param tuning its effective configuration with the source of each value
 * @param budget the server's connection budget at startup, null when lazy start could not reach the
 * server or the pool connects through PgBouncer
 * @param settings the configuration it was tuned from
 * @param logins the logins of its connections that the server rejected
 * @param tls its TLS from an SSL bundle, or null when it has none
 * @param rotation the replacement of its connections after the bundle is reloaded, or null without a bundle
 */
public record TunedPool(String beanName, HikariDataSource dataSource, PoolTuning tuning,
		@Nullable ConnectionBudget budget, PoolSettings settings, LoginFailures logins, @Nullable PoolTls tls,
		@Nullable TlsRotation rotation) {

	/**
	 * The pool's counters now.
	 * @return its statistics
	 */
	public PoolStatistics statistics() {
		return PoolStatistics.of(this.dataSource);
	}

	/**
	 * Judges numbers for this pool against the budget measured at startup, with the other live pools of the
	 * JVM on its server as they are now, for as many instances as configured or counted on the server,
	 * whichever is more.
	 * @param counted instances counted on the server, this one included, or 0 when not counted
	 * @param sizeProperty the name size goes by in the answer
	 * @param overflowProperty the name overflow goes by
	 * @param size permanent connections
	 * @param maxPoolSize size plus overflow
	 * @return the verdict
	 */
	public BudgetPolicy.Verdict judgeBudget(int counted, String sizeProperty, String overflowProperty, int size,
			int maxPoolSize) {
		return new BudgetPolicy(this.budget, this.settings.instances(), this.settings.budgetEnforced()).judge(
				this.beanName, JvmPoolRegistry.get().othersOnServerOf(this.dataSource), counted, sizeProperty,
				overflowProperty, size, maxPoolSize);
	}

}
