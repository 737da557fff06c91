package dev.poolwise.failover;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Evicts every connection of one pool when one of them proves its server unusable: Hikari's
 * {@link HikariPoolMXBean#softEvictConnections()} closes the idle ones now and the borrowed ones when they
 * are returned. That is right when the pool's URL names one server, or several of which only the primary is
 * used ({@code targetServerType=primary}): all its connections are on the server that failed. A second
 * eviction within the quiet period is skipped, because every connection open at the first one is already
 * marked and a second would only close its replacements, which are on the new primary.
 */
public final class PoolEviction {

	private static final Log logger = LogFactory.getLog(PoolEviction.class);

	private final String poolName;

	private final Supplier<@Nullable HikariPoolMXBean> pool;

	private final long quietNanos;

	private final AtomicLong lastEviction;

	/**
	 * Creates an eviction for one pool.
	 * @param poolName the pool's name, for the log line
	 * @param pool the running pool, or null before it starts
	 * @param quietPeriod how long after an eviction another one is skipped
	 */
	public PoolEviction(String poolName, Supplier<@Nullable HikariPoolMXBean> pool, Duration quietPeriod) {
		this.poolName = poolName;
		this.pool = pool;
		this.quietNanos = quietPeriod.toNanos();
		this.lastEviction = new AtomicLong(System.nanoTime() - this.quietNanos);
	}

	/**
	 * Evicts every connection unless that was done within the quiet period.
	 * @param sqlState the SQLSTATE that proved the server unusable
	 * @return whether connections were evicted now
	 */
	public boolean evict(String sqlState) {
		long now = System.nanoTime();
		long last = this.lastEviction.get();
		if (now - last < this.quietNanos || !this.lastEviction.compareAndSet(last, now)) {
			return false;
		}
		HikariPoolMXBean mxBean = this.pool.get();
		if (mxBean == null) {
			return false;
		}
		logger.warn("Pool '" + this.poolName + "': a connection reported SQLSTATE " + sqlState
				+ "; evicting every connection so the pool reconnects to the primary");
		mxBean.softEvictConnections();
		return true;
	}

}
