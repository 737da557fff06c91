package dev.poolwise.holders;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import com.zaxxer.hikari.util.ClockSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

import dev.poolwise.holders.Holdings.Holding;
import dev.poolwise.pool.LentConnections;
import dev.poolwise.pool.QueuedPool;

/**
 * Knows who holds a pool's connections. Hikari tells a metrics tracker of every borrow, return and borrow
 * timeout, on the thread that makes it, and of nothing else cheaper: so this is the pool's
 * {@link MetricsTrackerFactory}, and it passes every call on to the tracker Spring Boot's Micrometer
 * binding (or the user) gives the pool, {@link #attach attached} to it. A borrow records its thread and
 * time; a stack is read only when a report is made. The first borrow timeout of an episode reports the
 * holders once ({@link DryEpisodes}). It counts the borrows too ({@link #borrowCounts()}), so the load is known
 * without any meter registry.
 * <p>
 * Hikari takes no tracker beside a Dropwizard or Prometheus metric registry, so a pool that has one is not
 * tracked.
 */
public final class HolderTracking implements MetricsTrackerFactory {

	/**
	 * A lent connection is paired with the holding its thread recorded just after Hikari noted the borrow;
	 * a holding further from the borrow than this is somebody else's.
	 */
	private static final long PAIRING_WINDOW_NANOS = Duration.ofMillis(100).toNanos();

	private static final IMetricsTracker NONE = new IMetricsTracker() {
	};

	private final HikariDataSource pool;

	private final Holdings holdings = new Holdings();

	private final DryEpisodes episodes;

	private final Map<Connection, Integer> pids = new WeakHashMap<>();

	private final LongAdder attempts = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	private final LongAdder heldMillis = new LongAdder();

	private @Nullable MetricsTrackerFactory delegateFactory;

	private @Nullable Tracker tracker;

	private HolderTracking(HikariDataSource pool, @Nullable MetricsTrackerFactory delegateFactory) {
		this.pool = pool;
		this.delegateFactory = delegateFactory;
		this.episodes = new DryEpisodes(pool, this);
	}

	/**
	 * Tracks the holders of an unstarted pool, keeping the metrics tracker factory it has.
	 * @param pool the pool, configured and not started
	 * @return the tracking, or null when the pool has a metric registry, beside which Hikari takes no tracker
	 */
	public static @Nullable HolderTracking install(HikariDataSource pool) {
		if (pool.getMetricRegistry() != null) {
			return null;
		}
		HolderTracking tracking = new HolderTracking(pool, pool.getMetricsTrackerFactory());
		pool.setMetricsTrackerFactory(tracking);
		if (pool instanceof QueuedPool queued) {
			queued.line().whenTurnedAway(tracking.episodes::turnedAway);
			queued.line().explainFailuresWith(tracking::dryReport);
		}
		return tracking;
	}

	/**
	 * The tracking of a pool.
	 * @param pool the pool
	 * @return its tracking, or null when it has none
	 */
	public static @Nullable HolderTracking of(HikariDataSource pool) {
		return (pool.getMetricsTrackerFactory() instanceof HolderTracking tracking) ? tracking : null;
	}

	/**
	 * Passes Hikari's calls on to another factory's tracker as well: what Spring Boot's Micrometer binding
	 * would have set on the pool, had the pool had no factory yet. Like Hikari, takes one only.
	 * @param factory the factory, e.g. Micrometer's
	 * @return whether it was attached; false when the pool has one already
	 */
	public synchronized boolean attach(MetricsTrackerFactory factory) {
		if (this.delegateFactory != null) {
			return false;
		}
		this.delegateFactory = factory;
		Tracker started = this.tracker;
		if (started != null) {
			started.delegate = factory.create(started.poolName, started.stats);
		}
		return true;
	}

	@Override
	public synchronized IMetricsTracker create(String poolName, PoolStats stats) {
		MetricsTrackerFactory factory = this.delegateFactory;
		Tracker created = new Tracker(poolName, stats, (factory != null) ? factory.create(poolName, stats) : NONE);
		this.tracker = created;
		return created;
	}

	/**
	 * The pool's borrows so far, counted on the borrowing threads (a few adds per borrow, no lock).
	 * @return the counts
	 */
	public BorrowCounts borrowCounts() {
		return new BorrowCounts(this.attempts.sum(), this.timeouts.sum(), this.waitNanos.sum(), this.heldMillis.sum());
	}

