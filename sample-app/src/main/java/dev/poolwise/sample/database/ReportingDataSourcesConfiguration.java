package dev.poolwise.sample.database;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Profile;

/**
 * The {@code reporting} profile: a primary pool for the application and a read-only pool for reports,
 * both on the same server. Poolwise tunes each with {@code db.pool.*} plus its own
 * {@code db.pool.datasources.<bean>.*} overrides (see application-reporting.yml).
 */
@Configuration(proxyBeanMethods = false)
@Profile("reporting")
class ReportingDataSourcesConfiguration {

	@Bean
	@Primary
	HikariDataSource dataSource(DataSourceProperties properties, ObjectProvider<JdbcConnectionDetails> embedded) {
		return pool(properties, embedded.getIfAvailable());
	}

	@Bean
	HikariDataSource reportingDataSource(DataSourceProperties properties,
			ObjectProvider<JdbcConnectionDetails> embedded) {
		HikariDataSource reporting = pool(properties, embedded.getIfAvailable());
		reporting.setReadOnly(true);
		// pgjdbc applies read-only to autocommit statements too, not only to explicit transactions.
		reporting.addDataSourceProperty("readOnlyMode", "always");
		return reporting;
	}

	/**
	 * An unstarted pool, so that Poolwise can still tune it.
	 */
	private static HikariDataSource pool(DataSourceProperties properties, JdbcConnectionDetails embedded) {
		HikariDataSource pool = new HikariDataSource();
		if (embedded != null) {
			pool.setJdbcUrl(embedded.getJdbcUrl());
			pool.setUsername(embedded.getUsername());
			pool.setPassword(embedded.getPassword());
		}
		else {
			pool.setJdbcUrl(properties.determineUrl());
			pool.setUsername(properties.determineUsername());
			pool.setPassword(properties.determinePassword());
		}
		return pool;
	}

}
