package dev.poolwise.test;

import java.sql.SQLException;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import static org.awaitility.Awaitility.await;

/**
 * Waits on a pool's state as fault tests need it before and after a fault.
 */
public final class Pools {

	/**
	 * Longest Hikari waits between two attempts to open a connection: its back-off doubles from 10ms up
	 * to this fixed ceiling, so it bounds how long a pool takes to notice that the server is back.
	 */
	public static final Duration HIKARI_MAX_BACKOFF = Duration.ofSeconds(5);

	private Pools() {
	}

	/**
	 * Starts the pool and waits until it holds {@code size} connections that have been idle long enough
	 * for Hikari to validate them on the next borrow (it skips validation for 500ms after use), as
	 * connections are when a fault strikes in production.
	 * @param pool the pool
	 * @param sessions its sessions on the server
	 * @return the pool
	 * @throws SQLException if the pool cannot start
	 */
	public static HikariDataSource warm(HikariDataSource pool, Sessions sessions) throws SQLException {
		pool.getConnection().close();
		awaitFull(pool, sessions);
		await().atMost(Duration.ofSeconds(5)).until(() -> sessions.allIdleFor(Duration.ofSeconds(1)));
		return pool;
	}

	/**
	 * Waits until the pool holds {@code size} idle connections and the server sees as many sessions.
	 * @param pool the pool
	 * @param sessions its sessions on the server
	 */
	public static void awaitFull(HikariDataSource pool, Sessions sessions) {
		int size = pool.getMinimumIdle();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			HikariPoolMXBean bean = pool.getHikariPoolMXBean();
			return bean.getIdleConnections() == size && bean.getTotalConnections() == size
					&& sessions.pids().size() == size;
		});
	}

	/**
	 * Calls the pool until a call succeeds, as clients retrying after an outage do.
	 * @param pool the pool
	 * @param atMost how long to keep trying
	 * @return time from the first call to the first success
	 */
	public static Duration awaitFirstSuccess(HikariDataSource pool, Duration atMost) {
		long start = System.nanoTime();
		await().atMost(atMost)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> Call.execute(pool, "SELECT 1").succeeded());
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
