package dev.poolwise.tls;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.pool.PoolThreads;
import dev.poolwise.validation.Durations;

/**
 * Replaces a pool's connections one at a time after its SSL bundle was reloaded, spread over the rotation
 * window. New connections take the new material at once ({@link PoolTls}); the open ones keep the old
 * certificate until closed. Hikari's {@code softEvictConnections} would close them all on their next
 * borrow, each borrower then waiting for a TLS handshake and a login at the same moment. Here an idle
 * connection opened before the rotation is borrowed and evicted every {@code window / connections}, and
 * Hikari opens its replacement in the background: no borrowed connection is touched, so no call fails, and
 * at most one connection is being replaced at a time. Hikari hands out its idle connections oldest first,
 * so the borrowed one is an old one whenever an old one is idle; when the pool is saturated the borrow
 * queues with the application's threads. A new connection is handed back from another thread, so that
 * this thread's list of recently used connections stays empty and the next borrow reaches the old ones.
 */
public final class TlsRotation implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(TlsRotation.class);

	private final PoolTls tls;

	private final HikariDataSource pool;

	private final ConnectionBirths births;

	private final Duration window;

	private @Nullable ScheduledExecutorService scheduler;

	private @Nullable ExecutorService returner;

	private @Nullable ScheduledFuture<?> running;

	/** The reload the running replacement belongs to, so that a superseded one cannot stop its successor. */
	private long cutoff;

	/**
	 * @param tls the pool's TLS
	 * @param pool the pool
	 * @param births when each of its connections was opened
	 * @param window time over which the open connections are replaced
	 */
	public TlsRotation(PoolTls tls, HikariDataSource pool, ConnectionBirths births, Duration window) {
		this.tls = tls;
		this.pool = pool;
		this.births = births;
		this.window = window;
	}

	/**
	 * Starts replacing every connection open now; a rotation still under way is taken over by this one.
	 */
	public synchronized void rotated() {
		if (this.running != null) {
			this.running.cancel(false);
		}
		long cutoff = System.nanoTime();
		this.cutoff = cutoff;
		int open = this.births.before(cutoff).size();
		if (this.pool.isClosed() || open == 0) {
			return;
		}
		long interval = Math.max(1, this.window.toMillis() / open);
		logger.info("Pool '" + this.tls.poolName() + "': SSL bundle '" + this.tls.bundleName()
				+ "' was reloaded. New connections use the new material now; the " + open + " open connection(s) "
				+ "are replaced one at a time, one every " + interval + "ms, within db.pool.ssl.rotation-window "
				+ Durations.format(this.window));
		long intervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
		this.running = scheduler().scheduleWithFixedDelay(() -> retireOne(cutoff, open, intervalNanos), 0, interval,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Evicts one connection opened before the cutoff. A borrowed connection that turns out new is handed back
	 * and the next one tried for up to one interval, so a saturated pool, which hands out whatever was
	 * returned last, does not stretch the window.
	 */
	private void retireOne(long cutoff, int open, long intervalNanos) {
		long start = System.nanoTime();
		while (System.nanoTime() - start < intervalNanos) {
			if (this.pool.isClosed() || this.births.before(cutoff).isEmpty()) {
				finished(cutoff, open);
				return;
			}
			try {
				Connection borrowed = this.pool.getConnection();
				if (this.births.isBefore(borrowed.unwrap(Connection.class), cutoff)) {
					this.pool.evictConnection(borrowed);
					borrowed.close();
					if (this.births.before(cutoff).isEmpty()) {
						finished(cutoff, open);
					}
					return;
				}
				returner().execute(() -> closeQuietly(borrowed));
			}
			catch (SQLException ex) {
				logger.debug("Pool '" + this.tls.poolName() + "': no connection to replace now: " + ex.getMessage());
				return;
			}
		}
	}

	private synchronized void finished(long cutoff, int open) {
		if (cutoff != this.cutoff) {
			return;
		}
		if (this.running != null) {
			this.running.cancel(false);
			this.running = null;
		}
		if (!this.pool.isClosed()) {
			logger.info("Pool '" + this.tls.poolName() + "': the " + open + " connection(s) open at the reload of "
					+ "SSL bundle '" + this.tls.bundleName() + "' were replaced in "
					+ Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutoff))));
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.debug("Could not hand back a connection: " + ex.getMessage());
		}
	}

	private synchronized ScheduledExecutorService scheduler() {
		if (this.scheduler == null) {
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "rotation"));
		}
		return this.scheduler;
	}

	private synchronized ExecutorService returner() {
		if (this.returner == null) {
			this.returner = Executors.newSingleThreadExecutor((task) -> daemon(task, "return"));
		}
		return this.returner;
	}

	private Thread daemon(Runnable task, String purpose) {
		return PoolThreads.factory("tls-" + purpose, this.tls.poolName()).newThread(task);
	}

	/**
	 * Stops replacing connections: the pool is closing.
	 */
	@Override
	public synchronized void close() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		if (this.returner != null) {
			this.returner.shutdown();
		}
		this.tls.close();
	}

}
