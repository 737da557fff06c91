package dev.poolwise.pool;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * The one way a running pool's bounds change, for a resize through the endpoint and the autosize controller
 * alike: through Hikari's configuration MXBean, which the live pool reads. Hikari opens connections up to a
 * raised maximum on demand, but keeps connections above a lowered one until they idle out, so the surplus is
 * closed as it turns idle: at once, and on every autosize tick after.
 */
public final class PoolResize {

	/** Longest a retirement waits for the idle connection it saw, should a caller take it first. */
	private static final long IDLE_WAIT_MILLIS = 5;

	private PoolResize() {
	}

	/**
	 * Sets size (minimumIdle) and maximum; Hikari keeps minimumIdle at most maximumPoolSize, so the bound
	 * that makes room changes first.
	 * @param pool the pool
	 * @param size permanent connections
	 * @param max size + overflow
	 */
	public static void apply(HikariDataSource pool, int size, int max) {
		HikariConfigMXBean config = pool.getHikariConfigMXBean();
		if (max >= config.getMaximumPoolSize()) {
			config.setMaximumPoolSize(max);
			config.setMinimumIdle(size);
		}
		else {
			config.setMinimumIdle(size);
			config.setMaximumPoolSize(max);
			retireSurplus(pool, Duration.ZERO);
		}
	}

	/**
	 * Moves the working maximum only, the size staying.
	 * @param pool the pool
	 * @param max the new maximum, at least the size
	 */
	public static void maximum(HikariDataSource pool, int max) {
		pool.getHikariConfigMXBean().setMaximumPoolSize(max);
		retireSurplus(pool, Duration.ZERO);
	}

	/**
	 * Closes connections above the maximum one at a time, so the connections still needed stay open: each
	 * is borrowed, idle or as the next caller returns it, and evicted at once. Under load no connection sits
	 * idle, so a borrow may wait its turn among the callers, for at most {@code patience} in all; what is left
	 * over is retired on a later call.
	 * @param pool the pool
	 * @param patience longest all borrows together may wait, zero to take idle connections only
	 * @return how many were closed
	 */
	public static int retireSurplus(HikariDataSource pool, Duration patience) {
		if (!(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
			return 0;
		}
		long deadline = System.nanoTime() + patience.toNanos();
		int retired = 0;
		while (hikari.getTotalConnections() > pool.getMaximumPoolSize()) {
			long wait = (hikari.getIdleConnections() > 0) ? IDLE_WAIT_MILLIS
					: TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (wait <= 0) {
				break;
			}
			try {
				pool.evictConnection(hikari.getConnection(wait));
				retired++;
			}
			catch (SQLException ex) {
				// a caller took the idle one first, or none came back in time: try again while patience lasts
				if (System.nanoTime() - deadline >= 0) {
					break;
				}
			}
		}
		return retired;
	}
}
