package dev.poolwise.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.pool.HikariPool;
import org.jspecify.annotations.Nullable;

/**
 * Who waits for a pool's connections, in which order, and how many may. Hikari's hand-off is not fair: a
 * returned connection is put back before it is offered to the longest waiter, and a caller that arrives just
 * then takes it, so under load some callers wait far past their turn and time out while later ones are served
 * (HikariCP #2192, #1909). A fair line lets one caller at a time into Hikari's borrow, in the order they came,
 * through a fair one-permit {@link Semaphore}; the others wait in the line, each for what is left of its
 * timeout. The one in Hikari's borrow gets the next connection returned, and lets the next caller in as soon
 * as it has it, so a caller whose turn comes within its timeout is served, and the permit is taken and given
 * back on the same thread, whatever becomes of the connection. Nothing depends on the pool's size, which may
 * change at runtime. A caller that finds nobody waiting, or more idle connections than callers waiting, goes
 * straight to Hikari: it takes nobody's turn, and callers that borrow and return faster than a parked thread
 * wakes do not queue up behind each other in the line while connections sit idle. Only the first check reads
 * no more than counters of the line and Hikari's count of waiters; idle connections are counted only when
 * somebody waits.
 * <p>
 * A bound on the waiters turns a caller away at once, with a {@link SQLTransientConnectionException} that
 * says why, when that many are waiting already and no connection is idle, so an overloaded service sheds
 * load instead of timing everyone out. Timeouts are Hikari's own: a caller whose timeout passes in the line
 * asks Hikari once more without waiting, so it is served if a connection is idle and otherwise gets Hikari's
 * exception, counted in Hikari's meters, with the whole wait in its message.
 */
public final class WaitingLine {

	private static final Pattern TIMED_OUT = Pattern.compile("request timed out after \\d+ms");

	private final @Nullable Semaphore turnstile;

	private final int maxWaiting;

	private final String maxWaitingKey;

	private final AtomicInteger queued = new AtomicInteger();

	private final LongAdder turnedAway = new LongAdder();

	private volatile Runnable onTurnedAway = () -> {
	};

	private volatile Supplier<@Nullable String> whoHolds = () -> null;

	/**
	 * @param fair whether callers are let into Hikari's borrow in the order they came
	 * @param maxWaiting most callers that may wait, or -1 for no bound
	 * @param maxWaitingKey the property that sets the bound, for the message of a caller turned away
	 */
	public WaitingLine(boolean fair, int maxWaiting, String maxWaitingKey) {
		this.turnstile = fair ? new Semaphore(1, true) : null;
		this.maxWaiting = maxWaiting;
		this.maxWaitingKey = maxWaitingKey;
	}

	/**
	 * Borrows a connection through the line.
	 * @param pool the running pool
	 * @param poolName its name, for messages
	 * @param timeoutMillis longest the caller waits in all
	 * @param maximumPoolSize the pool's maximum now: a pool with room to open connections turns nobody away
	 * @return the connection
	 * @throws SQLException Hikari's, with the whole wait in a timeout's message, or one saying the caller was
	 * turned away
	 */
	Connection borrow(HikariPool pool, String poolName, long timeoutMillis, int maximumPoolSize) throws SQLException {
		long start = System.nanoTime();
		int pending = pending(pool);
		if (this.maxWaiting >= 0 && pending >= this.maxWaiting && pool.getIdleConnections() == 0
				&& pool.getTotalConnections() >= maximumPoolSize) {
			throw turnAway(pool, poolName);
		}
		Semaphore gate = this.turnstile;
		if (gate == null || (pending == 0 && gate.availablePermits() > 0) || pool.getIdleConnections() > pending) {
			return pool.getConnection(timeoutMillis);
		}
		boolean passed;
		this.queued.incrementAndGet();
		try {
			passed = gate.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException(poolName + " - Interrupted during connection acquisition", ex);
		}
		finally {
			this.queued.decrementAndGet();
		}
		try {
			long left = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			return pool.getConnection(passed ? Math.max(left, 0) : 0);
		}
		catch (SQLTransientConnectionException ex) {
			throw retimed(ex, start);
		}
		finally {
			if (passed) {
				gate.release();
			}
		}
	}

