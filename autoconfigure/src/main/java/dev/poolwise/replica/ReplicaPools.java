package dev.poolwise.replica;

import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Makes a replica's pool from the primary's as Spring Boot bound it, before Poolwise tuned it: the same
 * credentials, driver, driver properties and connection defaults, on the replica's URL. Poolwise then tunes
 * it as it tunes any pool. Hikari's own {@code copyStateTo} would share the driver properties between the
 * pools, so the settings are copied one by one.
 */
public final class ReplicaPools {

	private ReplicaPools() {
	}

	/**
	 * A copy of the primary's configuration, taken before tuning changes it.
	 * @param primary the primary's bound pool
	 * @return the template
	 */
	public static HikariConfig template(HikariConfig primary) {
		HikariConfig template = new HikariConfig();
		copy(primary, template);
		return template;
	}

	/**
	 * A new, unstarted pool for one replica.
	 * @param template the primary's template
	 * @param url the replica's URL
	 * @param poolName the replica pool's name
	 * @return the pool
	 */
	public static HikariDataSource create(HikariConfig template, String url, String poolName) {
		HikariDataSource pool = new HikariDataSource();
		copy(template, pool);
		pool.setJdbcUrl(url);
		pool.setPoolName(poolName);
		return pool;
	}

	private static void copy(HikariConfig from, HikariConfig to) {
		if (from.getDriverClassName() != null) {
			to.setDriverClassName(from.getDriverClassName());
		}
		to.setUsername(from.getUsername());
		to.setPassword(from.getPassword());
		if (from.getCredentialsProvider() != null) {
			to.setCredentialsProvider(from.getCredentialsProvider());
		}
		Properties properties = new Properties();
		properties.putAll(from.getDataSourceProperties());
		to.setDataSourceProperties(properties);
		to.setAutoCommit(from.isAutoCommit());
		to.setTransactionIsolation(from.getTransactionIsolation());
		to.setCatalog(from.getCatalog());
		to.setSchema(from.getSchema());
		to.setConnectionInitSql(from.getConnectionInitSql());
		to.setConnectionTestQuery(from.getConnectionTestQuery());
		to.setConnectionTimeout(from.getConnectionTimeout());
		to.setValidationTimeout(from.getValidationTimeout());
	}

}
