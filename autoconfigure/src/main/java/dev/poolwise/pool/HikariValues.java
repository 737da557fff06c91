package dev.poolwise.pool;

import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;

/**
 * What Spring Boot bound onto a Hikari pool before Poolwise tunes it ({@code spring.datasource.hikari} and
 * Hikari's defaults), as plain values, so that the tuning rules need neither Hikari nor JDBC.
 *
 * @param jdbcUrl the JDBC URL
 * @param dataSourceProperties the driver properties already bound; the pool's own, not a copy
 * @param minimumIdle minimumIdle
 * @param maximumPoolSize maximumPoolSize
 * @param connectionTimeout connectionTimeout in milliseconds
 * @param maxLifetime maxLifetime in milliseconds
 * @param idleTimeout idleTimeout in milliseconds
 * @param keepaliveTime keepaliveTime in milliseconds
 * @param leakDetectionThreshold leakDetectionThreshold in milliseconds
 */
public record HikariValues(String jdbcUrl, Properties dataSourceProperties, int minimumIdle, int maximumPoolSize,
		long connectionTimeout, long maxLifetime, long idleTimeout, long keepaliveTime, long leakDetectionThreshold) {

	/**
	 * The values of a pool's configuration.
	 * @param hikari the configuration, bound and not started
	 * @return its values
	 */
	public static HikariValues of(HikariConfig hikari) {
		return new HikariValues(hikari.getJdbcUrl(), hikari.getDataSourceProperties(), hikari.getMinimumIdle(),
				hikari.getMaximumPoolSize(), hikari.getConnectionTimeout(), hikari.getMaxLifetime(),
				hikari.getIdleTimeout(), hikari.getKeepaliveTime(), hikari.getLeakDetectionThreshold());
	}

}
