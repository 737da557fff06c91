package dev.poolwise.warmup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import dev.poolwise.pool.PoolThreads;

/**
 * Starts each pool when the application starts, on a thread of its own, instead of on its first caller:
 * Hikari then opens the remaining permanent connections in the background while {@link PoolWarmupIndicator}
 * holds readiness back, and the same thread watches the pool fill so that the indicator knows when it did.
 * Startup does not wait for it, and a server that is down only delays readiness.
 */
public final class PoolWarmupStarter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PoolWarmupStarter.class);

	private final Map<String, PoolWarmupIndicator> pools;

	private volatile boolean running;

	/**
	 * Creates a starter.
	 * @param pools the indicators of the pools to start, by bean name
	 */
	public PoolWarmupStarter(Map<String, PoolWarmupIndicator> pools) {
		this.pools = Map.copyOf(pools);
	}

	/**
	 * The indicators whose pools it starts and watches.
	 * @return the indicators by bean name
	 */
	public Map<String, PoolWarmupIndicator> indicators() {
		return this.pools;
	}

	@Override
	public void start() {
		this.running = true;
		this.pools.forEach((name, indicator) -> PoolThreads.start("warmup", name, () -> {
			if (borrowOnce(name, indicator.dataSource())) {
				indicator.watchUntilWarm();
			}
		}));
	}

	private static boolean borrowOnce(String name, HikariDataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			logger.debug("Pool '" + name + "' started; filling to " + dataSource.getMinimumIdle() + " connections");
			return true;
		}
		catch (SQLException | HikariPool.PoolInitializationException ex) {
			logger.warn("Pool '" + name + "' could not start for warm-up: " + ex.getMessage());
			return false;
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
