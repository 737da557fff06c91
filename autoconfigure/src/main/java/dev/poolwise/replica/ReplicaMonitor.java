package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolThreads;

/**
 * Samples the primary's WAL position and each replica's recovery state and replay position every interval,
 * each on a side connection of its own and a thread of its own, so a replica that stops answering delays
 * only its own sample, and neither takes a connection the application needs. A failed replica sample takes
 * the replica out of rotation at once, and so does one that has not answered within the replica pool's
 * connect timeout, without waiting for the socket to give up; the next good one that is within the lag
 * bound puts it back. It also answers read-your-writes: the primary's position after a thread's write comes
 * from the latest sample when that began after the write, else from one more sample, which every thread
 * waiting meanwhile shares.
 */
final class ReplicaMonitor implements AutoCloseable, ReadYourWrites.PrimaryPositions {

	private static final Log logger = LogFactory.getLog(ReplicaMonitor.class);

	/** pgjdbc's default connectTimeout, in seconds. */
	private static final int DEFAULT_CONNECT_TIMEOUT = 10;

	private final List<Replica> replicas;

	private final List<Sampled> replicaSides;

	private final Duration interval;

	private final Duration maxLag;

	private final WalTimeline timeline;

	private final ScheduledExecutorService executor;

	private final Sampled primarySide;

	private final ReentrantLock sampling = new ReentrantLock();

	private final String poolName;

	/** Whether the last sample of the primary failed, so a run of failures is logged once. */
	private volatile boolean primaryFailing;

	ReplicaMonitor(HikariDataSource primary, List<Replica> replicas, Duration interval, Duration maxLag) {
		this.replicas = replicas;
		this.interval = interval;
		this.maxLag = maxLag;
		this.timeline = WalTimeline.covering(maxLag, interval);
		this.poolName = primary.getPoolName();
		this.primarySide = new Sampled(primary);
		this.replicaSides = replicas.stream().map((replica) -> new Sampled(replica.pool())).toList();
		this.executor = Executors.newScheduledThreadPool(replicas.size() + 2,
				PoolThreads.factory("replicas", primary.getPoolName()));
	}

	/**
	 * Samples everything once, so the rotation is known when the application starts, then every interval.
	 */
	void start() {
		samplePrimary();
		long millis = this.interval.toMillis();
		this.executor.scheduleWithFixedDelay(this::samplePrimary, millis, millis, TimeUnit.MILLISECONDS);
		for (int i = 0; i < this.replicas.size(); i++) {
			Replica replica = this.replicas.get(i);
			Sampled side = this.replicaSides.get(i);
			sample(replica, side);
			this.executor.scheduleWithFixedDelay(() -> sample(replica, side), millis, millis, TimeUnit.MILLISECONDS);
		}
		this.executor.scheduleWithFixedDelay(this::watch, millis / 2, millis / 2, TimeUnit.MILLISECONDS);
	}

	/**
	 * A replica that stops answering holds its sample until the socket timeout; it leaves the rotation once
	 * the sample has waited as long as a connect may.
	 */
	private void watch() {
		long now = System.nanoTime();
		for (int i = 0; i < this.replicas.size(); i++) {
			Sampled side = this.replicaSides.get(i);
			long waited = side.waiting(now);
			if (waited > side.patience) {
				this.replicas.get(i).unreachable("its check has not answered for " + (waited / 1_000_000)
						+ " ms, longer than its connect timeout (" + (side.patience / 1_000_000) + " ms)");
			}
		}
	}

