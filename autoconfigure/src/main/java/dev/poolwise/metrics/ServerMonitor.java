package dev.poolwise.metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.net.SideConnectionLifetime;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolThreads;
import dev.poolwise.pool.Redaction;

/**
 * Samples one pool's server on a thread of its own, over one physical connection of its own. Borrowing from
 * the pool would take a connection from the application exactly when the pool is exhausted, when the
 * numbers matter most, and would count the sampler's queries in Hikari's usage timers. The dedicated
 * connection costs one server slot, carries the name {@code <application name> (dbPool monitor)} in
 * {@code pg_stat_activity}, and is reopened on the next tick after any failure.
 */
final class ServerMonitor implements Runnable {

	private static final Log logger = LogFactory.getLog(ServerMonitor.class);

	private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	private final HikariDataSource pool;

	private final String threadName;

	private final String applicationName;

	private final ScheduledExecutorService executor;

	private final AtomicReference<@Nullable ServerStatistics> latest = new AtomicReference<>();

	private volatile @Nullable Connection connection;

	private boolean warnedAboutVisibility;

	private boolean failing;

	private final SideConnectionLifetime lifetime;

	/**
	 * @param pool the pool whose server to sample
	 * @param tlsGeneration the generation of the pool's TLS material, constant without an SSL bundle; the
	 * connection is replaced when it changes and after the pool's recycle time
	 */
	ServerMonitor(HikariDataSource pool, LongSupplier tlsGeneration) {
		this.pool = pool;
		this.lifetime = new SideConnectionLifetime(pool, tlsGeneration);
		this.threadName = PoolThreads.name("monitor", pool.getPoolName());
		this.applicationName = SideConnections.applicationName(pool);
		this.executor = Executors.newSingleThreadScheduledExecutor(PoolThreads.factory("monitor", pool.getPoolName()));
	}

	void start(Duration interval) {
		this.executor.scheduleWithFixedDelay(this, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The last sample; reading it never touches the server.
	 * @return the statistics, or null before the first sample and after a failed one
	 */
	@Nullable ServerStatistics latest() {
		return this.latest.get();
	}

	@Override
	public void run() {
		try {
			ServerStatistics statistics = ServerStatistics.read(connection(), this.applicationName);
			this.latest.set(statistics);
			this.failing = false;
			if (!statistics.allSessionsVisible() && !this.warnedAboutVisibility) {
				this.warnedAboutVisibility = true;
				logger.info("Poolwise cannot see the state of other roles' sessions for pool '"
						+ this.pool.getPoolName() + "' because its role lacks pg_read_all_stats: "
						+ "db.pool.server.connections counts them as state=other, and oldest transaction, oldest "
						+ "query and lock waits cover only visible sessions. GRANT pg_read_all_stats to the pool's "
						+ "role to see them all.");
			}
		}
		catch (SQLException ex) {
			closeConnection();
			if (this.executor.isShutdown()) {
				return;
			}
			this.latest.set(null);
			if (!this.failing) {
				logger.warn("Poolwise could not sample server statistics for pool '" + this.pool.getPoolName()
						+ "', retrying every tick: " + Redaction.message(ex.getMessage(), this.pool));
			}
			this.failing = true;
		}
	}

	private Connection connection() throws SQLException {
		Connection current = this.connection;
		if (current != null && this.lifetime.isOver()) {
			closeConnection();
			current = null;
		}
		if (current != null && !current.isClosed()) {
			return current;
		}
		current = SideConnections.open(this.pool, SideConnections.MONITOR, QUERY_TIMEOUT);
		this.lifetime.opened();
		synchronized (this) {
			if (!this.executor.isShutdown()) {
				this.connection = current;
				return current;
			}
		}
		current.close();
		throw new SQLException("Sampling has stopped");
	}

	/**
	 * Stops sampling and closes the connection; the last sample stays readable.
	 */
	void stop() {
		synchronized (this) {
			this.executor.shutdownNow();
		}
		closeConnection();
	}

	private void closeConnection() {
		Connection current;
		synchronized (this) {
			current = this.connection;
			this.connection = null;
		}
		if (current != null) {
			try {
				current.close();
			}
			catch (SQLException ex) {
				logger.debug("Poolwise could not close the monitoring connection: " + ex.getMessage());
			}
		}
	}

}
