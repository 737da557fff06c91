package dev.poolwise.holders;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.Redaction;

/**
 * The episodes in which a pool runs dry. The first borrow timeout of an episode reports the holders in one
 * WARN; the episode ends at the first return that finds nobody waiting, when one more line counts the
 * borrows that timed out in it. A new episode thus needs a borrow that waited a whole connection timeout
 * again, which bounds the reports to one per timeout. The report is made on a thread of its own, so the
 * failing caller gets its exception at once, and reads the backends on a side connection within
 * {@link #SERVER_BOUND}; what it cannot read in time it says it did not read.
 */
final class DryEpisodes {

	/** Longest each statement of the backends' read may take. */
	static final Duration SERVER_BOUND = Duration.ofMillis(500);

	private static final Log logger = LogFactory.getLog(DryEpisodes.class);

	private final HikariDataSource pool;

	private final HolderTracking tracking;

	private final ThreadPoolExecutor reporter;

	private volatile boolean dry;

	private long startedNanos;

	private int timeouts;

	DryEpisodes(HikariDataSource pool, HolderTracking tracking) {
		this.pool = pool;
		this.tracking = tracking;
		this.reporter = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4), (task) -> {
			Thread thread = new Thread(task, "dbPool holders " + Objects.toString(pool.getPoolName(), "pool"));
			thread.setDaemon(true);
			return thread;
		}, new ThreadPoolExecutor.DiscardPolicy());
	}

	/**
	 * A borrow timed out, on the borrowing thread: the first of an episode has the holders reported.
	 */
	void timedOut() {
		synchronized (this) {
			this.timeouts++;
			if (this.dry) {
				return;
			}
			this.dry = true;
			this.startedNanos = System.nanoTime();
		}
		PoolStatistics statistics = PoolStatistics.of(this.pool);
		this.reporter.execute(() -> report(statistics));
	}

	/**
	 * A connection came back, on the returning thread: costs one volatile read unless the pool is dry.
	 */
	void returned() {
		if (!this.dry || waiting() > 0) {
			return;
		}
		int count;
		long lasted;
		synchronized (this) {
			if (!this.dry) {
				return;
			}
			this.dry = false;
			count = this.timeouts;
			this.timeouts = 0;
			lasted = System.nanoTime() - this.startedNanos;
		}
		this.reporter.execute(() -> logger.warn("Pool '" + this.pool.getPoolName() + "' has nobody waiting again: "
				+ count + ((count == 1) ? " borrow" : " borrows") + " timed out in the "
				+ Duration.ofNanos(lasted).toMillis()
				+ " ms since it ran dry"));
	}

	private int waiting() {
		HikariPoolMXBean running = this.pool.getHikariPoolMXBean();
		return (running != null) ? running.getThreadsAwaitingConnection() : 0;
	}

	void close() {
		this.reporter.shutdown();
	}

	/**
	 * Reports the holders.
	 * @param statistics the pool's counters when the borrow timed out, read from memory on its thread
	 */
	private void report(PoolStatistics statistics) {
		List<Holder> holders = this.tracking.holders();
		Map<Integer, Backend> backends = new HashMap<>();
		String error = null;
		try (Connection connection = SideConnections.open(this.pool, SideConnections.HOLDERS, SERVER_BOUND)) {
			backends = Backend.read(connection, holders.stream().map(Holder::pid).filter(Objects::nonNull).toList());
		}
		catch (SQLException ex) {
			error = Redaction.describe(ex, this.pool);
		}
		logger.warn(describe(statistics, holders, backends, error));
	}

	private static boolean idleInTransaction(List<Holder> holders, Map<Integer, Backend> backends) {
		return holders.stream()
			.map((holder) -> (holder.pid() != null) ? backends.get(holder.pid()) : null)
			.anyMatch((backend) -> backend != null && backend.state().startsWith("idle in transaction"));
	}

	private String describe(PoolStatistics statistics, List<Holder> holders, Map<Integer, Backend> backends,
			@Nullable String error) {
		return "Pool '" + this.pool.getPoolName() + "' ran dry: a borrow found no connection within "
				+ this.pool.getConnectionTimeout() + "ms, with " + statistics.active() + " of " + statistics.max()
				+ " connections lent and " + statistics.pending() + " other borrows waiting. Held longest first: "
				+ HolderGroups.describe(holders, backends, error)
				+ ((error != null) ? ". Backends not read: " + error : "")
				+ (idleInTransaction(holders, backends)
						? ". More connections do not help holders idle in a transaction: shorten their transactions"
						: "")
				+ ". Said once until nobody waits";
	}

}