	/**
	 * Callers waiting for a connection: in this line and in Hikari's borrow.
	 * @param pool the running pool
	 * @return how many
	 */
	int pending(HikariPool pool) {
		return this.queued.get() + pool.getThreadsAwaitingConnection();
	}

	private SQLTransientConnectionException turnAway(HikariPool pool, String poolName) {
		this.turnedAway.increment();
		this.onTurnedAway.run();
		int waiting = pending(pool);
		return new SQLTransientConnectionException(poolName + " - Connection is not available, turned away at once: "
				+ waiting + " borrows were waiting, the most " + this.maxWaitingKey + "=" + this.maxWaiting
				+ " allows (total=" + pool.getTotalConnections() + ", active=" + pool.getActiveConnections()
				+ ", idle=" + pool.getIdleConnections() + ", waiting=" + waiting + "). Raise " + this.maxWaitingKey
				+ " to let more wait, or give the load more connections or shorter holds");
	}

	/**
	 * Hikari's timeout with the time waited in the line added to its message, which counts only the last
	 * ask; its cause and next exception (the last connection failure) kept.
	 */
	private static SQLTransientConnectionException retimed(SQLTransientConnectionException ex, long start) {
		String message = ex.getMessage();
		Matcher matcher = TIMED_OUT.matcher((message != null) ? message : "");
		if (!matcher.find()) {
			return ex;
		}
		return withMessage(ex, matcher.replaceFirst(
				"request timed out after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + "ms"));
	}

	/**
	 * Hikari's timeout with another message, and everything else it carries kept: its state, its cause and
	 * next exception (the pool's last connection failure) and its stack.
	 */
	private static SQLTransientConnectionException withMessage(SQLTransientConnectionException ex, String message) {
		SQLTransientConnectionException rewritten = new SQLTransientConnectionException(message, ex.getSQLState(),
				ex.getErrorCode(), ex.getCause());
		rewritten.setStackTrace(ex.getStackTrace());
		SQLException next = ex.getNextException();
		if (next != null) {
			rewritten.setNextException(next);
		}
		return rewritten;
	}

	/**
	 * Says, in the exception of every caller that gets no connection, who holds the pool, as the pool's
	 * report of the episode says it.
	 * @param report the sentence, or null when there is none (yet)
	 */
	public void explainFailuresWith(Supplier<@Nullable String> report) {
		this.whoHolds = report;
	}

	/**
	 * A failed borrow's exception with who holds the pool added to its message, the cause and next exception
	 * (the pool's last connection error) and the stack kept.
	 * @param ex the failure
	 * @return the failure explained, or the same one when there is nothing to add
	 */
	SQLTransientConnectionException explained(SQLTransientConnectionException ex) {
		String report = this.whoHolds.get();
		if (report == null) {
			return ex;
		}
		return withMessage(ex, ex.getMessage() + ". " + report);
	}

	/**
	 * Has something done each time a caller is turned away, on the caller's thread.
	 * @param action e.g. counting it in the pool's dry episode
	 */
	public void whenTurnedAway(Runnable action) {
		this.onTurnedAway = action;
	}

	/**
	 * Whether callers are let into Hikari's borrow in the order they came.
	 * @return true for a fair line
	 */
	public boolean fair() {
		return this.turnstile != null;
	}

	/**
	 * The bound on waiting callers.
	 * @return the most that may wait, or -1 for no bound
	 */
	public int maxWaiting() {
		return this.maxWaiting;
	}

	/**
	 * The property that sets the bound.
	 * @return e.g. {@code db.pool.queue.max-waiting}
	 */
	public String maxWaitingKey() {
		return this.maxWaitingKey;
	}

	/**
	 * Callers turned away since the pool started.
	 * @return how many
	 */
	public long turnedAway() {
		return this.turnedAway.sum();
	}

}
