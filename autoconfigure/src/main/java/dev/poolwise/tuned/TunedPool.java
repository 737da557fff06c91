package dev.poolwise.tuned;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetRule;
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
 * @param budget the pool's connection budget, measured at startup; null when lazy start could not reach the
 * server or the pool connects through PgBouncer
 * @param settings the configuration it was tuned from
 * @param logins the logins of its connections that the server rejected
 * @param tls its TLS from an SSL bundle, or null when it has none
 * @param rotation the replacement of its connections after the bundle is reloaded, or null without a bundle
 */
public record TunedPool(String beanName, HikariDataSource dataSource, PoolTuning tuning,
		@Nullable BudgetRule budget, PoolSettings settings, LoginFailures logins, @Nullable PoolTls tls,
		@Nullable TlsRotation rotation) {

	/**
	 * The pool's counters now.
	 * @return its statistics
	 */
	public PoolStatistics statistics() {
		return PoolStatistics.of(this.dataSource);
	}

	/**
	 * Judges numbers for this pool against its budget, with the other live pools of the JVM on its server
	 * as they are now.
	 * @param counted instances counted on the server, this one included, or 0 when not counted
	 * @param sizes the numbers and the names they go by in the answer
	 * @return the verdict, or null without a budget
	 */
	public BudgetRule.@Nullable Verdict judgeBudget(int counted, BudgetRule.Sizes sizes) {
		return (this.budget != null)
				? this.budget.judge(JvmPoolRegistry.get().othersOnServerOf(this.dataSource), counted, sizes) : null;
	}

}
