package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;

import dev.poolwise.budget.ConnectionBudget;

/**
 * A pool Poolwise tuned, with what it resolved and measured at startup.
 *
 * @param beanName the DataSource bean
 * @param dataSource the pool
 * @param tuning its effective configuration with the source of each value
 * @param budget the server's connection budget at startup, null when lazy start could not reach the
 * server or the pool connects through PgBouncer
 * @param properties the properties it was tuned from
 */
public record TunedPool(String beanName, HikariDataSource dataSource, PoolTuning tuning, ConnectionBudget budget,
		PoolwiseProperties properties) {

}