	/**
	 * The pool's holders now, longest held first: each lent connection paired with the thread that borrowed
	 * it, and that thread's stack read now. Records left by connections returned on another thread are
	 * dropped on the way.
	 * @return the holders; empty when the pool has not started or its connections cannot be read
	 */
	public List<Holder> holders() {
		HikariPoolMXBean running = this.pool.getHikariPoolMXBean();
		if (running == null) {
			return List.of();
		}
		List<LentConnections.Lent> lent = new ArrayList<>(LentConnections.of(running));
		lent.sort(Comparator.comparingLong(LentConnections.Lent::since));
		List<Holding> holdings = new ArrayList<>(this.holdings.all());
		holdings.sort(Comparator.comparingLong(Holding::since));
		List<Holder> holders = new ArrayList<>();
		long now = ClockSource.currentTime();
		for (LentConnections.Lent connection : lent) {
			Holding holding = pair(connection, holdings);
			Thread thread = (holding != null) ? holding.thread() : null;
			StackTraceElement[] stack = (thread != null) ? thread.getStackTrace() : new StackTraceElement[0];
			holders.add(new Holder(thread, Duration.ofNanos(ClockSource.elapsedNanos(connection.since(), now)),
					pid(connection.connection()), stack));
		}
		this.holdings.forget(holdings.stream()
			.filter((holding) -> !holding.thread().isAlive()
					|| ClockSource.elapsedNanos(holding.since(), now) > PAIRING_WINDOW_NANOS)
			.toList());
		holders.sort(Comparator.comparing(Holder::held).reversed());
		return holders;
	}

	/**
	 * While the pool is dry, who held it when the episode began, as its WARN says it: what a caller whose
	 * borrow failed in the episode is told with its exception.
	 * @return the sentence, or null outside an episode and before its report is made
	 */
	public @Nullable String dryReport() {
		return this.episodes.held();
	}

	/**
	 * The holders in one line, grouped by where they are, without reading the server.
	 * @return e.g. {@code 2 of 3 held from `OrderService.export`, 12.0-31.2 s (threads http-1 pid 101, ...)}
	 */
	public String describeHolders() {
		return HolderGroups.describe(holders(), null, null);
	}

	/**
	 * The first holding recorded at or after the borrow, within the window; it is taken out of the list.
	 */
	private static @Nullable Holding pair(LentConnections.Lent connection, List<Holding> holdings) {
		if (!connection.exact()) {
			return null;
		}
		for (int i = 0; i < holdings.size(); i++) {
			long after = ClockSource.elapsedNanos(connection.since(), holdings.get(i).since());
			if (after >= 0) {
				return (after <= PAIRING_WINDOW_NANOS) ? holdings.remove(i) : null;
			}
		}
		return null;
	}

	/**
	 * The backend pid of a physical connection, read from the driver once and remembered.
	 */
	private synchronized @Nullable Integer pid(Connection connection) {
		Integer pid = this.pids.get(connection);
		if (pid == null) {
			try {
				pid = connection.unwrap(PGConnection.class).getBackendPID();
				this.pids.put(connection, pid);
			}
			catch (SQLException ex) {
				return null;
			}
		}
		return pid;
	}

	/**
	 * The dry episodes of the pool.
	 * @return its episodes
	 */
	DryEpisodes episodes() {
		return this.episodes;
	}

	/**
	 * What Hikari calls on each borrow, return and timeout, passed on to the attached tracker.
	 */
	private final class Tracker implements IMetricsTracker {

		private final String poolName;

		private final PoolStats stats;

		private volatile IMetricsTracker delegate;

		Tracker(String poolName, PoolStats stats, IMetricsTracker delegate) {
			this.poolName = poolName;
			this.stats = stats;
			this.delegate = delegate;
		}

		@Override
		public void recordConnectionCreatedMillis(long connectionCreatedMillis) {
			this.delegate.recordConnectionCreatedMillis(connectionCreatedMillis);
		}

		/**
		 * Hikari calls this on every borrow, and also on a borrow that timed out, just before
		 * {@link #recordConnectionTimeout()} on the same thread.
		 */
		@Override
		public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
			HolderTracking.this.holdings.borrowed();
			HolderTracking.this.attempts.increment();
			HolderTracking.this.waitNanos.add(elapsedAcquiredNanos);
			this.delegate.recordConnectionAcquiredNanos(elapsedAcquiredNanos);
		}

		@Override
		public void recordConnectionUsageMillis(long elapsedBorrowedMillis) {
			HolderTracking.this.holdings.returned();
			HolderTracking.this.heldMillis.add(elapsedBorrowedMillis);
			HolderTracking.this.episodes.returned();
			this.delegate.recordConnectionUsageMillis(elapsedBorrowedMillis);
		}

		@Override
		public void recordConnectionTimeout() {
			HolderTracking.this.holdings.returned();
			HolderTracking.this.timeouts.increment();
			HolderTracking.this.episodes.timedOut();
			this.delegate.recordConnectionTimeout();
		}

		@Override
		public void close() {
			HolderTracking.this.episodes.close();
			this.delegate.close();
		}

	}

}
