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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.QueuedPool;
import dev.poolwise.pool.Redaction;

/**
 * The episodes in which a pool runs dry. The first borrow timeout of an episode (or the first borrow turned
 * away by the pool's bound on waiters) reports the holders in one WARN; the episode ends at the first return
 * that finds nobody waiting, when one more line counts the borrows that timed out or were turned away in it. A new episode thus needs a borrow that waited a whole connection timeout
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

	/** Who held the pool when this episode began, once the report is made; null outside an episode. */
	private volatile @Nullable String held;

	private long startedNanos;

	private int timeouts;

	private int turnedAway;

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
		failed(false);
	}

	/**
	 * A borrow was turned away because as many waited as the pool's waiting line allows, on the borrowing
	 * thread: it counts in the episode, and starts one as a timeout does.
	 */
	void turnedAway() {
		failed(true);
	}

	private void failed(boolean turnedAway) {
		synchronized (this) {
			if (turnedAway) {
				this.turnedAway++;
			}
			else {
				this.timeouts++;
			}
			if (this.dry) {
				return;
			}
			this.dry = true;
			this.startedNanos = System.nanoTime();
		}
		PoolStatistics statistics = PoolStatistics.of(this.pool);
		this.reporter.execute(() -> report(statistics, turnedAway));
	}

	/**
	 * A connection came back, on the returning thread: costs one volatile read unless the pool is dry.
	 */
	void returned() {
		if (!this.dry || waiting() > 0) {
			return;
		}
		int count;
		int away;
		long lasted;
		synchronized (this) {
			if (!this.dry) {
				return;
			}
			this.dry = false;
			this.held = null;
			count = this.timeouts;
			away = this.turnedAway;
			this.timeouts = 0;
			this.turnedAway = 0;
			lasted = System.nanoTime() - this.startedNanos;
		}
		this.reporter.execute(() -> logger.warn("Pool '" + this.pool.getPoolName() + "' has nobody waiting again: "
				+ count + ((count == 1) ? " borrow" : " borrows") + " timed out"
				+ ((away > 0) ? " and " + away + " turned away (" + bound() + ")" : "") + " in the "
				+ Duration.ofNanos(lasted).toMillis() + " ms since it ran dry"));
	}

	/**
	 * Callers waiting, in Hikari's borrow and in the pool's waiting line.
	 */
	private int waiting() {
		return PoolStatistics.of(this.pool).pending();
	}

	/**
	 * The bound on the waiters, e.g. {@code db.pool.queue.max-waiting=20}.
	 */
	private String bound() {
		return (this.pool instanceof QueuedPool queued)
				? queued.line().maxWaitingKey() + "=" + queued.line().maxWaiting() : "no bound";
	}

	void close() {
		this.reporter.shutdown();
	}

	/**
	 * Reports the holders.
	 * @param statistics the pool's counters when the borrow timed out, read from memory on its thread
	 */
	private void report(PoolStatistics statistics, boolean turnedAway) {
		List<Holder> holders = this.tracking.holders();
		Map<Integer, Backend> backends = new HashMap<>();
		String error = null;
		try (Connection connection = SideConnections.open(this.pool, SideConnections.HOLDERS, SERVER_BOUND)) {
			backends = Backend.read(connection, holders.stream().map(Holder::pid).filter(Objects::nonNull).toList());
		}
		catch (SQLException ex) {
			error = Redaction.describe(ex, this.pool);
		}
		String sentence = held(holders, backends, error);
		if (this.dry) {
			this.held = sentence;
		}
		logger.warn(describe(statistics, turnedAway, sentence));
	}

	/**
	 * The report's sentence on who holds the pool, for the exceptions of the episode's later failed borrows.
	 * @return e.g. {@code Held longest first: 3 of 3 held from `OrderService.export`, 1.1-1.2 s: idle in
	 * transaction ...}, or null before the episode's report is made and outside an episode
	 */
	@Nullable String held() {
		return this.dry ? this.held : null;
	}

	private static boolean idleInTransaction(List<Holder> holders, Map<Integer, Backend> backends) {
		return holders.stream()
			.map((holder) -> (holder.pid() != null) ? backends.get(holder.pid()) : null)
			.anyMatch((backend) -> backend != null && backend.state().startsWith("idle in transaction"));
	}

	private String describe(PoolStatistics statistics, boolean turnedAway, String held) {
		return "Pool '" + this.pool.getPoolName() + "' ran dry: "
				+ (turnedAway ? "a borrow was turned away at once, as many waited as " + bound() + " allows"
						: "a borrow found no connection within " + this.pool.getConnectionTimeout() + "ms")
				+ ", with " + statistics.active() + " of " + statistics.max()
				+ " connections lent and " + statistics.pending() + " other borrows waiting. " + held
				+ ". Said once until nobody waits";
	}

	private static String held(List<Holder> holders, Map<Integer, Backend> backends, @Nullable String error) {
		return "Held longest first: " + HolderGroups.describe(holders, backends, error)
				+ ((error != null) ? ". Backends not read: " + error : "")
				+ (idleInTransaction(holders, backends)
						? ". More connections do not help holders idle in a transaction: shorten their transactions"
						: "");
	}

}