	/**
	 * Waits at most one interval for a sample that began after the moment: a primary that does not answer
	 * sends the caller's read to the primary rather than holding it.
	 */
	@Override
	public long positionAfter(long nanos) {
		long known = this.timeline.latestSince(nanos);
		if (known != Lsn.UNKNOWN) {
			return known;
		}
		try {
			if (!this.sampling.tryLock(this.interval.toNanos(), TimeUnit.NANOSECONDS)) {
				return Lsn.UNKNOWN;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Lsn.UNKNOWN;
		}
		try {
			known = this.timeline.latestSince(nanos);
			return (known != Lsn.UNKNOWN) ? known : samplePrimaryLocked();
		}
		finally {
			this.sampling.unlock();
		}
	}

	private void samplePrimary() {
		this.sampling.lock();
		try {
			samplePrimaryLocked();
		}
		finally {
			this.sampling.unlock();
		}
	}

	private long samplePrimaryLocked() {
		long began = System.nanoTime();
		try {
			long position = this.primarySide.query("SELECT pg_current_wal_lsn()", (row) -> Lsn.parse(row.getString(1)));
			if (this.timeline.record(began, position)) {
				this.replicas.forEach(Replica::forgetReplayed);
				logger.info("Pool '" + this.poolName + "': the primary's WAL position went back to "
						+ Lsn.format(position) + " (a failover to a standby that had not received everything); "
						+ "replica lag is measured from here");
			}
			if (this.primaryFailing) {
				this.primaryFailing = false;
				logger.info("Pool '" + this.poolName + "': the primary's WAL position can be read again; replica lag "
						+ "is measured again");
			}
			return position;
		}
		catch (SQLException ex) {
			if (!this.primaryFailing) {
				this.primaryFailing = true;
				logger.warn("Pool '" + this.poolName + "': could not read the primary's WAL position ("
						+ ex.getSQLState() + ": " + ex.getMessage() + "); replica lag cannot be measured, so once "
						+ "it has not been read for db.pool.replicas.max-lag (" + this.maxLag.toMillis()
						+ " ms) the replicas take no reads until it can. The check runs on a connection of the "
						+ "primary pool's role, which needs a free connection slot and EXECUTE on "
						+ "pg_current_wal_lsn()");
			}
			return Lsn.UNKNOWN;
		}
	}

	private void sample(Replica replica, Sampled side) {
		try {
			side.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()", (row) -> {
				long replayed = Lsn.parse(row.getString(2));
				long now = System.nanoTime();
				Duration lag = lag(replayed, now);
				replica.sampled(row.getBoolean(1), replayed, lag, (lag != null) ? "" : unknownLag(now),
						this.timeline.covered(now).compareTo(this.maxLag) < 0);
				return replayed;
			});
		}
		catch (SQLException ex) {
			replica.unreachable("its check failed (" + ex.getSQLState() + ": " + ex.getMessage() + ")");
		}
	}

	/**
	 * A replica's lag, unknown when the primary's position is older than the lag bound: a replica that
	 * replayed an old position may be arbitrarily far behind the primary now.
	 */
	private @Nullable Duration lag(long replayed, long now) {
		Duration age = this.timeline.age(now);
		if (age == null || age.compareTo(this.maxLag) > 0) {
			return null;
		}
		return this.timeline.lag(replayed, now);
	}

	private String unknownLag(long now) {
		Duration age = this.timeline.age(now);
		if (age == null) {
			return "the primary's WAL position has not been read yet";
		}
		if (age.compareTo(this.maxLag) > 0) {
			return "the primary's WAL position has not been read for " + age.toMillis()
					+ " ms, longer than db.pool.replicas.max-lag";
		}
		Duration covered = this.timeline.covered(now);
		if (covered.compareTo(this.maxLag) < 0) {
			return "it has not yet replayed the first primary position on record (read " + covered.toMillis()
					+ " ms ago, at startup or after a failover), so it may be behind by more than "
					+ "db.pool.replicas.max-lag";
		}
		return "it is behind every position of the primary read in the last " + covered.toMillis()
				+ " ms, more than db.pool.replicas.max-lag";
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		this.primarySide.shut(true);
		this.replicaSides.forEach((side) -> side.shut(true));
	}

	/**
	 * A side connection kept open between samples and opened again after a failure.
	 */
	private final class Sampled implements AutoCloseable {

		private final HikariDataSource pool;

		/** Longest a sample may take before its replica counts as not answering: the connect timeout. */
		private final long patience;

		private @Nullable Connection connection;

		private volatile long since;

		private volatile boolean busy;

		private boolean closed;

		Sampled(HikariDataSource pool) {
			this.pool = pool;
			this.patience = TimeUnit.SECONDS.toNanos(connectTimeoutSeconds(pool));
		}

		/**
		 * pgjdbc's connectTimeout, whole seconds; 0 (no timeout) or a value that does not parse counts as
		 * pgjdbc's default of 10, so the watchdog never gives up on a replica at once.
		 */
		private static int connectTimeoutSeconds(HikariDataSource pool) {
			Properties merged = Driver.parseURL(pool.getJdbcUrl(), pool.getDataSourceProperties());
			String value = PGProperty.CONNECT_TIMEOUT.getOrDefault((merged != null) ? merged : new Properties());
			try {
				int seconds = (value != null) ? Integer.parseInt(value) : DEFAULT_CONNECT_TIMEOUT;
				return (seconds > 0) ? seconds : DEFAULT_CONNECT_TIMEOUT;
			}
			catch (NumberFormatException ex) {
				return DEFAULT_CONNECT_TIMEOUT;
			}
		}

		/**
		 * How long the sample under way has waited.
		 * @param now {@link System#nanoTime()}
		 * @return the wait, 0 when no sample is under way
		 */
		long waiting(long now) {
			return this.busy ? now - this.since : 0;
		}

		synchronized <T> T query(String sql, Row<T> reader) throws SQLException {
			this.since = System.nanoTime();
			this.busy = true;
			try {
				Connection open = this.connection;
				if (this.closed) {
					throw new SQLException("The replica monitor is closed", "08003");
				}
				if (open == null) {
					open = SideConnections.open(this.pool, SideConnections.REPLICA_MONITOR,
							ReplicaMonitor.this.interval);
					this.connection = open;
				}
				try (Statement statement = open.createStatement(); ResultSet row = statement.executeQuery(sql)) {
					row.next();
					return reader.read(row);
				}
			}
			catch (SQLException ex) {
				close();
				throw ex;
			}
			finally {
				this.busy = false;
			}
		}

		@Override
		public synchronized void close() {
			shut(false);
		}

		/**
		 * Closes the side connection, and for good when the monitor closes.
		 */
		synchronized void shut(boolean forGood) {
			this.closed |= forGood;
			Connection open = this.connection;
			this.connection = null;
			if (open != null) {
				try {
					open.close();
				}
				catch (SQLException ex) {
					logger.debug("Could not close a replica monitor connection: " + ex.getMessage());
				}
			}
		}

	}

	/**
	 * Reads a sample's row.
	 */
	@FunctionalInterface
	private interface Row<T> {

		T read(ResultSet row) throws SQLException;

	}

}
