package dev.poolwise.tls;

import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.login.LoginFailures;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.pool.PoolThreads;
import dev.poolwise.pool.Redaction;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violation;

/**
 * Puts a reloaded SSL bundle's material in use only once it works, then replaces the pool's connections one
 * at a time, spread over the rotation window.
 * <p>
 * A reload is a claim, not a proof: Spring Boot reads PEM files lazily, so a trust file copied half-way or
 * overwritten reaches the update handlers as a valid reload, and evicting the working connections for it
 * would drain the pool. So the new material first makes an SSL context and opens one side connection (the
 * canary, bounded by the pool's connection timeout); only if that connection logs in does the material go
 * in use. Otherwise the previous material stays in use, the open connections are kept, and one WARN names
 * the bundle's properties and the reason. Each connection is evicted only once the previous one's
 * replacement logged in, and a replacement that fails stops the rotation and puts the previous material
 * back, so a failing material costs the pool one connection, not all of them. When only the trust material changed (the client certificate is the same),
 * the sessions open were verified already and are kept; new connections verify with the new trust.
 * <p>
 * New connections take the accepted material at once ({@link PoolTls}); the open ones keep the old
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

	private final LoginFailures logins;

	private final TlsFailures failures;

	private volatile @Nullable String lastRefusal;

	private @Nullable ScheduledExecutorService scheduler;

	private @Nullable ExecutorService returner;

	private @Nullable ScheduledFuture<?> running;

	/** The reload the running replacement belongs to, so that a superseded one cannot stop its successor. */
	private long cutoff;

	/** When the latest connection was evicted, while its replacement's outcome is awaited. */
	private @Nullable Long evicted;

	/**
	 * @param tls the pool's TLS
	 * @param pool the pool
	 * @param births when each of its connections was opened
	 * @param window time over which the open connections are replaced
	 * @param logins the outcome of the pool's latest connection attempt, to stop at a failed replacement
	 * @param failures explains a failed test connection
	 */
	public TlsRotation(PoolTls tls, HikariDataSource pool, ConnectionBirths births, Duration window,
			LoginFailures logins, TlsFailures failures) {
		this.tls = tls;
		this.pool = pool;
		this.births = births;
		this.window = window;
		this.logins = logins;
		this.failures = failures;
	}

	/**
	 * Tries the bundle's reloaded material on the rotation's thread, and rotates if it works. Called on
	 * Spring Boot's file watcher thread, which it leaves at once.
	 */
	public void rotated() {
		scheduler().execute(this::tryReload);
	}

	private void tryReload() {
		if (this.pool.isClosed()) {
			return;
		}
		String refusal = tryCandidate();
		if (refusal != null) {
			refuse(refusal);
			return;
		}
		this.lastRefusal = null;
		boolean clientChanged = this.tls.accept();
		String reloaded = "Pool '" + this.tls.poolName() + "': SSL bundle '" + this.tls.bundleName()
				+ "' was reloaded (" + this.tls.bundleKey() + ") and a test connection logged in with its new material. "
				+ "New connections use it now; ";
		if (!clientChanged) {
			logger.info(reloaded + "only its trust material changed, so the open connections, verified already, are "
					+ "kept (each is replaced at the latest after its recycle time)");
			return;
		}
		replace(reloaded);
	}

	/**
	 * Why the bundle's material as it is now cannot be used: it cannot make an SSL context, or a connection
	 * with it did not log in.
	 */
	private @Nullable String tryCandidate() {
		try {
			this.tls.prepare();
		}
		catch (GeneralSecurityException ex) {
			return "it cannot make an SSL context: " + ex.getMessage();
		}
		Duration timeout = Duration.ofMillis(this.pool.getConnectionTimeout());
		try (Connection canary = SideConnections.open(this.pool, SideConnections.TLS_CANARY, timeout,
				Map.of("sslfactoryarg", this.tls.canaryId()))) {
			return null;
		}
		catch (SQLException ex) {
			Violation explained = this.failures.explainCandidate(ex,
					PoolTarget.of(this.pool.getJdbcUrl(), null).server());
			return "a test connection with it failed: "
					+ ((explained != null) ? explained.rule() : Redaction.describe(ex, this.pool));
		}
	}

	private void refuse(String reason) {
		String message = "Pool '" + this.tls.poolName() + "': SSL bundle '" + this.tls.bundleName()
				+ "' was reloaded (" + this.tls.bundleKey() + "), but its new material was refused: " + reason
				+ ". New connections keep the previous material and the open connections are kept. Fix the bundle's "
				+ "files (write each to a temporary name and move it into place); the next change is tried the same way.";
		if (reason.equals(this.lastRefusal)) {
			logger.debug(message);
		}
		else {
			this.lastRefusal = reason;
			logger.warn(message);
		}
	}

	/**
	 * Starts replacing every connection open now; a rotation still under way is taken over by this one.
	 */
	private synchronized void replace(String reloaded) {
		stopRunning();
		long cutoff = System.nanoTime();
		this.cutoff = cutoff;
		this.evicted = null;
		int open = this.births.before(cutoff).size();
		if (this.pool.isClosed() || open == 0) {
			logger.info(reloaded + "no connection was open");
			return;
		}
		long interval = Math.max(1, this.window.toMillis() / open);
		logger.info(reloaded + "the " + open + " open connection(s) are replaced one at a time, one every " + interval
				+ "ms, within db.pool.ssl.rotation-window " + Durations.format(this.window));
		long intervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
		this.running = scheduler().scheduleWithFixedDelay(() -> retireOne(cutoff, open, intervalNanos), 0, interval,
				TimeUnit.MILLISECONDS);
	}

	private synchronized void stopRunning() {
		if (this.running != null) {
			this.running.cancel(false);
			this.running = null;
		}
	}

	/**
	 * Stops at the first connection the pool failed to open since the rotation began: its material goes out
	 * of use, and the connections not yet replaced are kept.
	 */
	private synchronized boolean stoppedByFailure(long cutoff, int open) {
		LoginFailures.Failure failure = this.logins.latestFailure();
		if (failure == null || failure.atNanos() - cutoff < 0 || cutoff != this.cutoff) {
			return false;
		}
		stopRunning();
		this.tls.revert();
		logger.warn("Pool '" + this.tls.poolName() + "': a connection opened with the reloaded material of SSL bundle '"
				+ this.tls.bundleName() + "' (" + this.tls.bundleKey() + ") failed: "
				+ Redaction.message(failure.exception().getMessage(), this.pool) + ". The replacement stopped with "
				+ this.births.before(cutoff).size() + " of " + open + " connection(s) not replaced; new connections "
				+ "use the previous material again. Fix the bundle's files; the next change is tried the same way.");
		return true;
	}

	/**
	 * Whether the replacement of the latest evicted connection is still under way. The next connection is
	 * evicted only once a connection opened after the eviction logged in: a server slow to refuse the new
	 * material (a login that fails after seconds) would otherwise see every tick evict another working
	 * connection before the first failure is known, and the pool drain. When no opening follows within the
	 * pool's connection timeout, the pool did not refill (the evicted one was an overflow connection), and
	 * the rotation goes on.
	 */
	private boolean awaitingReplacement() {
		Long since = this.evicted;
		if (since == null || this.logins.succeededSince(since)) {
			this.evicted = null;
			return false;
		}
		if (this.logins.isOpening()
				|| System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(this.pool.getConnectionTimeout())) {
			return true;
		}
		this.evicted = null;
		return false;
	}

	/**
	 * Evicts one connection opened before the cutoff. A borrowed connection that turns out new is handed back
	 * and the next one tried for up to one interval, so a saturated pool, which hands out whatever was
	 * returned last, does not stretch the window.
	 */
	private void retireOne(long cutoff, int open, long intervalNanos) {
		if (stoppedByFailure(cutoff, open) || awaitingReplacement()) {
			return;
		}
		long start = System.nanoTime();
		while (System.nanoTime() - start < intervalNanos) {
			if (this.pool.isClosed() || this.births.before(cutoff).isEmpty()) {
				finished(cutoff, open);
				return;
			}
			try {
				Connection borrowed = this.pool.getConnection();
				// The driver's own connection, as its birth was noted, under whatever wraps it (Poolwise's session watch).
				if (this.births.isBefore((Connection) borrowed.unwrap(PGConnection.class), cutoff)) {
					// Stamped before the eviction: Hikari may start the replacement's login at once, and a login
					// started before the stamp would not count as the replacement, stalling the rotation a timeout.
					this.evicted = System.nanoTime();
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
		stopRunning();
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
