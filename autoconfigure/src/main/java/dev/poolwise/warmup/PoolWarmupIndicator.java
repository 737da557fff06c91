package dev.poolwise.warmup;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.poolwise.pool.PoolStatistics;

/**
 * {@code OUT_OF_SERVICE} while a pool, after startup, has fewer open connections than its size (Hikari's
 * {@code minimumIdle}), so that an instance added to the readiness group takes traffic only once its first
 * callers find connections ready instead of each paying a login. Hikari opens them one at a time in the
 * background. Once warm, or once the timeout has passed, it stays {@code UP} for good: losing connections
 * later is the {@code dbPool} indicator's business, and a pool that cannot fill within the timeout must not
 * keep the instance out of service forever.
 */
public final class PoolWarmupIndicator implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(PoolWarmupIndicator.class);

	private final String name;

	private final HikariDataSource dataSource;

	private final Duration timeout;

	private static final long POLL_MILLIS = 10;

	private final long start = System.nanoTime();

	private volatile @Nullable Health settled;

	private volatile boolean warm;

	private volatile long warmedUpMillis;

	/**
	 * Creates an indicator whose startup clock starts now.
	 * @param name the pool's bean name, for the log line
	 * @param dataSource the pool
	 * @param timeout longest time it reports {@code OUT_OF_SERVICE}
	 */
	public PoolWarmupIndicator(String name, HikariDataSource dataSource, Duration timeout) {
		this.name = name;
		this.dataSource = dataSource;
		this.timeout = timeout;
	}

	@Override
	public Health health() {
		Health settled = this.settled;
		if (settled != null) {
			return settled;
		}
		if (noteIfWarm()) {
			return settle(Health.up().withDetail("warmedUpMillis", this.warmedUpMillis).build());
		}
		long elapsed = elapsedMillis();
		int open = PoolStatistics.of(this.dataSource).total();
		int size = this.dataSource.getMinimumIdle();
		if (elapsed >= this.timeout.toMillis()) {
			logger.warn("Pool '" + this.name + "' has " + open + " of " + size + " connections open after " + elapsed
					+ " ms; no longer holding readiness back (db.pool.warmup.timeout=" + this.timeout + ")");
			return settle(Health.up().withDetail("open", open).withDetail("size", size)
				.withDetail("warmup", "timed out after " + this.timeout.toMillis() + " ms")
				.build());
		}
		return Health.outOfService().withDetail("open", open).withDetail("size", size)
			.withDetail("elapsedMillis", elapsed)
			.build();
	}

	/**
	 * Watches the pool on the calling thread until it holds its size, at most the timeout, and notes the
	 * moment it filled, so that {@code warmedUpMillis} says when the pool was ready rather than when
	 * readiness was first asked. {@link PoolWarmupStarter} calls it on its thread once the pool has started.
	 */
	void watchUntilWarm() {
		while (!noteIfWarm() && !this.dataSource.isClosed() && elapsedMillis() < this.timeout.toMillis()) {
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Whether the pool has held its size, noting and logging the first time it is seen full.
	 */
	private synchronized boolean noteIfWarm() {
		if (this.warm) {
			return true;
		}
		int open = PoolStatistics.of(this.dataSource).total();
		if (open < this.dataSource.getMinimumIdle()) {
			return false;
		}
		this.warmedUpMillis = elapsedMillis();
		this.warm = true;
		logger.info("Pool '" + this.name + "' is warm: " + open + " connections open " + this.warmedUpMillis
				+ " ms after startup");
		return true;
	}

	private long elapsedMillis() {
		return Duration.ofNanos(System.nanoTime() - this.start).toMillis();
	}

	String name() {
		return this.name;
	}

	HikariDataSource dataSource() {
		return this.dataSource;
	}

	private Health settle(Health health) {
		this.settled = health;
		return health;
	}

}
