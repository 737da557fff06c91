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
 * raised maximum when borrows start to wait, so the callers already waiting are given theirs here; and it
 * keeps connections above a lowered one until they idle out, so the surplus is closed here: idle connections
 * at once, lent ones when they come back.
 */
public final class PoolResize {

	/** Longest a retirement waits for the idle connection it saw, should a caller take it first. */
	private static final long IDLE_WAIT_MILLIS = 5;

	/** Idle connections callers took first before a retirement leaves the rest to a later call. */
	private static final int MISSED_IDLE = 8;

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
			openForWaiting(pool);
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
		openForWaiting(pool);
	}

	/**
	 * Asks Hikari for a connection for each caller waiting, up to the maximum. Hikari asks for one when a
	 * borrow starts to wait, so callers already waiting in its borrow when the maximum rose would get none
	 * until more callers come (or its housekeeper fills the pool up to its size): under a spike every caller
	 * is already waiting. Hikari opens them one at a time, while callers wait in its borrow, and takes as many
	 * asks at once as the maximum the pool started with; asking again later asks for the rest.
	 * @param pool the pool
	 */
	public static void openForWaiting(HikariDataSource pool) {
		if (!(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
			return;
		}
		int wanted = Math.min(pool.getMaximumPoolSize() - hikari.getTotalConnections(),
				PoolStatistics.of(pool).pending());
		for (int i = 0; i < wanted; i++) {
			hikari.addBagItem(wanted);
		}
	}

	/**
	 * Closes connections above the maximum, so the connections still needed stay open: idle ones at once
	 * (each borrowed and evicted), lent ones when they come back, marked to close instead of serving again as
	 * Hikari's soft eviction does (through its internals). A lent connection already marked is not counted
	 * again, so no more close than the surplus. Where Hikari's internals cannot be reached (a Hikari version
	 * that moved them, or the module path without {@code --add-opens}), which is said once at WARN, the
	 * surplus is retired by borrowing each connection as the next caller returns it, waiting among the
	 * callers for at most {@code patience} in all, and the rest on a later call.
	 * @param pool the pool
	 * @param patience longest the borrows of the fallback may wait in all, zero to take idle connections only
	 * @return how many were closed at once
	 */
	public static int retireSurplus(HikariDataSource pool, Duration patience) {
		if (!(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
			return 0;
		}
		int retired = retire(pool, hikari, Duration.ZERO);
		int surplus = surplus(pool, hikari);
		if (surplus > 0 && !LentConnections.markToClose(hikari, surplus)) {
			retired += retire(pool, hikari, patience);
		}
		return retired;
	}

	/**
	 * Connections above the maximum that nothing has yet marked to close.
	 */
	private static int surplus(HikariDataSource pool, HikariPool hikari) {
		return hikari.getTotalConnections() - LentConnections.markedToClose(hikari) - pool.getMaximumPoolSize();
	}

	/**
	 * Borrows and evicts connections above the maximum: idle ones, or, with patience, each as it comes back.
	 * Stops on the deadline and on an interrupt (the autosizer stopping).
	 */
	private static int retire(HikariDataSource pool, HikariPool hikari, Duration patience) {
		long deadline = System.nanoTime() + patience.toNanos();
		int retired = 0;
		int missed = 0;
		while (surplus(pool, hikari) > 0 && !Thread.currentThread().isInterrupted()) {
			boolean idle = hikari.getIdleConnections() > 0;
			long wait = idle ? IDLE_WAIT_MILLIS : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (wait <= 0 || (idle && missed > MISSED_IDLE)) {
				break;
			}
			try {
				pool.evictConnection(hikari.getConnection(wait));
				retired++;
			}
			catch (SQLException ex) {
				// a caller took the idle one first, or none came back in time: try again while patience lasts
				missed++;
			}
		}
		return retired;
	}

}
