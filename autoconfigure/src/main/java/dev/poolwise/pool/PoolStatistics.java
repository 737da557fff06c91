package dev.poolwise.pool;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * A pool's own counters at one moment, read from Hikari's MXBeans in memory, which never wait on the pool.
 * The one reader of them: health, meters, the endpoint and the JVM registry all count alike. The configured
 * bounds are read live, so they follow a resize at runtime.
 *
 * @param active connections lent out
 * @param idle connections ready in the pool
 * @param total connections open
 * @param pending threads waiting for a connection, in Hikari's borrow and in a {@link WaitingLine} before it
 * @param max most connections the pool may open (size + overflow)
 * @param min permanent connections (size)
 */
public record PoolStatistics(int active, int idle, int total, int pending, int max, int min) {

	/**
	 * Reads the counters; a pool that has not started yet has none open.
	 * @param pool the pool
	 * @return its statistics
	 */
	public static PoolStatistics of(HikariDataSource pool) {
		HikariPoolMXBean counters = pool.getHikariPoolMXBean();
		int max = pool.getMaximumPoolSize();
		int min = pool.getMinimumIdle();
		if (counters == null) {
			return new PoolStatistics(0, 0, 0, 0, max, min);
		}
		int pending = (pool instanceof QueuedPool queued && counters instanceof HikariPool running)
				? queued.line().pending(running) : counters.getThreadsAwaitingConnection();
		return new PoolStatistics(counters.getActiveConnections(), counters.getIdleConnections(),
				counters.getTotalConnections(), pending, max, min);
	}

	/**
	 * How much of the pool is in use.
	 * @return active / max
	 */
	public double utilization() {
		return (double) this.active / this.max;
	}

	/**
	 * Connections open above the permanent ones.
	 * @return max(0, total - min)
	 */
	public int overflowActive() {
		return Math.max(0, this.total - this.min);
	}

}
