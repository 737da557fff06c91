package dev.poolwise.autoconfigure.migration;

import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import dev.poolwise.migration.MigrationDataSource;
import dev.poolwise.migration.MigrationTimeouts;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.tuned.TunedPools;

/**
 * Gives a {@link SpringLiquibase} that would migrate through a tuned pool connections of its own, before
 * its {@code afterPropertiesSet} runs the migration: Spring Boot's Liquibase auto-configuration has no hook
 * for its DataSource, as Flyway's has. A Liquibase on another DataSource ({@code @LiquibaseDataSource},
 * {@code spring.liquibase.url}) is left alone.
 */
final class LiquibaseMigrationPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<TunedPools> pools;

	private final Supplier<MigrationTimeouts> timeout;

	LiquibaseMigrationPostProcessor(ObjectProvider<TunedPools> pools, Supplier<MigrationTimeouts> timeout) {
		this.pools = pools;
		this.timeout = timeout;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase) {
			DataSource dataSource = liquibase.getDataSource();
			HikariDataSource pool = (dataSource != null) ? PoolUnwrapper.find(dataSource) : null;
			if (pool != null && this.pools.getObject().isTuned(pool)) {
				liquibase.setDataSource(new MigrationDataSource(pool, this.timeout.get()));
			}
		}
		return bean;
	}

}
