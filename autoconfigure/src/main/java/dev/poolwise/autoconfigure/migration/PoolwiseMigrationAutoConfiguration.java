package dev.poolwise.autoconfigure.migration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.migration.MigrationDataSource;
import dev.poolwise.migration.MigrationTimeouts;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Violations;

/**
 * Auto-configuration that gives Flyway and Liquibase connections of their own when it would migrate through a tuned pool:
 * same URL, credentials and session settings, {@code db.pool.migration.statement-timeout} instead of the
 * session's, and closed after the migration. A Flyway that Boot gives another DataSource
 * ({@code @FlywayDataSource}, {@code spring.flyway.url} or {@code user}) is left alone; Liquibase likewise.
 * With flyway-core or liquibase-core but without Spring Boot's module for it, nothing would run the
 * migrations, so startup says so.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class)
@ConditionalOnBean(TunedPools.class)
public final class PoolwiseMigrationAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PoolwiseMigrationAutoConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(FlywayConfigurationCustomizer.class)
	static class FlywayMigrationConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolwiseFlywayMigrationDataSource")
		FlywayConfigurationCustomizer poolwiseFlywayMigrationDataSource(TunedPools pools,
				PoolwiseProperties properties) {
			MigrationTimeouts timeouts = timeouts(properties);
			return (configuration) -> {
				DataSource dataSource = configuration.getDataSource();
				HikariDataSource pool = (dataSource != null) ? PoolUnwrapper.find(dataSource) : null;
				if (pool != null && pools.isTuned(pool)) {
					configuration.dataSource(
							new MigrationDataSource(pool, timeouts));
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ SpringLiquibase.class, LiquibaseAutoConfiguration.class })
	static class LiquibaseMigrationConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolwiseLiquibaseMigrationDataSource")
		static LiquibaseMigrationPostProcessor poolwiseLiquibaseMigrationDataSource(ObjectProvider<TunedPools> pools,
				ObjectProvider<PoolwiseProperties> properties) {
			return new LiquibaseMigrationPostProcessor(pools, () -> timeouts(properties.getObject()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "liquibase.integration.spring.SpringLiquibase")
	@ConditionalOnMissingClass("org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration")
	static class LiquibaseWithoutBootConfiguration {

		@Bean
		InitializingBean poolwiseLiquibaseWithoutBootWarning() {
			return withoutBootModule("liquibase-core", "Liquibase", "spring-boot-starter-liquibase");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.flywaydb.core.Flyway")
	@ConditionalOnMissingClass("org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
	static class FlywayWithoutBootConfiguration {

		@Bean
		InitializingBean poolwiseFlywayWithoutBootWarning() {
			return withoutBootModule("flyway-core", "Flyway", "spring-boot-starter-flyway");
		}

	}

	/**
	 * Since Spring Boot 4 a migration library alone runs nothing, and says nothing: Poolwise says it once.
	 */
	private static InitializingBean withoutBootModule(String library, String tool, String starter) {
		return () -> logger.warn(library + " is on the classpath but Spring Boot's " + tool + " module is not, so no "
				+ "migration runs at startup: since Spring Boot 4, add org.springframework.boot:" + starter
				+ " (or remove " + library + " if the migrations run elsewhere)");
	}

	/**
	 * The migration's timeouts, for Flyway and Liquibase alike; a negative one is refused with every other.
	 */
	static MigrationTimeouts timeouts(PoolwiseProperties properties) {
		PoolwiseProperties.Migration migration = properties.getMigration();
		Violations violations = new Violations();
		Map<String, Duration> timeouts = new LinkedHashMap<>();
		timeouts.put("statement-timeout", migration.getStatementTimeout());
		timeouts.put("lock-timeout", migration.getLockTimeout());
		timeouts.put("idle-in-transaction-timeout", migration.getIdleInTransactionTimeout());
		timeouts.put("transaction-timeout", migration.getTransactionTimeout());
		timeouts.forEach((key, timeout) -> {
			if (timeout.isNegative()) {
				violations.add("db.pool.migration." + key, timeout, "must not be negative",
						"Set it to the longest the migration may take there, e.g. 30m, or 0 for no limit.");
			}
		});
		violations.throwIfAny();
		return new MigrationTimeouts(migration.getStatementTimeout(), migration.getLockTimeout(),
				migration.getIdleInTransactionTimeout(), migration.getTransactionTimeout());
	}

}
