package dev.poolwise.registry;

import com.zaxxer.hikari.HikariDataSource;

import dev.poolwise.pool.PoolStatistics;

/**
 * A pool registered JVM-wide.
 *
 * @param name the pool's DataSource bean name
 * @param owner the application context that owns it
 * @param target where it connects
 * @param dataSource the pool
 */
public record LivePool(String name, String owner, PoolTarget target, HikariDataSource dataSource) {

	/**
	 * Connections the pool may open.
	 * @return Hikari's maximum pool size
	 */
	public int maxPoolSize() {
		return this.dataSource.getMaximumPoolSize();
	}

	/**
	 * Connections the pool holds open now.
	 * @return total connections, 0 before the pool starts
	 */
	public int openConnections() {
		return PoolStatistics.of(this.dataSource).total();
	}

	/**
	 * Whether the pool was closed, by its context or directly.
	 * @return true once closed
	 */
	public boolean isClosed() {
		return this.dataSource.isClosed();
	}

	/**
	 * Pool name and owner, for messages.
	 * @return e.g. {@code 'dataSource' of context 'application'}
	 */
	public String describe() {
		return "'" + this.name + "' of " + this.owner;
	}

}
